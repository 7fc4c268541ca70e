package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/internal/golden"
	"github.com/stackgate/stackgate/policies/model"
)

// TestScanErrorsGolden pins a run with a file that cannot be parsed in
// every format: the error reaches the report itself (file and line), not
// only stderr, so no format reads as "all clear".
func TestScanErrorsGolden(t *testing.T) {
	version = "test"
	for _, format := range []string{"text", "json", "sarif", "junit", "github"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "scan", "--color", "never", "--format", format, "testdata/cli/malformed/", "testdata/cli/compliant/")
			if code != exitError {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stdout, "broken.yaml") {
				t.Errorf("the report does not name the broken file:\n%s", stdout)
			}
			// The report went to a buffer, not a terminal: stderr lists
			// the error too, once, for the job's console.
			if n := strings.Count(stderr, "testdata/cli/malformed/broken.yaml:6"); n != 1 {
				t.Errorf("stderr names the error %d times:\n%s", n, stderr)
			}
			golden.Check(t, filepath.Join(repoRoot, "cmd", "stackgate", "testdata", "golden", "errors."+format), []byte(stdout))
		})
	}
}

// What each format says of a run with errors, with and without
// --allow-parse-errors (which changes the exit code and SARIF's
// executionSuccessful, never whether the errors are reported).
func TestScanErrorsInEveryFormat(t *testing.T) {
	tests := []struct {
		format string
		allow  bool
		code   int
		has    []string
	}{
		{"text", false, 2, []string{"Errors (1):\n  testdata/cli/malformed/broken.yaml:6: invalid YAML", "1 error: the check is incomplete."}},
		{"text", true, 0, []string{"Errors (1):", "1 error: the check is incomplete."}},
		{"json", false, 2, []string{`"errors": [`, `"file": "testdata/cli/malformed/broken.yaml"`, `"line": 6`}},
		{"sarif", false, 2, []string{`"executionSuccessful": false`, `"level": "error"`, `"uri": "testdata/cli/malformed/broken.yaml"`}},
		{"sarif", true, 0, []string{`"executionSuccessful": true`, `"level": "error"`}},
		{"junit", false, 2, []string{`errors="1"`, `<error message="invalid YAML`}},
		{"junit", true, 0, []string{`errors="1"`}},
		{"github", false, 2, []string{"::error file=testdata/cli/malformed/broken.yaml,line=6,title=stackgate error::invalid YAML"}},
	}
	for _, tt := range tests {
		name := tt.format
		if tt.allow {
			name += "/allowed"
		}
		t.Run(name, func(t *testing.T) {
			args := []string{"scan", "--color", "never", "--format", tt.format, "testdata/cli/malformed/", "testdata/cli/compliant/"}
			if tt.allow {
				args = append(args, "--allow-parse-errors")
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, s := range tt.has {
				if !strings.Contains(stdout, s) {
					t.Errorf("report lacks %q:\n%s", s, stdout)
				}
			}
			if strings.Contains(stdout, "see the errors on stderr") {
				t.Errorf("the report sends the reader to stderr:\n%s", stdout)
			}
		})
	}
	// The JSON errors array is always there, empty when nothing failed.
	_, stdout, _ := runCLI(t, "scan", "--format", "json", "testdata/cli/compliant/")
	var doc struct {
		Errors []any `json:"errors"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc.Errors == nil || len(doc.Errors) != 0 {
		t.Errorf("errors %v (%v), want []", doc.Errors, err)
	}
}

// An inline suppression without a reason is an error of its own, at its
// line, that fails the run (exit 2) unless --allow-parse-errors; the file
// is checked all the same, and the broken suppression suppresses nothing,
// so with the flag its findings decide (here: exit 1).
func TestBrokenSuppressionIsAnErrorNotAFileLoss(t *testing.T) {
	tfDir := t.TempDir()
	tf := "resource \"aws_s3_bucket\" \"cache\" {\n  # stackgate:ignore s3-versioning\n  bucket = \"cache\"\n}\n"
	if err := os.WriteFile(filepath.Join(tfDir, "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		path  string
		file  string // the file the error names
		line  int
		allow bool
		code  int
	}{
		{"cloudformation", "testdata/cli/suppressed/noreason.yaml", "testdata/cli/suppressed/noreason.yaml", 5, false, exitError},
		{"cloudformation allowed", "testdata/cli/suppressed/noreason.yaml", "testdata/cli/suppressed/noreason.yaml", 5, true, exitBlocking},
		{"terraform", tfDir, filepath.Join(tfDir, "main.tf"), 2, false, exitError},
		{"terraform allowed", tfDir, filepath.Join(tfDir, "main.tf"), 2, true, exitBlocking},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"scan", "--format", "json", tt.path}
			if tt.allow {
				args = append(args, "--allow-parse-errors")
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			var doc struct {
				Findings []model.Finding `json:"findings"`
				Errors   []struct {
					File    string `json:"file"`
					Line    int    `json:"line"`
					Message string `json:"message"`
				} `json:"errors"`
				Summary struct {
					Files int `json:"files"`
				} `json:"summary"`
			}
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			if len(doc.Errors) != 1 || doc.Errors[0].File != tt.file || doc.Errors[0].Line != tt.line || !strings.Contains(doc.Errors[0].Message, "no reason") {
				t.Errorf("errors %+v, want one at %s:%d saying there is no reason", doc.Errors, tt.file, tt.line)
			}
			if doc.Summary.Files != 1 {
				t.Errorf("files %d: the file was not checked", doc.Summary.Files)
			}
			versioning := false
			for _, f := range doc.Findings {
				if f.Rule == "s3-versioning" {
					versioning = true
					if f.Waived != nil || !f.Blocking {
						t.Errorf("the broken suppression applied: %+v", f)
					}
				}
			}
			if !versioning {
				t.Errorf("no s3-versioning finding: the file's findings are lost:\n%s", stdout)
			}
		})
	}
}

// A --param that names no parameter of any scanned template is a usage
// error naming it, with the nearest declared name when it looks like a
// typo; one that some template of the scan declares is fine.
func TestUnknownParam(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"typo", []string{"--param", "Environmnt=prod", "examples/templates/data-lake.yaml"}, exitError,
			`--param Environmnt: no scanned template declares a parameter named "Environmnt"; did you mean Environment?`},
		{"unknown", []string{"--param", "Nope=1", "testdata/cli/compliant/"}, exitError,
			`--param Nope: no scanned template declares a parameter named "Nope"`},
		{"second of two unknown", []string{"--param", "Environment=prod", "--param", "RetentionDayz=3", "examples/templates/data-lake.yaml"}, exitError,
			"did you mean RetentionDays?"},
		{"declared by one template of several", []string{"--param", "Environment=prod", "examples/"}, exitBlocking, ""},
		{"declared", []string{"--param", "Environment=prod", "--param", "RetentionDays=30", "examples/templates/data-lake.yaml"}, exitBlocking, ""},
		// A template that cannot be loaded might declare it: nothing is
		// concluded, the load error is what is reported.
		{"template not loaded", []string{"--param", "Nope=1", "--allow-parse-errors", "testdata/cli/malformed/", "testdata/cli/compliant/"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"scan", "--format", "json"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if tt.want != "" {
				if !strings.Contains(stderr, tt.want) {
					t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
				}
				if stdout != "" {
					t.Errorf("a usage error wrote a report:\n%s", stdout)
				}
			} else if strings.Contains(stderr, "--param") {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}
