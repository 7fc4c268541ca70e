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
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			File      string `xml:"file,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
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
	if p.Tests != 8 || p.Failures != res.Summary.Blocking || p.Skipped != res.Summary.Waived {
		t.Errorf("totals tests=%d failures=%d skipped=%d, want 8, %d blocking, %d waived", p.Tests, p.Failures, p.Skipped, res.Summary.Blocking, res.Summary.Waived)
	}
	var suites []string
	outcome := map[string]string{}
	for _, s := range p.Suites {
		suites = append(suites, s.Name)
		n, fails, skips := 0, 0, 0
		for _, c := range s.Cases {
			n++
			if c.Classname != s.Name || c.File != s.Name {
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
	wantSuites := []string{"envs/prod/bucket.yaml", "envs/staging/network.tf", "modules/lake/main.tf", "sandbox/instance.tf"}
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
