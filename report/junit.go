package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// junitFormat writes JUnit XML, the test report format that GitLab,
// Jenkins, Azure Pipelines and most CI systems render.
//
// Layout: one <testsuite> per file, so a CI test view groups findings the
// way the repository does; one <testcase> per resource and rule, named
// "rule: resource", with classname and file set to the file (GitLab shows
// the file attribute, Jenkins the classname). A resource with several
// findings of one rule (two open ports) is one test case listing them all.
//
// Outcome of a test case, chosen so the test view agrees with the exit code:
//   - a <failure> when any of its findings blocks, with the message as the
//     failure message and the resource, location, message and fix as body;
//   - passing, with the same text in <system-out>, when its findings do not
//     block (warn, advise, unknown values): visible in the test details
//     without turning the pipeline red;
//   - <skipped> when all its findings are waived, with who waived them,
//     until when and why as the skip message.
//
// A report without findings holds one passing "scan" test case in a
// "stackgate" suite, because several CI systems treat a report without
// any test case as an error.
type junitFormat struct{}

func (junitFormat) name() string { return "junit" }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// junitText is element text written as CDATA, so multi-line bodies stay
// readable in the raw file.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func (junitFormat) format(w io.Writer, res *Result, _ Options) error {
	doc := junitSuites{Name: res.Tool}
	if doc.Name == "" {
		doc.Name = "stackgate"
	}
	for _, g := range groupCases(res.Findings) {
		if len(doc.Suites) == 0 || doc.Suites[len(doc.Suites)-1].Name != g.file {
			doc.Suites = append(doc.Suites, junitSuite{Name: g.file})
		}
		s := &doc.Suites[len(doc.Suites)-1]
		c := junitTestCase(g)
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	if len(doc.Suites) == 0 {
		doc.Suites = []junitSuite{{Name: doc.Name, Tests: 1, Cases: []junitCase{{
			Name:      "scan",
			Classname: doc.Name,
			SystemOut: &junitText{fmt.Sprintf("No findings. Scanned %s, %s.", plural(res.Summary.Files, "file"), plural(res.Summary.Resources, "resource"))},
		}}}}
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseGroup is the findings of one resource and rule in one file.
type caseGroup struct {
	file, resource, rule string
	findings             []*model.Finding
}

// groupCases groups findings by file, resource and rule, keeping the order
// of each group's first finding; findings arrive sorted by file, so groups
// of one file are contiguous.
func groupCases(findings []model.Finding) []*caseGroup {
	var groups []*caseGroup
	index := map[[3]string]*caseGroup{}
	for i := range findings {
		f := &findings[i]
		file := f.File
		if file == "" {
			file = "(no file)"
		}
		key := [3]string{file, f.Resource, f.Rule}
		g := index[key]
		if g == nil {
			g = &caseGroup{file: file, resource: f.Resource, rule: f.Rule}
			index[key] = g
			groups = append(groups, g)
		}
		g.findings = append(g.findings, f)
	}
	// Keep suites contiguous even if the caller's findings were not sorted.
	byFile := map[string][]*caseGroup{}
	var files []string
	for _, g := range groups {
		if _, ok := byFile[g.file]; !ok {
			files = append(files, g.file)
		}
		byFile[g.file] = append(byFile[g.file], g)
	}
	groups = groups[:0]
	for _, f := range files {
		groups = append(groups, byFile[f]...)
	}
	return groups
}

// junitTestCase renders one group.
func junitTestCase(g *caseGroup) junitCase {
	first := g.findings[0]
	c := junitCase{
		Name:      g.rule + ": " + g.resource,
		Classname: g.file,
		File:      first.File,
		Line:      first.Line,
	}
	if g.resource == "" {
		c.Name = g.rule
	}
	var blocking, active []*model.Finding
	for _, f := range g.findings {
		if f.Waived == nil {
			active = append(active, f)
			if f.Blocking {
				blocking = append(blocking, f)
			}
		}
	}
	switch {
	case len(blocking) > 0:
		c.Failure = &junitFailure{
			Message: blocking[0].Message,
			Type:    strings.ToUpper(blocking[0].Severity),
			Body:    junitBody(active),
		}
	case len(active) > 0:
		c.SystemOut = &junitText{junitBody(active)}
	default:
		var reasons []string
		for _, f := range g.findings {
			reasons = append(reasons, waiverText(f.Waived))
		}
		c.Skipped = &junitSkipped{Message: strings.Join(reasons, "; ")}
	}
	return c
}

// junitBody describes findings for a failure body or system-out: each
// finding's severity, status, location, property path and message, then
// the fix once (findings of one rule share it).
func junitBody(fs []*model.Finding) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString("\n")
		}
		status := ""
		if f.Status == model.StatusUnknown {
			status = " UNKNOWN"
		}
		fmt.Fprintf(&b, "%s%s %s at %s (%s)\n", strings.ToUpper(f.Severity), status, f.Rule, location(f), effect(f))
		fmt.Fprintf(&b, "%s\n", resourceLine(f))
		b.WriteString(f.Message + "\n")
	}
	if fix := strings.TrimSpace(fs[0].Remediation); fix != "" {
		b.WriteString("\nFix:\n" + fix + "\n")
	}
	return xmlText(b.String())
}

// xmlText replaces what XML 1.0 cannot carry: CDATA sections are written
// verbatim, so control characters must go before, not by the encoder.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 0xFFFE || r == 0xFFFF {
			return '?'
		}
		return r
	}, clean(s))
}
