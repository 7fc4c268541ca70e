package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/stackgate/stackgate/policies/model"
)

// ErrorList is every problem found in one load, in the order found. Each
// item is a *model.Error naming file, line and column.
type ErrorList = model.Errors

// errAt builds an error located at r.
func errAt(r hcl.Range, format string, args ...any) *model.Error {
	return model.Errorf(r.Filename, r.Start.Line, r.Start.Column, format, args...)
}

// diagMessage renders an HCL diagnostic without its location.
func diagMessage(d *hcl.Diagnostic) string {
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	return msg
}

// diagErrors converts the error diagnostics of diags.
func diagErrors(diags hcl.Diagnostics) []*model.Error {
	var out []*model.Error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		e := &model.Error{Message: diagMessage(d)}
		if d.Subject != nil {
			e.File, e.Line, e.Column = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, e)
	}
	return out
}

// toRange converts an HCL range into the model's.
func toRange(r hcl.Range) model.Range {
	return model.Range{
		Filename: r.Filename,
		Start:    model.Pos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
		End:      model.Pos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
	}
}
