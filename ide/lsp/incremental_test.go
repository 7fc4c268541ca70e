package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/workspace"
)

// dependentModule has resources whose findings depend on other resources:
// an instance on the launch template it launches from, a bucket on its
// public access block (folded into the bucket).
const dependentModule = `resource "aws_launch_template" "lt" {
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_instance" "web" {
  launch_template {
    id = aws_launch_template.lt.id
  }
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
`

// TestIncrementalDependents edits, one keystroke-sized change at a time,
// resources that other resources' findings depend on, and wants after
// each edit exactly the diagnostics of a full (not incremental) check of
// the same text: the server reuses the findings of unchanged resources
// between edits, never those of a resource whose inputs changed.
func TestIncrementalDependents(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "stackgate.yaml"), []byte("version: 1\ndefault_environment: dev\nenvironments:\n  dev:\n    enforcement: block\n"), 0o644)
	path := filepath.Join(dir, "main.tf")
	src := dependentModule
	os.WriteFile(path, []byte(src), 0o644)

	c := startServer(t, Options{Debounce: time.Millisecond})
	c.initialize(dir)
	uri := c.open(path, "terraform", src)
	got := diagLines(c.waitDiags(uri, 1).Diagnostics)
	if want := fullCheck(t, dir, path, src); got != want {
		t.Fatalf("opened:\n got %s\nwant %s", got, want)
	}

	version := 1
	edit := func(what, old, new string) string {
		t.Helper()
		off := strings.Index(src, old)
		if off < 0 {
			t.Fatalf("%s: no %q", what, old)
		}
		txt := newText([]byte(src))
		rng := protocol.Range{Start: txt.position(off), End: txt.position(off + len(old))}
		src = src[:off] + new + src[off+len(old):]
		version++
		c.change(uri, version, []protocol.TextEdit{{Range: rng, NewText: new}})
		got := diagLines(c.waitDiags(uri, version).Diagnostics)
		if want := fullCheck(t, dir, path, src); got != want {
			t.Errorf("%s:\n got %s\nwant %s", what, got, want)
		}
		return got
	}
	instance := "ec2-imdsv2 10:" // on the launch template id of aws_instance.web
	bucket := "s3-public-access-block 21:"
	if got := edit("launch template made optional", `"required"`, `"optional"`); !strings.Contains(got, instance) {
		t.Errorf("the instance's finding did not appear with its launch template's:\n%s", got)
	}
	if got := edit("launch template required again", `"optional"`, `"required"`); strings.Contains(got, instance) {
		t.Errorf("the instance's finding stayed after its launch template was fixed:\n%s", got)
	}
	if got := edit("public access block disabled", "block_public_policy     = true", "block_public_policy     = false"); !strings.Contains(got, bucket) {
		t.Errorf("the bucket's finding did not appear with its public access block's change:\n%s", got)
	}
	if got := edit("public access block enabled again", "block_public_policy     = false", "block_public_policy     = true"); strings.Contains(got, bucket) {
		t.Errorf("the bucket's finding stayed after its public access block was fixed:\n%s", got)
	}
	// A line inserted above everything moves every finding: the findings
	// reused must move with their resources.
	edit("line inserted at the top", `resource "aws_launch_template"`, "# lead\nresource \"aws_launch_template\"")
}

// diagLines is diagnostics as sorted lines: rule, range, severity, message.
func diagLines(ds []protocol.Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%v %d:%d-%d:%d %v %s", d.Code, d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Severity, d.Message))
	}
	sort.Strings(out)
	return "\n" + strings.Join(out, "\n")
}

// fullCheck is the diagnostics of a check of src as the file at path,
// without anything reused, in a workspace of its own.
func fullCheck(t *testing.T, dir, path, src string) string {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.Open(workspace.Options{Start: dir})
	if err != nil {
		t.Fatal(err)
	}
	units, err := ws.LoadBytes(ctx, path, []byte(src), workspace.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ws.Check(ctx, units, workspace.CheckOptions{Layer: model.RuleLayerEditor})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("full check: %v", res.Errors)
	}
	txt := newText([]byte(src))
	var ds []protocol.Diagnostic
	for _, f := range res.Findings {
		ds = append(ds, protocol.Diagnostic{Code: f.Rule, Range: rangeOf(txt, f), Severity: severity(f), Message: message(f)})
	}
	return diagLines(ds)
}
