package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stackgate/stackgate/policies/model"
)

// parsedSuites is what a CI system reads back from the JUnit report.
type parsedSuites struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, out []byte) parsedSuites {
	t.Helper()
	var p parsedSuites
	if err := xml.Unmarshal(out, &p); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, out)
	}
	return p
}

func TestJUnitParsesBack(t *testing.T) {
	res := loadCase(t, "mixed")
	p := parseJUnit(t, render(t, "junit", res, Options{}))
	// 8 cases of findings and the "scan" case with the note
	if p.Tests != 9 || p.Failures != res.Summary.Blocking || p.Skipped != res.Summary.Waived {
		t.Errorf("totals tests=%d failures=%d skipped=%d, want 9, %d blocking, %d waived", p.Tests, p.Failures, p.Skipped, res.Summary.Blocking, res.Summary.Waived)
	}
	var suites []string
	outcome := map[string]string{}
	for _, s := range p.Suites {
		suites = append(suites, s.Name)
		n, fails, skips := 0, 0, 0
		for _, c := range s.Cases {
			n++
			if c.Classname != s.Name || c.File != s.Name && s.Name != "stackgate" {
				t.Errorf("case %q: classname %q, file %q, want %q", c.Name, c.Classname, c.File, s.Name)
			}
			switch {
			case c.Failure != nil:
				fails++
				outcome[c.Name] = "failure"
				if !strings.Contains(c.Failure.Body, "Fix:") || c.Failure.Message == "" {
					t.Errorf("case %q: failure without message or fix: %+v", c.Name, c.Failure)
				}
			case c.Skipped != nil:
				skips++
				outcome[c.Name] = "skipped: " + c.Skipped.Message
			default:
				outcome[c.Name] = "passed"
				if c.SystemOut == "" {
					t.Errorf("case %q passes without system-out", c.Name)
				}
			}
		}
		if s.Tests != n || s.Failures != fails || s.Skipped != skips {
			t.Errorf("suite %s counts %d/%d/%d, cases say %d/%d/%d", s.Name, s.Tests, s.Failures, s.Skipped, n, fails, skips)
		}
	}
	wantSuites := []string{"envs/prod/bucket.yaml", "envs/staging/network.tf", "modules/lake/main.tf", "sandbox/instance.tf", "stackgate"}
	if diff := cmp.Diff(wantSuites, suites); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
	wantOutcome := map[string]string{
		"s3-encryption-kms: DataBucket":                            "failure",
		"s3-versioning: LogsBucket":                                "skipped: waived in stackgate.yaml (owner platform-team, expires 2027-03-31): access logs are write-once and expire after 30 days",
		"s3-public-access-block: SiteBucket":                       "skipped: suppressed inline (stackgate:ignore): static website, served through CloudFront only",
		"acme-cost-center: aws_security_group.web":                 "passed",
		"sg-no-public-ingress: aws_security_group.web":             "passed",
		`s3-versioning: module.lake.aws_s3_bucket.this["raw"]`:     "failure",
		`s3-encryption-kms: module.lake.aws_s3_bucket.this["raw"]`: "passed",
		"ec2-imdsv2: aws_instance.dev":                             "passed",
		"scan":                                                     "passed",
	}
	if diff := cmp.Diff(wantOutcome, outcome); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

// Several findings of one rule on one resource are one test case, and
// hostile text (control characters, a CDATA terminator) stays well-formed.
func TestJUnitGroupsAndEscapes(t *testing.T) {
	f := model.Finding{
		Rule: "sg-no-public-ingress", Severity: "high", Status: "fail", Resource: "aws_security_group.web",
		File: "net.tf", Line: 5, Column: 3, Enforcement: "block", Blocking: true,
		Message: "port 22 open \x1b[31m]]> <oops> & more", Remediation: "close it",
	}
	g := f
	g.Line, g.Message = 12, "port 3389 open"
	out := render(t, "junit", &Result{Findings: []model.Finding{f, g}}, Options{})
	p := parseJUnit(t, out)
	if p.Tests != 1 || len(p.Suites) != 1 || len(p.Suites[0].Cases) != 1 {
		t.Fatalf("want one test case, got %+v", p)
	}
	body := p.Suites[0].Cases[0].Failure.Body
	for _, want := range []string{"port 22 open ?[31m]]> <oops> & more", "port 3389 open", "net.tf:12:3"} {
		if !strings.Contains(body, want) {
			t.Errorf("failure body lacks %q:\n%s", want, body)
		}
	}
}

// A file with errors is an "errors" test case in error, first in its
// suite, so a run that stopped at a parse error is never green; the notes
// are in the system-out of the "scan" case.
func TestJUnitErrorsAndNotes(t *testing.T) {
	res := loadCase(t, "errors")
	p := parseJUnit(t, render(t, "junit", res, Options{}))
	files := map[string]bool{}
	for _, e := range res.Errors {
		files[e.File] = true
	}
	if p.Errors != len(files) {
		t.Errorf("errors=%d, want one per file with errors (%d)", p.Errors, len(files))
	}
	type caseOut struct{ suite, name, file, msg, body string }
	var got []caseOut
	for _, s := range p.Suites {
		errs := 0
		for _, c := range s.Cases {
			if c.Error != nil {
				errs++
				got = append(got, caseOut{s.Name, c.Name, c.File, c.Error.Message, c.Error.Body})
			}
		}
		if s.Errors != errs {
			t.Errorf("suite %s: errors=%d, cases say %d", s.Name, s.Errors, errs)
		}
	}
	want := []caseOut{
		{"envs/prod/bucket.yaml", "errors", "envs/prod/bucket.yaml", "stackgate:ignore s3-versioning has no reason; write why after the rule id", "envs/prod/bucket.yaml:5:5: stackgate:ignore s3-versioning has no reason; write why after the rule id\n"},
		{"envs/staging/broken.yaml", "errors", "envs/staging/broken.yaml", "mapping values are not allowed in this context", "envs/staging/broken.yaml:3:12: mapping values are not allowed in this context\n"},
		{"envs/staging/huge.json", "errors", "envs/staging/huge.json", "file is 20000000 bytes, over the 16777216 byte limit for a template", "envs/staging/huge.json: file is 20000000 bytes, over the 16777216 byte limit for a template\n"},
		{"modules/odd, name:1/main.tf", "errors", "modules/odd, name:1/main.tf", "100% broken\nsecond line ?[31mred", "modules/odd, name:1/main.tf:2:1: 100% broken\nsecond line ?[31mred\n"},
		{"stackgate", "errors", "", "evaluating rules: context deadline exceeded", "evaluating rules: context deadline exceeded\n"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(caseOut{})); diff != "" {
		t.Errorf("error cases (-want +got):\n%s", diff)
	}
	// The file with errors and a finding: errors first, then the finding.
	if s := p.Suites[0]; s.Name != "envs/prod/bucket.yaml" || len(s.Cases) != 2 || s.Cases[0].Error == nil || s.Cases[1].Failure == nil {
		t.Errorf("first suite %+v", s)
	}
	var notes string
	for _, s := range p.Suites {
		for _, c := range s.Cases {
			if c.Name == "scan" {
				notes = c.SystemOut
			}
		}
	}
	if !strings.Contains(notes, "Notes:\n  - "+res.Notes[0]) {
		t.Errorf("notes not in the scan case's system-out: %q", notes)
	}
}
