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

// A finding that does not block never reads "(block)", whatever its rule
// and the environment's enforcement: waiver-expired in a blocking
// environment is reported, not enforced.
func TestTextEffectLabel(t *testing.T) {
	tests := []struct {
		name string
		f    model.Finding
		want string
	}{
		{"waiver-expired", model.Finding{Rule: "waiver-expired", Severity: model.SeverityLow, Status: model.StatusFail, Enforcement: model.EnforcementBlock}, "(warn)"},
		{"blocking", model.Finding{Rule: "s3-versioning", Severity: model.SeverityMedium, Status: model.StatusFail, Enforcement: model.EnforcementBlock, Blocking: true}, "(block)"},
		{"unknown in block env", model.Finding{Rule: "s3-encryption-kms", Severity: model.SeverityHigh, Status: model.StatusUnknown, Enforcement: model.EnforcementBlock}, "(warn)"},
		{"advise", model.Finding{Rule: "s3-versioning", Severity: model.SeverityMedium, Status: model.StatusFail, Enforcement: model.EnforcementAdvise}, "(advise)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.File, tt.f.Line, tt.f.Resource = "a.yaml", 3, "Bucket"
			out := string(render(t, "text", &Result{Findings: []model.Finding{tt.f}}, Options{}))
			head, _, _ := strings.Cut(out, "\n")
			if !strings.HasSuffix(head, tt.want) {
				t.Errorf("header %q, want it to end in %q", head, tt.want)
			}
			if !tt.f.Blocking && strings.Contains(out, "(block)") {
				t.Errorf("a finding that does not block reads as blocking:\n%s", out)
			}
		})
	}
}
