package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// repoRoot is the repository root, where the CLI tests run.
var repoRoot = func() string {
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return abs
}()

// runCLI runs the CLI in-process from the repository root.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestScanExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdoutHas  []string
		stderrHas  []string
		stdoutLack []string
	}{
		{
			name: "bundled examples have blocking findings",
			args: []string{"scan", "--color", "never", "examples/"},
			code: 1,
			stdoutHas: []string{
				"examples/templates/data-lake.yaml:57", // CuratedBucket AES256
				"s3-encryption-kms",
				"sg-no-public-ingress",
				"Fix:",
			},
		},
		{
			name:       "compliant template passes",
			args:       []string{"scan", "testdata/cli/compliant/"},
			code:       0,
			stdoutLack: []string{"s3-", "kms-"},
		},
		{
			name:      "malformed template fails closed with file:line",
			args:      []string{"scan", "testdata/cli/malformed/broken.yaml"},
			code:      2,
			stderrHas: []string{"testdata/cli/malformed/broken.yaml:"},
		},
		{
			name:      "malformed template tolerated on request",
			args:      []string{"scan", "--allow-parse-errors", "testdata/cli/malformed/", "testdata/cli/compliant/"},
			code:      0,
			stderrHas: []string{"broken.yaml"},
		},
		{
			name:      "invalid config is an error naming file:line",
			args:      []string{"scan", "testdata/cli/badconfig/"},
			code:      2,
			stderrHas: []string{"stackgate.yaml:4", "enforcment"},
		},
		{
			name:      "unknown format is a usage error",
			args:      []string{"scan", "--format", "xml", "examples/"},
			code:      2,
			stderrHas: []string{"--format"},
		},
		{
			name:      "missing path is an error",
			args:      []string{"scan", "no/such/dir"},
			code:      2,
			stderrHas: []string{"no/such/dir"},
		},
		{
			// The file has blocking high and medium findings: --severity
			// high hides the medium ones from the report, never the
			// decision (exit 1), and the report says what it hides.
			name:       "severity filter hides lower findings, never opens the gate",
			args:       []string{"scan", "--severity", "high", "--format", "json", "testdata/cfn/s3-versioning/fail.yaml"},
			code:       1,
			stdoutHas:  []string{`"severity": "high"`, `below severity high are not shown; they still block`},
			stdoutLack: []string{`"severity": "medium"`},
		},
		{
			name:      "severity filter above every finding still blocks",
			args:      []string{"scan", "--severity", "critical", "--format", "json", "testdata/cfn/s3-versioning/fail.yaml"},
			code:      1,
			stdoutHas: []string{`"findings": []`, `below severity critical are not shown; they still block`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdoutHas {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stdoutLack {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

// TestScanJSONEnvironments checks the decision per environment on the
// bundled examples: sandbox advises, federal blocks unknowns, dev waives.
func TestScanJSONEnvironments(t *testing.T) {
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", "examples/")
	if code != 1 {
		t.Fatalf("exit %d, stderr: %s", code, stderr)
	}
	var out struct {
		Version  int `json:"version"`
		Findings []struct {
			Rule, Resource, Environment, Enforcement, Status, File string
			Blocking                                               bool
			Waived                                                 *struct{ Kind, Owner string }
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("json: %v\n%s", err, stdout)
	}
	if out.Version != 1 {
		t.Errorf("version %d", out.Version)
	}
	seen := map[string]bool{}
	for _, f := range out.Findings {
		key := f.Rule + " " + f.Resource
		seen[key] = true
		switch {
		case strings.HasPrefix(f.File, "examples/sandbox/"):
			if f.Environment != "sandbox" || f.Blocking {
				t.Errorf("sandbox finding %s: env %s blocking %v", key, f.Environment, f.Blocking)
			}
		case strings.HasPrefix(f.File, "examples/envs/federal/"):
			if f.Environment != "federal" {
				t.Errorf("federal finding %s in env %s", key, f.Environment)
			}
			if f.Status == "unknown" && !f.Blocking {
				t.Errorf("federal sets unknown: block, but %s does not block", key)
			}
		}
		if key == "s3-versioning ScratchBucket" && (f.Waived == nil || f.Waived.Owner != "data-platform" || f.Blocking) {
			t.Errorf("ScratchBucket versioning should be waived by data-platform: %+v", f)
		}
	}
	for _, want := range []string{
		"s3-encryption-kms CuratedBucket",
		"s3-versioning CuratedBucket",
		"s3-public-access-block CuratedBucket",
		"s3-versioning ScratchBucket",
		"sg-no-public-ingress BastionSecurityGroup",
		"ec2-imdsv2 BastionLaunchTemplate",
		"s3-dual-layer-encryption RecordsBucket",
		"required-tags ArchiveBucket",
		"allowed-resource-types IngestQueue",
		"s3-versioning ExperimentBucket",
	} {
		if !seen[want] {
			t.Errorf("missing finding %s", want)
		}
	}
	if seen["sg-no-public-ingress WebSecurityGroup"] {
		t.Errorf("port 443 is allowed by default but was reported")
	}
}

// A JSON template suppresses a finding through the resource's Metadata:
// it is reported as waived inline, with its reason, and does not block.
func TestMetadataSuppression(t *testing.T) {
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", "cmd/stackgate/testdata/metadata-suppress")
	if code != 0 {
		t.Fatalf("exit %d, want 0 (the only finding is suppressed); stderr:\n%s\n%s", code, stderr, stdout)
	}
	var doc struct {
		Findings []model.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 1 {
		t.Fatalf("findings %+v", doc.Findings)
	}
	f := doc.Findings[0]
	if f.Rule != "s3-versioning" || f.Waived == nil || f.Waived.Kind != "inline" || f.Waived.Reason != "scratch data is rebuilt from the raw zone every night" || f.Blocking {
		t.Errorf("finding %+v waived %+v", f, f.Waived)
	}
}

// A plan given to scan by name is not skipped as "not a template": it
// would pass silently. The error says which command checks it.
func TestScanPlanFileByName(t *testing.T) {
	code, _, stderr := runCLI(t, "scan", "testdata/plan/create/plan.json")
	if code != exitError || !strings.Contains(stderr, "stackgate plan testdata/plan/create/plan.json") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// found while walking a directory, it is skipped like any other JSON
	if code, _, stderr := runCLI(t, "scan", "testdata/plan/create"); code == exitError {
		t.Errorf("directory scan: exit %d, stderr %q", code, stderr)
	}
}

// SARIF names files relative to the working directory even when the scan
// was given absolute paths: no file:///abs/path of the build machine.
func TestScanSARIFAbsolutePathIsRelative(t *testing.T) {
	abs := filepath.Join(repoRoot, "testdata", "cfn", "s3-versioning", "fail.yaml")
	code, stdout, stderr := runCLI(t, "scan", "--format", "sarif", abs)
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if strings.Contains(stdout, "file://") || strings.Contains(stdout, repoRoot) {
		t.Errorf("absolute path in SARIF:\n%s", stdout)
	}
	if !strings.Contains(stdout, `"uri": "testdata/cfn/s3-versioning/fail.yaml"`) || !strings.Contains(stdout, `"uriBaseId": "%SRCROOT%"`) {
		t.Errorf("no relative %%SRCROOT%% location:\n%s", stdout)
	}
}
