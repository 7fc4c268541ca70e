package policies

import (
	"context"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// An unknown region is reported as unknown, with its own reason, not
// that of some unknown property of the resource.
func TestUnknownRegionFinding(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	reason := "the region of provider aws.eu is not known statically (var.region has no value)"
	doc := &model.Document{
		Environment: model.Environment{Name: "gov", Rules: map[string]map[string]any{"allowed-regions": {"regions": []any{"us-gov-west-1"}}}},
		Context:     model.Context{Region: "us-gov-west-1"},
		Resources: []model.Resource{{
			Address: "aws_s3_bucket.eu", Type: "AWS::S3::Bucket", SourceType: "aws_s3_bucket",
			Properties:    map[string]any{"BucketName": nil},
			UnknownPaths:  []model.Unknown{{Path: "BucketName", Reason: "var.name has no value"}},
			RegionUnknown: reason,
			Origin:        model.Origin{Layer: model.LayerTerraform, File: "main.tf"},
		}},
	}
	fs, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	if f.Status != model.StatusUnknown || f.Path != model.RegionPath || f.UnknownReason != reason {
		t.Errorf("finding %+v", f)
	}
}
