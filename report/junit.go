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
// A file with errors (it could not be checked, or an inline suppression in
// it is broken) has an "errors" test case with an <error> listing them, so
// a run that stopped at a parse error is never green.
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
// A report without findings or errors holds one passing "scan" test case
// in a "stackgate" suite, because several CI systems treat a report
// without any test case as an error; the same test case carries the notes
// in its <system-out> when there are any.
type junitFormat struct{}

func (junitFormat) name() string      { return "junit" }
func (junitFormat) showsSource() bool { return false }

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
	Error     *junitError   `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// junitError is an <error>: the test could not run (the file could not be
// checked, or a suppression in it is broken).
type junitError struct {
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
	suite := func(name string) *junitSuite {
		for i := range doc.Suites {
			if doc.Suites[i].Name == name {
				return &doc.Suites[i]
			}
		}
		doc.Suites = append(doc.Suites, junitSuite{Name: name})
		return &doc.Suites[len(doc.Suites)-1]
	}
	add := func(s *junitSuite, c junitCase) {
		s.Tests++
		switch {
		case c.Error != nil:
			s.Errors++
		case c.Failure != nil:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	// A file with errors comes first in its suite, as an "errors" test
	// case with an <error>: its findings, if any, are incomplete.
	for _, g := range groupErrors(res.Errors, doc.Name) {
		add(suite(g.file), junitErrorCase(g))
	}
	for _, g := range groupCases(res.Findings) {
		add(suite(g.file), junitTestCase(g))
	}
	// The "scan" test case says what the run saw when no other does: no
	// findings, or notes (the loaders' remarks on what was not checked).
	var out []string
	if len(doc.Suites) == 0 {
		out = append(out, fmt.Sprintf("No findings. Scanned %s, %s.", plural(res.Summary.Files, "file"), plural(res.Summary.Resources, "resource")))
	}
	if len(res.Notes) > 0 {
		var b strings.Builder
		b.WriteString("Notes:")
		for _, n := range res.Notes {
			b.WriteString("\n  - " + indentRest(n, "    "))
		}
		out = append(out, b.String())
	}
	if len(out) > 0 {
		add(suite(doc.Name), junitCase{Name: "scan", Classname: doc.Name, SystemOut: &junitText{xmlText(strings.Join(out, "\n\n"))}})
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
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

// errorGroup is the errors of one file.
type errorGroup struct {
	file   string
	errors []Error
}

// groupErrors groups errors by file in the order of each file's first
// error; errors of no file go to the suite named tool.
func groupErrors(errs []Error, tool string) []*errorGroup {
	var groups []*errorGroup
	index := map[string]*errorGroup{}
	for _, e := range errs {
		file := e.File
		if file == "" {
			file = tool
		}
		g := index[file]
		if g == nil {
			g = &errorGroup{file: file}
			index[file] = g
			groups = append(groups, g)
		}
		g.errors = append(g.errors, e)
	}
	return groups
}

// junitErrorCase renders the errors of one file as a test case in error.
func junitErrorCase(g *errorGroup) junitCase {
	first := g.errors[0]
	c := junitCase{Name: "errors", Classname: g.file, File: first.File, Line: first.Line}
	var b strings.Builder
	for _, e := range g.errors {
		b.WriteString(e.String() + "\n")
	}
	c.Error = &junitError{Message: xmlText(first.Message), Type: "error", Body: xmlText(b.String())}
	return c
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
