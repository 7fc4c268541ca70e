package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/internal/canary"
)

// TestSecretCanaries runs scan, plan and inspect over the fixtures of
// testdata/secrets, where every route by which a secret reaches stackgate
// carries a distinct canary (internal/canary), in every output format, and
// fails if a canary appears in stdout or stderr. The rules must still fire
// on the resources the secrets flow into (else the test proves nothing).
// A user rule that echoes every property value is loaded too. To add a
// route, plant a canary, list it in internal/canary and add a case here.
func TestSecretCanaries(t *testing.T) {
	t.Setenv(canary.EnvName, canary.EnvValue)
	const dir = "testdata/secrets"
	policy := filepath.Join(dir, "policies")

	// A real `terraform show -json` writes one line; an excerpt of it is a
	// window around the flagged columns, so check that form too, alone
	// (without its configuration, findings point into the plan JSON).
	compact := filepath.Join(t.TempDir(), "plan.json")
	{
		src, err := os.ReadFile(filepath.Join(repoRoot, dir, "plan", "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, src); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(compact, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	type fired struct{ rule, resource string }
	cases := []struct {
		name string
		args []string
		// want are findings that must be reported (rule fired on the
		// resource a secret flows into); none for inspect.
		want []fired
	}{
		{"scan terraform", []string{"scan", "--policy", policy, "--var", canary.CLIVar, filepath.Join(dir, "terraform")}, []fired{
			{"s3-encryption-kms", "aws_s3_bucket.default"}, // sensitive default
			{"s3-versioning", "aws_s3_bucket.default"},     // terraform.tfvars
			{"s3-encryption-kms", "aws_s3_bucket.cli"},     // --var
			{"s3-versioning", "aws_s3_bucket.cli"},         // TF_VAR_
			{"s3-encryption-kms", "aws_s3_bucket.derived"}, // sensitive module output
			{"s3-versioning", "aws_s3_bucket.derived"},     // upper(sensitive)
			{"canary-echo", "aws_s3_bucket.default"},
		}},
		{"scan cloudformation", []string{"scan", "--policy", policy, filepath.Join(dir, "cloudformation")}, []fired{
			{"s3-encryption-kms", "Data"}, // NoEcho: unknown, never its Default
			{"canary-echo", "Data"},
		}},
		{"plan with configuration", []string{"plan", "--policy", policy, filepath.Join(dir, "plan", "plan.json")}, []fired{
			{"s3-versioning", "aws_s3_bucket.data"},
			{"canary-echo", "aws_s3_bucket.data"},
		}},
		{"plan alone, one line", []string{"plan", "--policy", policy, compact}, []fired{
			{"s3-versioning", "aws_s3_bucket.data"},
			{"canary-echo", "aws_s3_bucket.data"},
		}},
		{"inspect", []string{"inspect", "--var", canary.CLIVar, filepath.Join(dir, "terraform"), filepath.Join(dir, "cloudformation")}, nil},
	}
	formats := []struct {
		name string
		args []string
	}{
		{"text", []string{"--format", "text", "--color", "never"}},
		{"text colour", []string{"--format", "text", "--color", "always"}},
		{"json", []string{"--format", "json"}},
		{"sarif", []string{"--format", "sarif"}},
		{"junit", []string{"--format", "junit"}},
		{"github", []string{"--format", "github"}},
	}
	for _, tc := range cases {
		formats := formats
		if tc.args[0] == "inspect" {
			// inspect prints only its JSON document
			formats = formats[:0:0]
			formats = append(formats, struct {
				name string
				args []string
			}{"document", nil})
		}
		for _, f := range formats {
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				args := append(append([]string{tc.args[0]}, f.args...), tc.args[1:]...)
				code, stdout, stderr := runCLI(t, args...)
				if code == exitError {
					t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
				}
				for _, c := range canary.Leaks(stdout) {
					t.Errorf("stdout shows the canary of %s (%s)", c.Route, c.Value)
				}
				for _, c := range canary.Leaks(stderr) {
					t.Errorf("stderr shows the canary of %s (%s)", c.Route, c.Value)
				}
				if tc.args[0] == "inspect" {
					if !strings.Contains(stdout, "(sensitive)") {
						t.Errorf("inspect shows no redacted value:\n%s", stdout)
					}
					return
				}
				for _, w := range tc.want {
					if !strings.Contains(stdout, w.rule) || !strings.Contains(stdout, w.resource) {
						t.Errorf("%s on %s not reported", w.rule, w.resource)
					}
				}
				if f.name != "json" {
					return
				}
				var doc struct {
					Findings []struct{ Rule, Resource string }
				}
				if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
					t.Fatalf("json: %v", err)
				}
				got := map[fired]bool{}
				for _, x := range doc.Findings {
					got[fired{x.Rule, x.Resource}] = true
				}
				for _, w := range tc.want {
					if !got[w] {
						t.Errorf("no %s finding on %s", w.rule, w.resource)
					}
				}
			})
		}
	}
}
