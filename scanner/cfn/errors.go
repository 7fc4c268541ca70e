package cfn

import (
	"github.com/stackgate/stackgate/policies/model"
)

// ErrorList is every problem found in one template, in the order found. Each
// item is a *model.Error naming file, line and column.
type ErrorList = model.Errors
