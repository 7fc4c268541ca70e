package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/workspace"
)

// The CLI is flags and output around the front door: driving the front
// door directly (paths, bytes, an overlay of unsaved buffers, a plan) gives
// the findings the CLI reports, and the CLI's exit code is the gate's
// decision.

// verdict is what must be the same wherever a finding is produced.
type verdict struct {
	Rule, Resource, Status, File string
	Line, Column                 int
	Message                      string
	Blocking                     bool
}

func verdicts(fs []model.Finding) []verdict {
	out := make([]verdict, len(fs))
	for i, f := range fs {
		out[i] = verdict{f.Rule, f.Resource, f.Status, filepath.ToSlash(f.File), f.Line, f.Column, f.Message, f.Blocking}
	}
	return out
}

// cliFindings runs the CLI with --format json and returns its findings and
// exit code.
func cliFindings(t *testing.T, args ...string) ([]verdict, int) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append(args, "--format", "json")...)
	var doc struct {
		Findings []model.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v: %v\nstdout:\n%s\nstderr:\n%s", args, err, stdout, stderr)
	}
	return verdicts(doc.Findings), code
}

// check drives the front door as a library would.
func check(t *testing.T, ws *workspace.Workspace, units []scanner.Loaded) *workspace.Result {
	t.Helper()
	res, err := ws.Check(context.Background(), units, workspace.CheckOptions{Layer: model.RuleLayerCI})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	return res
}

func open(t *testing.T, start string) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Open(workspace.Options{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func exitOf(res *workspace.Result) int {
	if res.Blocking {
		return exitBlocking
	}
	return exitOK
}

func TestFrontDoorPathsMatchCLI(t *testing.T) {
	t.Chdir(repoRoot)
	for _, path := range []string{"examples", "testdata/conformance/cloudformation", "testdata/conformance/terraform-aws", "testdata/cli/compliant"} {
		t.Run(path, func(t *testing.T) {
			want, code := cliFindings(t, "scan", path)
			t.Chdir(repoRoot)
			ws := open(t, path)
			units, err := ws.LoadPaths(context.Background(), []string{path}, workspace.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res := check(t, ws, units)
			if d := cmp.Diff(want, verdicts(res.Findings)); d != "" {
				t.Errorf("front door and CLI differ (-cli +front door):\n%s", d)
			}
			if exitOf(res) != code {
				t.Errorf("CLI exit %d, front door decision %v", code, res.Blocking)
			}
		})
	}
}

func TestFrontDoorPlanMatchesCLI(t *testing.T) {
	t.Chdir(repoRoot)
	for _, dir := range []string{"testdata/plan/create", "testdata/plan/update", "testdata/plan/module", "testdata/conformance/plan"} {
		t.Run(dir, func(t *testing.T) {
			file := filepath.Join(dir, "plan.json")
			want, code := cliFindings(t, "plan", file)
			t.Chdir(repoRoot)
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ws := open(t, file)
			unit, err := ws.LoadPlan(context.Background(), file, src, workspace.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res := check(t, ws, []scanner.Loaded{unit})
			if d := cmp.Diff(want, verdicts(res.Findings)); d != "" {
				t.Errorf("front door and CLI differ (-cli +front door):\n%s", d)
			}
			if exitOf(res) != code {
				t.Errorf("CLI exit %d, front door decision %v", code, res.Blocking)
			}
		})
	}
}

// TestFrontDoorBytes: a template given as content under a name that is
// not on disk gets the findings of the same template scanned from disk.
func TestFrontDoorBytes(t *testing.T) {
	t.Chdir(repoRoot)
	file := "testdata/cfn/s3-versioning/fail.yaml"
	want, _ := cliFindings(t, "scan", file)
	t.Chdir(repoRoot)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	unsaved := "testdata/cfn/s3-versioning/unsaved.yaml"
	ws := open(t, unsaved)
	units, err := ws.LoadBytes(context.Background(), unsaved, src, workspace.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := check(t, ws, units)
	got := verdicts(res.Findings)
	for i := range want {
		want[i].File = unsaved
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("bytes and file differ (-file +bytes):\n%s", d)
	}
}

// TestFrontDoorOverlay: unsaved buffers replace files of a Terraform module
// and add new ones; what is on disk is read for the rest.
func TestFrontDoorOverlay(t *testing.T) {
	t.Chdir(repoRoot)
	dir := "testdata/terraform/s3-versioning/aws-fail"
	ws := open(t, dir)
	load := func(overlay map[string][]byte) []verdict {
		t.Helper()
		units, err := ws.LoadPaths(context.Background(), []string{dir}, workspace.LoadOptions{Overlay: overlay})
		if err != nil {
			t.Fatal(err)
		}
		return verdicts(check(t, ws, units).Findings)
	}
	onDisk := load(nil)
	if len(onDisk) == 0 {
		t.Fatal("fixture has no findings")
	}
	abs, _ := filepath.Abs(filepath.Join(dir, "terraform.tfvars"))
	src, err := os.ReadFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `"Suspended"`) {
		t.Fatal("fixture's terraform.tfvars sets no Suspended status")
	}
	// An unsaved terraform.tfvars that sets every Suspended status to
	// Enabled: the findings on those values go.
	fixed := strings.ReplaceAll(string(src), `"Suspended"`, `"Enabled"`)
	got := load(map[string][]byte{abs: []byte(fixed)})
	if slices.ContainsFunc(got, func(v verdict) bool { return strings.Contains(v.Message, "Suspended") }) {
		t.Errorf("the buffer's fix is not seen: %+v", got)
	}
	// A new, unsaved file in the module adds a bucket without versioning.
	extra, _ := filepath.Abs(filepath.Join(dir, "unsaved.tf"))
	got = load(map[string][]byte{extra: []byte("resource \"aws_s3_bucket\" \"unsaved\" {\n  bucket = \"unsaved\"\n}\n")})
	if !slices.ContainsFunc(got, func(v verdict) bool { return v.Resource == "aws_s3_bucket.unsaved" && v.Rule == "s3-versioning" }) {
		t.Errorf("the unsaved file is not evaluated: %+v", got)
	}
	if len(got) <= len(onDisk) {
		t.Errorf("adding a bucket did not add findings: %d on disk, %d with the buffer", len(onDisk), len(got))
	}
}

// TestFrontDoorCancelled: a cancelled context stops loading and checking.
func TestFrontDoorCancelled(t *testing.T) {
	t.Chdir(repoRoot)
	ws := open(t, "examples")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	units, err := ws.LoadPaths(ctx, []string{"examples"}, workspace.LoadOptions{})
	if err == nil {
		_, err = ws.Check(ctx, units, workspace.CheckOptions{Layer: model.RuleLayerCI})
	}
	if err == nil {
		t.Fatal("a cancelled check returned no error")
	}
}
