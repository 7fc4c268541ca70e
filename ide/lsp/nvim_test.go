package lsp

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNeovim drives the built `stackgate lsp` from a real editor: headless
// Neovim opens a Terraform file and a CloudFormation template of a fixture
// repository with a stackgate.yaml, the test checks the diagnostics Neovim
// received, then applies a quick fix through Neovim and checks the file.
// It is skipped only when nvim is not installed (CI installs it).
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim is not installed (apt-get install neovim); CI runs this test")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "stackgate")
	build := exec.Command("go", "build", "-o", bin, "./cmd/stackgate")
	build.Dir = repoPath()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := copyTree(t, repoPath("testdata", "conformance"))
	out := filepath.Join(tmp, "result.json")
	script, _ := filepath.Abs(filepath.Join("testdata", "nvim_e2e.lua"))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "SG_BIN="+bin, "SG_DIR="+dir, "SG_OUT="+out, "HOME="+tmp, "XDG_STATE_HOME="+tmp, "XDG_DATA_HOME="+tmp)
	cmd.Dir = tmp
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no result: %v", err)
	}
	type diag struct {
		Line, Col, Severity int
		Code, Message       string
	}
	var res struct {
		Errors              []string
		Terraform           []diag
		Cloudformation      []diag
		CloudformationAfter []diag `json:"cloudformation_after"`
		Applied             string
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if len(res.Errors) > 0 {
		t.Errorf("nvim script: %v", res.Errors)
	}
	codes := func(ds []diag) string {
		var s []string
		for _, d := range ds {
			s = append(s, d.Code)
		}
		return strings.Join(s, ",")
	}
	if !strings.Contains(codes(res.Terraform), "kms-key-rotation") || !strings.Contains(codes(res.Cloudformation), "ec2-imdsv2") {
		t.Errorf("diagnostics in nvim: terraform %s; cloudformation %s", codes(res.Terraform), codes(res.Cloudformation))
	}
	for _, d := range res.Cloudformation {
		if d.Code == "ec2-imdsv2" && (d.Line != 117 || d.Col != 22 || d.Severity != 1) {
			t.Errorf("ec2-imdsv2 at %d:%d severity %d, want 117:22 error", d.Line, d.Col, d.Severity)
		}
	}
	if strings.Contains(codes(res.CloudformationAfter), "ec2-imdsv2") {
		t.Errorf("after the fix: %s", codes(res.CloudformationAfter))
	}
	src, _ := os.ReadFile(filepath.Join(dir, "cloudformation", "template.yaml"))
	if !strings.Contains(string(src), "HttpTokens: required") {
		t.Errorf("the written template lacks the fix (%q applied)", res.Applied)
	}
	t.Logf("nvim: %d Terraform and %d CloudFormation diagnostics; applied %q", len(res.Terraform), len(res.Cloudformation), res.Applied)
}
