package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// textFormat is the default, human format.
//
// Findings that count come first, in the order given (file, line, column,
// rule), each as: a header (severity, UNKNOWN for undecided values, rule,
// file:line:column, and what the environment does with it), the resource,
// the message, a source excerpt with the flagged columns marked, and the
// fix. Waived findings follow in a compact "Waived" section, one entry
// each with who waived it, until when and why: reviewers need to see what
// is being let through and which waivers are about to expire, but not
// twenty lines per waived finding. Errors (files that could not be
// checked, broken suppressions, each file:line:column: message), loader
// notes and a one-line summary end the report; the summary says when
// errors make the check incomplete, so "No findings" is never read as
// "all clear".
//
// The text shows only what the finding carries and the source lines it
// points at; never a property value from elsewhere.
type textFormat struct{}

func (textFormat) name() string      { return "text" }
func (textFormat) showsSource() bool { return true }

func (textFormat) format(w io.Writer, res *Result, opts Options) error {
	t := &textWriter{
		w:     w,
		st:    style{on: opts.Color},
		res:   res,
		cat:   newCatalogue(res.Rules),
		width: opts.Width,
		files: map[string]*sourceLines{},
	}
	if t.width <= 0 {
		t.width = defaultWidth
	}
	var waived []*model.Finding
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Waived != nil {
			waived = append(waived, f)
			continue
		}
		t.finding(f)
	}
	if len(waived) > 0 {
		t.printf("%s\n", t.st.paint(sgrBold, fmt.Sprintf("Waived (%d):", len(waived))))
		for _, f := range waived {
			t.waived(f)
		}
		t.printf("\n")
	}
	if len(res.Errors) > 0 {
		t.printf("%s\n", t.st.paint(sgrRed, fmt.Sprintf("Errors (%d):", len(res.Errors))))
		for _, e := range res.Errors {
			t.printf("  %s\n", indentRest(e.String(), "    "))
		}
		t.printf("\n")
	}
	if len(res.Notes) > 0 {
		t.printf("%s\n", t.st.paint(sgrBold, "Notes:"))
		for _, n := range res.Notes {
			t.printf("  - %s\n", indentRest(clean(n), "    "))
		}
		t.printf("\n")
	}
	t.summary()
	return t.err
}

