package report

import (
	"strings"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// A finding's related locations are printed under it, file:line:column
// first, so terminals make them links.
func TestTextPrintsRelatedLocations(t *testing.T) {
	res := &Result{Tool: "stackgate", Findings: []model.Finding{{
		Rule: "s3-versioning", Severity: model.SeverityMedium, Status: model.StatusFail,
		Resource: "module.b.aws_s3_bucket.this", ResourceType: "AWS::S3::Bucket", File: "modules/bucket/main.tf", Line: 3, Column: 1,
		Message: "Bucket has no VersioningConfiguration.",
		Related: []model.Location{{File: "examples/complete/main.tf", Line: 12, Column: 1, Message: "the module call in the root module"}},
	}}}
	out := string(render(t, "text", res, Options{}))
	if !strings.Contains(out, "  see examples/complete/main.tf:12:1  the module call in the root module\n") {
		t.Errorf("no related location in:\n%s", out)
	}
}
