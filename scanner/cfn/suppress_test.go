package cfn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
)

func TestMetadataSuppressions(t *testing.T) {
	src := []byte(`Resources:
  Scratch:
    Type: AWS::S3::Bucket
    Metadata:
      stackgate:
        ignore:
          - rule: s3-versioning, s3-encryption-kms
            reason: scratch data is rebuilt nightly
  Other:
    Type: AWS::S3::Bucket
`)
	tpl, err := Load("t.yaml", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Suppression{
		{Rule: "s3-versioning", Reason: "scratch data is rebuilt nightly", File: "t.yaml", Line: 7, Target: 2},
		{Rule: "s3-encryption-kms", Reason: "scratch data is rebuilt nightly", File: "t.yaml", Line: 7, Target: 2},
	}
	if d := cmp.Diff(want, tpl.Suppressions); d != "" {
		t.Errorf("suppressions (-want +got):\n%s", d)
	}
}

func TestMetadataSuppressionErrors(t *testing.T) {
	tests := []struct{ name, ignore, want string }{
		{"not a list", "ignore: s3-versioning", "t.yaml:6:17: resource B: Metadata.stackgate.ignore must be a list of {rule, reason}"},
		{"no reason", "ignore: [{rule: s3-versioning}]", "t.yaml:6:18: resource B: the suppression of s3-versioning needs a reason"},
		{"no rule", "ignore: [{reason: because}]", "t.yaml:6:18: resource B: each Metadata.stackgate.ignore entry needs a rule id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n      stackgate:\n        " + tt.ignore + "\n"
			_, err := Load("t.yaml", []byte(src), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %s", err, tt.want)
			}
		})
	}
}
