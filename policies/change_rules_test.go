package policies

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
)

// located is the part of a finding the change-rule tests compare.
type located struct {
	Rule, Resource, Path, Status string
	Line                         int
}

// planResource is a Terraform-shaped resource from a plan: its address,
// the line its name is on, and a source line for each property path.
func planResource(address, typ string, props map[string]any, nameLine int, lines map[string]int) model.Resource {
	paths := map[string]model.Range{}
	for p, l := range lines {
		paths[p] = model.Range{Filename: "main.tf", Start: model.Pos{Line: l, Column: 3}, End: model.Pos{Line: l, Column: 30}}
	}
	return model.Resource{
		Address: address, Type: typ, Properties: props,
		Origin: model.Origin{
			Layer: model.LayerPlan, File: "main.tf",
			NameRange: model.Range{Filename: "main.tf", Start: model.Pos{Line: nameLine, Column: 1}, End: model.Pos{Line: nameLine, Column: 40}},
			Paths:     paths,
		},
	}
}

func withChange(r model.Resource, c model.Change) model.Resource {
	r.Change = &c
	return r
}

func withLifecycle(r model.Resource, l model.Lifecycle) model.Resource {
	r.Lifecycle = &l
	return r
}

// TestChangeRules evaluates plan-shaped documents (the only layers that know
// changes, drift and lifecycle) with one change rule enabled at a time.
func TestChangeRules(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	db := planResource("aws_db_instance.orders", "AWS::RDS::DBInstance", map[string]any{
		"DBInstanceClass":  "db.r6g.xlarge",
		"AllocatedStorage": int64(200),
		"Tags":             []any{map[string]any{"Key": "owner", "Value": "orders"}},
	}, 10, map[string]int{"DBInstanceClass": 13, "AllocatedStorage": 14, "Tags": 15, "Tags[0].Value": 15})
	logs := planResource("aws_s3_bucket.logs", "AWS::S3::Bucket", map[string]any{
		"BucketName":              "acme-logs",
		"VersioningConfiguration": map[string]any{"Status": "Enabled"},
	}, 30, map[string]int{"BucketName": 31, "VersioningConfiguration.Status": 38})
	web := planResource("aws_instance.web", "AWS::EC2::Instance", map[string]any{"ImageId": "ami-0abc"}, 50,
		map[string]int{"ImageId": 51, "lifecycle.ignore_changes": 55})

	tests := []struct {
		name   string
		rule   string
		params map[string]any
		res    []model.Resource
		want   []located
	}{
		{
			name:   "in-place update of a disallowed property fails at it",
			rule:   "immutable-no-in-place-update",
			params: map[string]any{"allow_changes": []any{"Tags"}},
			res:    []model.Resource{withChange(db, model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"Tags[0].Value", "DBInstanceClass"}})},
			want:   []located{{"immutable-no-in-place-update", "aws_db_instance.orders", "DBInstanceClass", "fail", 13}},
		},
		{
			name:   "tag-only update is allowed",
			rule:   "immutable-no-in-place-update",
			params: map[string]any{"allow_changes": []any{"Tags"}},
			res:    []model.Resource{withChange(db, model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"Tags[0].Value"}})},
		},
		{
			name: "replacement and creation pass",
			rule: "immutable-no-in-place-update",
			res: []model.Resource{
				withChange(db, model.Change{Action: model.ActionReplace, ChangedPaths: []string{"DBInstanceClass"}, ReplacePaths: []string{"DBInstanceClass"}}),
				withChange(logs, model.Change{Action: model.ActionCreate}),
			},
		},
		{
			name: "update without known changed paths is unknown at the resource",
			rule: "immutable-no-in-place-update",
			res:  []model.Resource{withChange(db, model.Change{Action: model.ActionUpdate})},
			want: []located{{"immutable-no-in-place-update", "aws_db_instance.orders", "", "unknown", 10}},
		},
		{
			name: "drift on a property the code sets blocks the update",
			rule: "no-drift",
			res: []model.Resource{withChange(logs, model.Change{
				Action: model.ActionUpdate, ChangedPaths: []string{"BucketName"},
				Drifted: true, DriftedPaths: []string{"ObjectLockEnabled", "VersioningConfiguration.Status"},
			})},
			want: []located{{"no-drift", "aws_s3_bucket.logs", "VersioningConfiguration.Status", "fail", 38}},
		},
		{
			name: "drift only on properties the code leaves unset is refresh noise",
			rule: "no-drift",
			res: []model.Resource{withChange(logs, model.Change{
				Action: model.ActionUpdate, ChangedPaths: []string{"BucketName"},
				Drifted: true, DriftedPaths: []string{"ObjectLockEnabled", "Tags"},
			})},
		},
		{
			name: "drifted resource without a pending change passes",
			rule: "no-drift",
			res: []model.Resource{withChange(logs, model.Change{
				Action: model.ActionNone, Drifted: true, DriftedPaths: []string{"VersioningConfiguration.Status"},
			})},
		},
		{
			name: "ignore_changes fails at the lifecycle block",
			rule: "no-drift-suppression",
			res:  []model.Resource{withLifecycle(web, model.Lifecycle{IgnoreChanges: []string{"ami", "tags"}})},
			want: []located{{"no-drift-suppression", "aws_instance.web", "lifecycle.ignore_changes", "fail", 55}},
		},
		{
			name: "ignore_changes = all fails once",
			rule: "no-drift-suppression",
			res:  []model.Resource{withLifecycle(web, model.Lifecycle{IgnoreAllChanges: true})},
			want: []located{{"no-drift-suppression", "aws_instance.web", "lifecycle.ignore_changes", "fail", 55}},
		},
		{
			name: "prevent_destroy alone passes",
			rule: "no-drift-suppression",
			res:  []model.Resource{withLifecycle(web, model.Lifecycle{PreventDestroy: true, CreateBeforeDestroy: true}), logs},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := tt.params
			if params == nil {
				params = map[string]any{}
			}
			doc := &model.Document{
				Environment: model.Environment{Name: "federal", Rules: map[string]map[string]any{tt.rule: params}},
				Context:     model.Context{Region: "us-gov-west-1"},
				Resources:   tt.res,
			}
			fs, err := e.Evaluate(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			var got []located
			for _, f := range fs {
				got = append(got, located{f.Rule, f.Resource, f.Path, f.Status, f.Line})
				if f.Message == "" || f.Remediation == "" {
					t.Errorf("finding without message or remediation: %+v", f)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
