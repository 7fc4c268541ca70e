package suppress

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
)

func TestScan(t *testing.T) {
	src := `Resources:
  # stackgate:ignore s3-versioning scratch data is rebuilt every night

  Scratch:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: scratch # stackgate:ignore s3-encryption-kms,s3-public-access-block public fixture bucket
resource "aws_s3_bucket" "x" { // stackgate:ignore s3-versioning tf style
  # stackgate:ignore s3-versioning
  # stackgate:ignore
}
`
	got, problems := Scan("t.yaml", []byte(src))
	want := []model.Suppression{
		{Rule: "s3-versioning", Reason: "scratch data is rebuilt every night", File: "t.yaml", Line: 2, Target: 4},
		{Rule: "s3-encryption-kms", Reason: "public fixture bucket", File: "t.yaml", Line: 7, Target: 7},
		{Rule: "s3-public-access-block", Reason: "public fixture bucket", File: "t.yaml", Line: 7, Target: 7},
		{Rule: "s3-versioning", Reason: "tf style", File: "t.yaml", Line: 8, Target: 8},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("suppressions (-want +got):\n%s", d)
	}
	if len(problems) != 2 || problems[0].Line != 9 || problems[1].Line != 10 {
		t.Errorf("problems = %v, want lines 9 (no reason) and 10 (no rule)", problems)
	}
}

func TestScanWithoutMarkerIsFree(t *testing.T) {
	got, problems := Scan("x.tf", []byte("resource \"a\" \"b\" {}\n"))
	if got != nil || problems != nil {
		t.Fatalf("got %v %v", got, problems)
	}
}
