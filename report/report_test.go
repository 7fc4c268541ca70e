package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/stackgate/stackgate/policies/model"
)

// testCase is the shape of testdata/cases/<name>.json: a finding set as a
// scan would produce it, with what the lead fills in.
type testCase struct {
	Files         int             `json:"files"`
	Resources     int             `json:"resources"`
	Errors        []Error         `json:"errors"`
	ErrorsAllowed bool            `json:"errors_allowed"`
	Notes         []string        `json:"notes"`
	Findings      []model.Finding `json:"findings"`
}

// loadCase builds the Result of a case, with the rule catalogue of
// testdata/rules.json and sources from testdata/src.
func loadCase(t *testing.T, name string) *Result {
	t.Helper()
	var c testCase
	decodeStrict(t, filepath.Join("testdata", "cases", name+".json"), &c)
	var rules []model.Rule
	decodeStrict(t, filepath.Join("testdata", "rules.json"), &rules)
	res := &Result{
		Tool:          "stackgate",
		Version:       "0.1.0",
		Findings:      c.Findings,
		Rules:         rules,
		Notes:         c.Notes,
		Errors:        c.Errors,
		ErrorsAllowed: c.ErrorsAllowed,
		Source: func(file string) ([]byte, error) {
			return os.ReadFile(filepath.Join("testdata", "src", filepath.FromSlash(file)))
		},
	}
	res.Summary = Summarize(c.Findings)
	res.Summary.Files, res.Summary.Resources = c.Files, c.Resources
	return res
}

func decodeStrict(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// render writes res in format and fails the test on error.
func render(t *testing.T, format string, res *Result, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, res, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.Bytes()
}

// checkGolden compares got with testdata/golden/name (go test -update rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got)
}

// cases are the finding sets under testdata/cases.
var cases = []string{"mixed", "empty", "minified", "errors"}

func TestGolden(t *testing.T) {
	for _, name := range cases {
		for _, format := range Formats() {
			t.Run(name+"."+format, func(t *testing.T) {
				checkGolden(t, name+"."+format, render(t, format, loadCase(t, name), Options{}))
			})
		}
	}
	t.Run("mixed.color.text", func(t *testing.T) {
		checkGolden(t, "mixed.color.text", render(t, "text", loadCase(t, "mixed"), Options{Color: true}))
	})
}

func TestFormats(t *testing.T) {
	want := []string{"text", "json", "sarif", "junit", "github"}
	if diff := cmp.Diff(want, Formats()); diff != "" {
		t.Errorf("Formats() (-want +got):\n%s", diff)
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "xml", &Result{}, Options{})
	if err == nil {
		t.Fatal("Write(xml) succeeded, want an error")
	}
	for _, f := range Formats() {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not list format %q", err, f)
		}
	}
}