// textWriter holds the state of one text report.
type textWriter struct {
	w     io.Writer
	st    style
	res   *Result
	cat   catalogue
	width int
	// files caches source lines per file; nil when unreadable.
	files map[string]*sourceLines
	err   error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

// finding prints one finding in full.
func (t *textWriter) finding(f *model.Finding) {
	sev := t.st.paint(severityColor(f.Severity), strings.ToUpper(clean(f.Severity)))
	head := []string{sev}
	if f.Status == model.StatusUnknown {
		head = append(head, t.st.paint(sgrCyan, "UNKNOWN"))
	}
	head = append(head, t.st.paint(sgrBold, clean(f.Rule)), location(f))
	if e := effect(f); e != "" {
		head = append(head, "("+e+")")
	}
	t.printf("%s\n", strings.Join(head, "  "))
	t.printf("  %s\n", resourceLine(f))
	if f.Message != "" {
		t.printf("  %s\n", indentRest(clean(f.Message), "  "))
	}
	for _, rel := range f.Related {
		t.printf("  %s %s  %s\n", t.st.paint(sgrDim, "see"), relatedLocation(rel), clean(rel.Message))
	}
	if rows := t.excerpt(f); len(rows) > 0 {
		t.printf("\n")
		if t.err == nil {
			writeExcerpt(t.w, t.st, rows, "  ", severityColor(f.Severity))
		}
	}
	if fix := strings.TrimRight(clean(f.Remediation), "\n "); fix != "" {
		t.printf("\n  %s\n    %s\n", t.st.paint(sgrGreen, "Fix:"), indentRest(fix, "    "))
	}
	t.printf("\n")
}

// waived prints a waived finding compactly.
func (t *textWriter) waived(f *model.Finding) {
	sev := t.st.paint(severityColor(f.Severity), strings.ToUpper(clean(f.Severity)))
	t.printf("  %s  %s  %s  %s\n", sev, clean(f.Rule), location(f), clean(f.Resource))
	t.printf("      %s\n", t.st.paint(sgrDim, indentRest(waiverText(f.Waived), "      ")))
}

// waiverText says who waived a finding, until when and why.
func waiverText(wv *model.Waiver) string {
	var b strings.Builder
	if wv.Kind == "inline" {
		b.WriteString("suppressed inline (stackgate:ignore)")
	} else {
		b.WriteString("waived in stackgate.yaml")
	}
	var who []string
	if wv.Owner != "" {
		who = append(who, "owner "+wv.Owner)
	}
	if wv.Expires != "" {
		who = append(who, "expires "+wv.Expires)
	}
	if len(who) > 0 {
		b.WriteString(" (" + strings.Join(who, ", ") + ")")
	}
	if wv.Reason != "" {
		b.WriteString(": " + wv.Reason)
	}
	return clean(b.String())
}

// excerpt returns the source rows of f, or nil without a readable source.
func (t *textWriter) excerpt(f *model.Finding) []excerptLine {
	if t.res.Source == nil || f.File == "" || f.Line < 1 {
		return nil
	}
	lines, ok := t.files[f.File]
	if !ok {
		if src, err := t.res.Source(f.File); err == nil {
			lines = splitLines(src)
		}
		t.files[f.File] = lines
	}
	if lines == nil {
		return nil
	}
	// Room for the source text: the width less the indent and gutter.
	return buildExcerpt(lines, f, t.width-len("  9999 | "))
}

// summary prints the closing line.
func (t *textWriter) summary() {
	s := t.res.Summary
	active := s.Failed + s.Unknown
	var b strings.Builder
	if active == 0 {
		b.WriteString(t.st.paint(sgrGreen, "No findings"))
		if s.Waived > 0 {
			fmt.Fprintf(&b, " (%d waived)", s.Waived)
		}
		b.WriteString(".")
	} else {
		b.WriteString(t.st.paint(sgrBold, plural(active, "finding")))
		var sev []string
		for _, k := range severityKeys(s.BySeverity) {
			if n := s.BySeverity[k]; n > 0 {
				sev = append(sev, t.st.paint(severityColor(k), fmt.Sprintf("%d %s", n, clean(k))))
			}
		}
		if len(sev) > 0 {
			b.WriteString(": " + strings.Join(sev, ", "))
		}
		b.WriteString(". ")
		blocking := fmt.Sprintf("%d blocking", s.Blocking)
		if s.Blocking > 0 {
			blocking = t.st.paint(sgrRed, blocking)
		}
		parts := []string{blocking}
		if s.Unknown > 0 {
			parts = append(parts, fmt.Sprintf("%d unknown", s.Unknown))
		}
		if s.Waived > 0 {
			parts = append(parts, fmt.Sprintf("%d waived", s.Waived))
		}
		b.WriteString(strings.Join(parts, ", ") + ".")
	}
	fmt.Fprintf(&b, " Scanned %s, %s.", plural(s.Files, "file"), plural(s.Resources, "resource"))
	if n := len(t.res.Errors); n > 0 {
		b.WriteString(" " + t.st.paint(sgrRed, plural(n, "error")+": the check is incomplete."))
	}
	t.printf("%s\n", b.String())
}

// location is "file:line:column" with the parts known.
func location(f *model.Finding) string {
	file := clean(f.File)
	if file == "" {
		file = "(no file)"
	}
	switch {
	case f.Line > 0 && f.Column > 0:
		return fmt.Sprintf("%s:%d:%d", file, f.Line, f.Column)
	case f.Line > 0:
		return fmt.Sprintf("%s:%d", file, f.Line)
	}
	return file
}

// effect says what the gate does with the finding. Only a blocking
// finding reads "block"; any other reads "advise" in an advise environment
// and "warn" elsewhere, including a blocking environment (or none), where
// a finding that does not block is reported without failing the run: an
// unknown value the environment does not block on, a waiver-expired
// notice. A waived finding reads "waived". The rule does not matter: the
// decision is f.Blocking.
func effect(f *model.Finding) string {
	switch {
	case f.Blocking:
		return model.EnforcementBlock
	case f.Waived != nil:
		return "waived"
	case f.Enforcement == model.EnforcementAdvise:
		return model.EnforcementAdvise
	}
	return model.EnforcementWarn
}

// resourceLine names the resource, its type and the property path.
func resourceLine(f *model.Finding) string {
	s := clean(f.Resource)
	if s == "" {
		s = "(no resource)"
	}
	if f.ResourceType != "" {
		s += " (" + clean(f.ResourceType) + ")"
	}
	if f.Path != "" {
		s += ", property " + clean(f.Path)
	}
	return s
}

// relatedLocation renders a related location as file:line:column.
func relatedLocation(l model.Location) string {
	return location(&model.Finding{File: l.File, Line: l.Line, Column: l.Column})
}

// indentRest indents every non-empty line of s but the first.
func indentRest(s, indent string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			lines[i] = ""
		} else {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
