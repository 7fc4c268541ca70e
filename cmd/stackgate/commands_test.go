package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestInfoCommands(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		has  []string
	}{
		{"rules table", []string{"rules"}, 0, []string{"ID", "s3-encryption-kms", "high", "waiver-expired", "no-drift-suppression"}},
		{"rules markdown", []string{"rules", "--format", "markdown"}, 0, []string{"| `s3-dual-layer-encryption` | critical | no |"}},
		{"rules with user policy", []string{"rules", "--policy", "examples/policies"}, 0, []string{"rds-storage-encrypted"}},
		{"explain", []string{"explain", "sg-no-public-ingress"}, 0, []string{"sg-no-public-ingress — ", "allowed_ports", "Fix (CloudFormation):", "Fix (Terraform):", "Non-compliant Terraform:"}},
		{"explain waiver-expired", []string{"explain", "waiver-expired"}, 0, []string{"expiry"}},
		{"explain unknown rule", []string{"explain", "frobnicate-everything"}, 2, nil},
		{"version", []string{"version"}, 0, []string{"stackgate "}},
		{"rego tests", []string{"test", "examples/policies"}, 0, []string{"0 failed"}},
		{"unknown command", []string{"frobnicate"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.has {
				if !strings.Contains(stdout, s) {
					t.Errorf("output lacks %q:\n%s", s, stdout)
				}
			}
		})
	}
}

// An unknown rule id names the nearest rule when it looks like a typo,
// and lists the rules otherwise.
func TestExplainUnknownRule(t *testing.T) {
	tests := []struct {
		arg  string
		want string
	}{
		{"s3-versoning", "unknown rule s3-versoning; did you mean s3-versioning?"},
		{"waiver-expird", "did you mean waiver-expired?"},
		{"s3-encryption", "did you mean s3-encryption-kms?"},
		{"frobnicate-everything", `unknown rule "frobnicate-everything"; rules are: `},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "explain", tt.arg)
			if code != exitError || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestRulesJSON(t *testing.T) {
	code, stdout, _ := runCLI(t, "rules", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rules []struct {
		ID, Severity string
		Remediation  struct{ CloudFormation, Terraform string }
	}
	if err := json.Unmarshal([]byte(stdout), &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) < 14 {
		t.Fatalf("%d rules, want the 13 catalogue rules and waiver-expired", len(rules))
	}
	for _, r := range rules {
		if r.Remediation.CloudFormation == "" || r.Remediation.Terraform == "" {
			t.Errorf("rule %s lacks a fix for one language", r.ID)
		}
	}
}

// TestInlineSuppressionEndToEnd: a stackgate:ignore comment with a reason
// waives the finding; without a reason it is an error naming the line.
func TestInlineSuppressionEndToEnd(t *testing.T) {
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", "testdata/cli/suppressed/ok.yaml")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, `"kind": "inline"`) {
		t.Errorf("finding not waived inline:\n%s", stdout)
	}
	code, _, stderr = runCLI(t, "scan", "testdata/cli/suppressed/noreason.yaml")
	if code != 2 || !strings.Contains(stderr, "noreason.yaml:5") || !strings.Contains(stderr, "no reason") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