// Every format accepts an empty result and a nil one, and says something
// sensible about it.
func TestEmptyResult(t *testing.T) {
	want := map[string]string{
		"text":   "No findings. Scanned 0 files, 0 resources.\n",
		"json":   `"findings": []`,
		"sarif":  `"results": []`,
		"junit":  `<testcase name="scan" classname="stackgate">`,
		"github": "",
	}
	for _, format := range Formats() {
		for _, res := range []*Result{nil, {}} {
			got := string(render(t, format, res, Options{}))
			if format == "github" || format == "text" {
				if got != want[format] {
					t.Errorf("%s of an empty result = %q, want %q", format, got, want[format])
				}
			} else if !strings.Contains(got, want[format]) {
				t.Errorf("%s of an empty result lacks %q:\n%s", format, want[format], got)
			}
		}
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsPropagate(t *testing.T) {
	res := loadCase(t, "mixed")
	for _, format := range Formats() {
		if err := Write(errWriter{}, format, res, Options{}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Write(%s) to a failing writer = %v, want the write error", format, err)
		}
	}
}

func TestSummarize(t *testing.T) {
	fs := []model.Finding{
		{Rule: "a", Severity: "high", Status: "fail", Blocking: true, Environment: "prod"},
		{Rule: "b", Severity: "high", Status: "unknown", Environment: "prod"},
		{Rule: "c", Severity: "low", Status: "fail", Environment: "dev"},
		{Rule: "d", Severity: "critical", Status: "fail", Environment: "prod", Waived: &model.Waiver{Kind: "waiver"}},
		{Rule: "e", Severity: "medium", Status: "unknown", Waived: &model.Waiver{Kind: "inline"}},
	}
	got := Summarize(fs)
	want := Summary{
		Findings: 5, Blocking: 1, Failed: 2, Unknown: 1, Waived: 2,
		BySeverity:   map[string]int{"high": 2, "low": 1},
		Environments: []string{"dev", "prod"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
	if got.Findings != got.Failed+got.Unknown+got.Waived {
		t.Errorf("Findings %d != Failed+Unknown+Waived", got.Findings)
	}
	empty := Summarize(nil)
	if empty.BySeverity == nil || empty.Environments == nil {
		t.Errorf("Summarize(nil) = %+v, want empty map and slice, not nil", empty)
	}
}

func TestLevels(t *testing.T) {
	tests := []struct {
		name      string
		f         model.Finding
		sarif, gh string
		effect    string
	}{
		{"blocking", model.Finding{Status: "fail", Enforcement: "block", Blocking: true}, "error", "error", "block"},
		{"warn", model.Finding{Status: "fail", Enforcement: "warn"}, "warning", "warning", "warn"},
		{"advise", model.Finding{Status: "fail", Enforcement: "advise"}, "note", "notice", "advise"},
		{"unknown in block env", model.Finding{Status: "unknown", Enforcement: "block"}, "note", "warning", "warn"},
		{"unknown set to block", model.Finding{Status: "unknown", Enforcement: "block", Blocking: true}, "error", "error", "block"},
		{"unknown in advise env", model.Finding{Status: "unknown", Enforcement: "advise"}, "note", "notice", "advise"},
		{"waived in block env", model.Finding{Status: "fail", Enforcement: "block", Waived: &model.Waiver{}}, "error", "warning", "waived"},
		// waiver-expired is a failure the gate reports without blocking:
		// no format may present it as blocking.
		{"waiver-expired in block env", model.Finding{Rule: "waiver-expired", Status: "fail", Enforcement: "block"}, "warning", "warning", "warn"},
		{"non-blocking fail without environment", model.Finding{Rule: "s3-versioning", Status: "fail"}, "warning", "warning", "warn"},
		{"blocking without environment", model.Finding{Rule: "s3-versioning", Status: "fail", Blocking: true}, "error", "error", "block"},
		{"odd enforcement never reads block", model.Finding{Status: "fail", Enforcement: "block\x1b"}, "warning", "warning", "warn"},
	}
	for _, tt := range tests {
		if got := sarifLevel(&tt.f); got != tt.sarif {
			t.Errorf("%s: sarifLevel = %q, want %q", tt.name, got, tt.sarif)
		}
		if got := githubLevel(&tt.f); got != tt.gh {
			t.Errorf("%s: githubLevel = %q, want %q", tt.name, got, tt.gh)
		}
		if got := effect(&tt.f); got != tt.effect {
			t.Errorf("%s: effect = %q, want %q", tt.name, got, tt.effect)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, with tabs\tand\nnewlines", "plain text, with tabs\tand\nnewlines"},
		{"bucket \x1b[31mred\x1b[0m", "bucket ?[31mred?[0m"},
		{"cr\r\nlf", "cr?\nlf"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"trojan \u202eevil\u202c", "trojan ?evil?"},
		{"emoji 🪣 ok", "emoji 🪣 ok"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A caller that forgets Summarize still gets a summary that matches the
// findings.
func TestWriteSummarizesWhenCallerDidNot(t *testing.T) {
	res := loadCase(t, "mixed")
	res.Summary = Summary{Files: 4, Resources: 9}
	got := string(render(t, "text", res, Options{}))
	if !strings.Contains(got, "6 findings: 4 high, 1 medium, 1 low. 2 blocking, 1 unknown, 2 waived. Scanned 4 files, 9 resources.") {
		t.Errorf("summary line missing or wrong:\n%s", got[strings.LastIndex(got[:len(got)-1], "\n")+1:])
	}
}

// Positions from a broken loader or a stale editor buffer never panic and
// never make a format fail.
func TestOddPositions(t *testing.T) {
	res := loadCase(t, "mixed")
	odd := [][4]int{{-1, -5, -1, -5}, {1, 1 << 30, 1, 1 << 30}, {16, 40, 2, 1}, {1000, 1, 2000, 1}, {3, 0, 1 << 30, 0}, {0, 7, 9, 9}}
	for _, p := range odd {
		for i := range res.Findings {
			f := &res.Findings[i]
			f.Line, f.Column, f.EndLine, f.EndColumn = p[0], p[1], p[2], p[3]
		}
		for _, format := range Formats() {
			render(t, format, res, Options{Width: 40})
		}
	}
}

// TestShowsSource: a format reads the sources (Result.Source) only if
// ShowsSource says so, for a caller that lets the files' contents go
// when it does not; the text format shows excerpts.
func TestShowsSource(t *testing.T) {
	if !ShowsSource("text") {
		t.Error(`ShowsSource("text") is false; text shows excerpts`)
	}
	if ShowsSource("no-such-format") {
		t.Error("an unknown format shows source")
	}
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			res := loadCase(t, "mixed")
			read := res.Source
			calls := 0
			res.Source = func(file string) ([]byte, error) {
				calls++
				return read(file)
			}
			render(t, format, res, Options{})
			if shows := ShowsSource(format); shows != (calls > 0) {
				t.Errorf("ShowsSource(%q) = %v, but the format read %d source(s)", format, shows, calls)
			}
		})
	}
}
