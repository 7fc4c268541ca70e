package report

import (
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// A finding in a module outside its root (a shared module judged for
// several examples) names the root; one inside its root does not.
func TestResourceLineNamesRootOfSharedModule(t *testing.T) {
	for _, tt := range []struct {
		file, root, want string
	}{
		{"modules/bucket/main.tf", "examples/complete", "module.b.aws_s3_bucket.this (AWS::S3::Bucket), property VersioningConfiguration, in root module examples/complete"},
		{"examples/complete/modules/x/main.tf", "examples/complete", "module.b.aws_s3_bucket.this (AWS::S3::Bucket), property VersioningConfiguration"},
		{"template.yaml", "", "module.b.aws_s3_bucket.this (AWS::S3::Bucket), property VersioningConfiguration"},
	} {
		f := &model.Finding{Resource: "module.b.aws_s3_bucket.this", ResourceType: "AWS::S3::Bucket",
			Path: "VersioningConfiguration", File: tt.file, Root: tt.root}
		if got := resourceLine(f); got != tt.want {
			t.Errorf("resourceLine(%s, root %q) = %q, want %q", tt.file, tt.root, got, tt.want)
		}
	}
}
