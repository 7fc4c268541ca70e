package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedact(t *testing.T) {
	r := Resource{
		Address: "aws_db_instance.main",
		Properties: map[string]any{
			"DBInstanceIdentifier": "orders",
			"MasterUserPassword":   "hunter2",
			"KmsKeyId":             "arn:aws:kms:eu-west-1:111111111111:key/1",
			"Tags":                 []any{map[string]any{"Key": "api", "Value": "s3cr3t"}},
			"Unset":                nil,
		},
		Sensitive: []string{"Tags[0].Value"},
		Change:    &Change{Action: ActionUpdate, Before: map[string]any{"MasterUserPassword": "old", "Tags": []any{map[string]any{"Key": "api", "Value": "0ld"}}}},
	}
	got := r.Redact()
	want := map[string]any{
		"DBInstanceIdentifier": "orders",
		"MasterUserPassword":   Redacted,
		"KmsKeyId":             "arn:aws:kms:eu-west-1:111111111111:key/1",
		"Tags":                 []any{map[string]any{"Key": "api", "Value": Redacted}},
		"Unset":                nil,
	}
	if d := cmp.Diff(want, got.Properties); d != "" {
		t.Errorf("properties (-want +got):\n%s", d)
	}
	if got.Change.Before["MasterUserPassword"] != Redacted || got.Change.Before["Tags"].([]any)[0].(map[string]any)["Value"] != Redacted {
		t.Errorf("before %v", got.Change.Before)
	}
	if r.Properties["MasterUserPassword"] != "hunter2" || r.Change.Before["MasterUserPassword"] != "old" {
		t.Error("Redact changed the original")
	}
}
