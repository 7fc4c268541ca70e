package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/policies/model"
)

func TestLoadErrors(t *testing.T) {
	_, good := readFixture(t, "tags")
	tests := []struct {
		name      string
		src       string
		line, col int    // 0: not checked
		msg       string // substring of the message
	}{
		{name: "empty", src: "  \n", msg: "empty"},
		{name: "syntax", src: "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [,]\n}", line: 3, col: 24, msg: "invalid JSON"},
		{name: "syntax unicode column", src: "{\"é\": \"ü\" x}", line: 1, col: 11, msg: "invalid character"},
		{name: "truncated", src: string(good[:len(good)/2]), msg: "truncated"},
		{name: "array", src: "[1, 2]", line: 1, col: 1, msg: "expected a JSON object"},
		{name: "not a plan", src: `{"name": "x", "version": 3}`, msg: "format_version is missing"},
		{name: "state file", src: `{"format_version": "1.0", "terraform_version": "1.11.4", "values": {}}`, msg: "a state file?"},
		{name: "future major", src: `{"format_version": "2.0", "resource_changes": []}`, msg: `unsupported plan format_version "2.0"`},
		{name: "bad version", src: `{"format_version": "one", "resource_changes": []}`, msg: "invalid plan"},
		{name: "trailing data", src: `{"format_version": "1.2", "planned_values": {}} {}`, line: 1, col: 49, msg: "after the plan"},
		{name: "wrong type", src: "{\"format_version\": \"1.2\",\n \"resource_changes\": 5}", line: 2, msg: "resource_changes: expected an array, found number"},
		{name: "entry without change", src: `{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed"}]}`, line: 1, col: 60, msg: "lacks address, type or change"},
		{name: "unknown action", src: `{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["explode"]}}]}`, msg: "unsupported actions [explode] for a.b"},
		{name: "bad module address", src: `{"format_version": "1.2", "resource_changes": [{"address": "a.b", "module_address": "mod.x", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["create"]}}]}`, msg: "module_address"},
		// two tasks, one of resource_changes and one of resource_drift, fail
		// at once: the first in the document is the one reported
		{name: "bad change and drift", src: `{"format_version": "1.2", "resource_changes": [{"address": 5, "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["create"]}}], "resource_drift": [{"address": 6, "type": "a", "name": "c", "mode": "managed", "change": {"actions": ["update"]}}]}`, line: 1, col: 60, msg: "resource_changes.address: expected a string"},
		{name: "duplicate", src: `{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["create"]}}, {"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["create"]}}]}`, msg: "twice"},
		{name: "deep", src: `{"format_version": "1.2", "planned_values": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}", line: 1, col: 300, msg: "deeper than 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("plan.json", []byte(tt.src))
			var me *model.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v (%T), want *model.Error", err, err)
			}
			if me.File != "plan.json" {
				t.Errorf("file %q", me.File)
			}
			if tt.line != 0 && me.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", me.Line, tt.line, err)
			}
			if tt.col != 0 && me.Column != tt.col {
				t.Errorf("column %d, want %d (%v)", me.Column, tt.col, err)
			}
			if !strings.Contains(me.Message, tt.msg) {
				t.Errorf("message %q lacks %q", me.Message, tt.msg)
			}
		})
	}
}

func TestLoadTooLarge(t *testing.T) {
	src := make([]byte, MaxSize+1)
	start := time.Now()
	_, err := Load("big.json", src)
	if err == nil || !strings.Contains(err.Error(), "more than the limit of 256 MiB") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("size check took %v; it must come first", d)
	}
}

// TestTruncatedEverywhere cuts a real plan at many offsets: every cut is
// a clear error with a position, never a panic.
func TestTruncatedEverywhere(t *testing.T) {
	file, src := readFixture(t, "drift")
	for n := 0; n < len(src)-2; n += 97 {
		_, err := Load(file, src[:n])
		if err == nil {
			t.Fatalf("cut at %d loaded", n)
		}
		var me *model.Error
		if !errors.As(err, &me) {
			t.Fatalf("cut at %d: %T %v", n, err, err)
		}
	}
}

func TestManyResourceChanges(t *testing.T) {
	src := bigPlan(5000)
	p, err := Load("big.json", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Resources) != 5000 {
		t.Fatalf("%d resources", len(p.Resources))
	}
	last := p.Resources[4999]
	if last.Address != "module.m49.aws_s3_bucket.b4999" || last.Module != "module.m49" || last.Region != "eu-west-1" {
		t.Errorf("last resource %s in %q region %q", last.Address, last.Module, last.Region)
	}
	if got := last.Change.ChangedPaths; strings.Join(got, ",") != "arn,kms_key_id,tags.n,tags.owner,versioning[0].enabled" {
		t.Errorf("changed paths %q", got)
	}
	if ref := last.Refs["kms_key_id"]; ref.Address != "module.m49.aws_kms_key.k" || ref.Attribute != "arn" {
		t.Errorf("ref %+v", ref)
	}
	lines := bytes.Split(src, []byte("\n"))
	if l := last.NameRange.Start.Line; !bytes.Contains(lines[l-1], []byte(`"module.m49.aws_s3_bucket.b4999"`)) {
		t.Errorf("line %d: %s", l, lines[l-1])
	}
}

// TestDriftOnly: a resource only resource_drift names is still reported,
// with action none; one deleted outside Terraform is drifted as a whole.
func TestDriftOnly(t *testing.T) {
	file, src := readFixture(t, "drift")
	var doc map[string]any
	if err := json.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	var keep []any
	for _, rc := range doc["resource_changes"].([]any) {
		if rc.(map[string]any)["address"] != "aws_security_group.db" {
			keep = append(keep, rc)
		}
	}
	doc["resource_changes"] = keep
	for _, rc := range doc["resource_drift"].([]any) {
		m := rc.(map[string]any)
		if m["address"] == "aws_s3_bucket.data" {
			ch := m["change"].(map[string]any)
			ch["actions"] = []any{"delete"}
			ch["after"] = nil
		}
	}
	out, _ := json.MarshalIndent(doc, "", "  ")
	p, err := Load(file, out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range p.Resources {
		got[r.Address] = r.Change.Action + " " + strings.Join(r.Change.DriftedPaths, ",")
		if r.Address == "aws_security_group.db" {
			if !r.Change.Drifted || r.Attrs == nil || r.NameRange.IsZero() {
				t.Errorf("drift-only resource: %+v", r)
			}
		}
	}
	want := map[string]string{
		"aws_s3_bucket.data": "update ", // deleted outside Terraform: drifted as a whole
		"aws_s3_bucket_server_side_encryption_configuration.data": "none ",
		"aws_security_group.db":                                   "none ingress[0].cidr_blocks[0],ingress[0].from_port,ingress[0].protocol,ingress[0].to_port",
	}
	for a, w := range want {
		if got[a] != w {
			t.Errorf("%s: %q, want %q", a, got[a], w)
		}
	}
	if len(p.Notes) != 1 || p.Notes[0] != "aws_s3_bucket.data was deleted outside Terraform" {
		t.Errorf("notes %q", p.Notes)
	}
}

func TestIsPlan(t *testing.T) {
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		if !IsPlan(src) {
			t.Errorf("%s: not detected", name)
		}
	}
	for _, s := range []string{
		``, `[]`, `{}`, `{"format_version": "1.0", "values": {}}`,
		`{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`,
		`{"format_version": "1.2"`, `{"planned_values": {}}`, `not json`,
		`{"format_version": "", "planned_values": {}}`,
		`{"format_version": "1.2", "planned_values": ` + strings.Repeat("[", 1000),
	} {
		if IsPlan([]byte(s)) {
			t.Errorf("%q detected as a plan", s)
		}
	}
}
