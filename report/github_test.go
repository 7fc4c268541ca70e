package report

import (
	"github.com/google/go-cmp/cmp"
	"strconv"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// The escaping of the Actions toolkit (packages/core/src/command.ts):
// data escapes %, CR and LF; properties also escape ':' and ','.
func TestGitHubEscaping(t *testing.T) {
	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100% done", "100%25 done", "100%25 done"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"key: a, b", "key: a, b", "key%3A a%2C b"},
		{"%0A literal", "%250A literal", "%250A literal"},
		{`envs\prod:x,y.tf`, `envs\prod:x,y.tf`, `envs\prod%3Ax%2Cy.tf`},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestGitHubCommand(t *testing.T) {
	base := model.Finding{
		Rule: "s3-versioning", Severity: "medium", Status: "fail", Resource: `module.lake.aws_s3_bucket.this["raw"]`,
		File: "modules/lake/main.tf", Line: 9, Column: 26, EndLine: 9, EndColumn: 32,
		Message: "Bucket is not versioned.", Enforcement: "block", Blocking: true,
	}
	tests := []struct {
		name string
		edit func(*model.Finding)
		want string
	}{
		{"blocking, one line", func(*model.Finding) {},
			`::error file=modules/lake/main.tf,line=9,col=26,endLine=9,endColumn=32,title=s3-versioning::Bucket is not versioned.%0AResource: module.lake.aws_s3_bucket.this["raw"]`},
		{"multi-line range drops columns", func(f *model.Finding) { f.EndLine = 14; f.EndColumn = 2 },
			`::error file=modules/lake/main.tf,line=9,endLine=14,title=s3-versioning::Bucket is not versioned.%0AResource: module.lake.aws_s3_bucket.this["raw"]`},
		{"no position", func(f *model.Finding) { f.Line, f.Column, f.EndLine, f.EndColumn = 0, 0, 0, 0 },
			`::error file=modules/lake/main.tf,title=s3-versioning::Bucket is not versioned.%0AResource: module.lake.aws_s3_bucket.this["raw"]`},
		{"warn", func(f *model.Finding) { f.Blocking, f.Enforcement = false, "warn" },
			`::warning file=modules/lake/main.tf,line=9,col=26,endLine=9,endColumn=32,title=s3-versioning::Bucket is not versioned.%0AResource: module.lake.aws_s3_bucket.this["raw"]`},
		{"windows path, comma in name", func(f *model.Finding) { f.File = `envs\a,b\main.tf`; f.Resource = "" },
			`::error file=envs/a%2Cb/main.tf,line=9,col=26,endLine=9,endColumn=32,title=s3-versioning::Bucket is not versioned.`},
	}
	for _, tt := range tests {
		f := base
		tt.edit(&f)
		if got := githubCommand(&f); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestGitHubOutput(t *testing.T) {
	res := loadCase(t, "mixed")
	out := string(render(t, "github", res, Options{}))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if want := res.Summary.Findings - res.Summary.Waived + len(res.Notes); len(lines) != want {
		t.Fatalf("%d lines, want one per finding not waived and per note (%d):\n%s", len(lines), want, out)
	}
	if last := lines[len(lines)-1]; last != "::notice title=stackgate::"+res.Notes[0] {
		t.Errorf("the note is not the last annotation: %q", last)
	}
	last := 5
	for _, l := range lines {
		if strings.ContainsAny(l, "\r") {
			t.Errorf("unescaped CR in %q", l)
		}
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
			t.Errorf("not a workflow command: %q", l)
		}
		for _, f := range res.Findings {
			if strings.Contains(l, "title="+f.Rule+"::") && strings.Contains(l, "line="+strconv.Itoa(f.Line)+",") {
				if r := model.SeverityRank(f.Severity); r > last {
					t.Errorf("%s comes after a less severe annotation", f.Rule)
				} else {
					last = r
				}
			}
		}
	}
	if strings.Contains(out, "LogsBucket") || strings.Contains(out, "SiteBucket") {
		t.Error("waived findings were annotated")
	}
}

// Errors of the run are error annotations at their place, first (GitHub
// shows only the first few of each kind), with the message escaped as
// the Actions toolkit does; notes are notices.
func TestGitHubErrorsAndNotes(t *testing.T) {
	res := loadCase(t, "errors")
	out := string(render(t, "github", res, Options{}))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"::error file=envs/prod/bucket.yaml,line=5,col=5,title=stackgate error::stackgate:ignore s3-versioning has no reason; write why after the rule id",
		"::error file=envs/staging/broken.yaml,line=3,col=12,title=stackgate error::mapping values are not allowed in this context",
		"::error file=envs/staging/huge.json,title=stackgate error::file is 20000000 bytes, over the 16777216 byte limit for a template",
		"::error file=modules/odd%2C name%3A1/main.tf,line=2,col=1,title=stackgate error::100%25 broken%0Asecond line \x1b[31mred",
		"::error title=stackgate error::evaluating rules: context deadline exceeded",
	}
	if len(lines) < len(want)+2 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	if diff := cmp.Diff(want, lines[:len(want)]); diff != "" {
		t.Errorf("error annotations (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(lines[len(want)], "::error file=envs/prod/bucket.yaml,line=16") {
		t.Errorf("the finding does not follow the errors: %q", lines[len(want)])
	}
	if got := lines[len(lines)-1]; got != "::notice title=stackgate::"+res.Notes[0] {
		t.Errorf("last line %q, want the note", got)
	}
}
