package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// githubFormat writes GitHub Actions workflow commands, one line per
// error, finding and note, which the runner turns into annotations on the
// pull request:
//
//	::error file=F,line=L,col=C,endLine=E,endColumn=EC,title=RULE::message
//
// The command is error for blocking findings, warning for warn and for
// unknown values, notice for advise. The message carries the finding's
// message, the resource and the fix, so the annotation alone tells the
// developer what to change. Lines come most severe first, because GitHub
// shows only the first few annotations of each kind per step. Waived
// findings are not annotated: a waiver is
// a decision already reviewed, and re-annotating it on every pull request
// trains people to ignore annotations. Columns are given only for a range
// on one line; GitHub does not use columns across lines.
//
// Errors of the run (files that could not be checked, broken
// suppressions) come first, as error annotations at their file and line
// titled "stackgate error": they mean the findings are incomplete. Notes
// come last, as notice annotations without a file.
type githubFormat struct{}

func (githubFormat) name() string      { return "github" }
func (githubFormat) showsSource() bool { return false }

func (githubFormat) format(w io.Writer, res *Result, _ Options) error {
	var fs []*model.Finding
	for i := range res.Findings {
		if res.Findings[i].Waived == nil {
			fs = append(fs, &res.Findings[i])
		}
	}
	// GitHub shows only the first few annotations of each kind per step,
	// so the most severe come first; ties keep the file order.
	slices.SortStableFunc(fs, func(a, b *model.Finding) int {
		return model.SeverityRank(b.Severity) - model.SeverityRank(a.Severity)
	})
	var lines []string
	for _, e := range res.Errors {
		lines = append(lines, githubErrorCommand(e))
	}
	for _, f := range fs {
		lines = append(lines, githubCommand(f))
	}
	for _, n := range res.Notes {
		lines = append(lines, "::notice title=stackgate::"+escapeData(n))
	}
	for _, l := range lines {
		if _, err := io.WriteString(w, l+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// githubErrorCommand renders an error of the run (a file that could not
// be checked, a broken suppression) as an error annotation at its place.
func githubErrorCommand(e Error) string {
	var props []string
	if e.File != "" {
		props = append(props, "file="+escapeProperty(strings.ReplaceAll(e.File, `\`, "/")))
		if e.Line > 0 {
			props = append(props, "line="+strconv.Itoa(e.Line))
			if e.Column > 0 {
				props = append(props, "col="+strconv.Itoa(e.Column))
			}
		}
	}
	props = append(props, "title=stackgate error")
	return "::error " + strings.Join(props, ",") + "::" + escapeData(e.Message)
}

// githubCommand renders one finding as a workflow command.
func githubCommand(f *model.Finding) string {
	type prop struct{ key, value string }
	var props []prop
	add := func(k, v string) {
		if v != "" && v != "0" { // the toolkit drops empty properties
			props = append(props, prop{k, v})
		}
	}
	add("file", strings.ReplaceAll(f.File, `\`, "/"))
	if f.Line > 0 {
		add("line", strconv.Itoa(f.Line))
		endLine := max(f.EndLine, f.Line)
		if endLine == f.Line {
			add("col", strconv.Itoa(f.Column))
			add("endLine", strconv.Itoa(endLine))
			if f.EndColumn > f.Column {
				add("endColumn", strconv.Itoa(f.EndColumn))
			}
		} else {
			add("endLine", strconv.Itoa(endLine))
		}
	}
	add("title", f.Rule)

	var b strings.Builder
	b.WriteString("::" + githubLevel(f))
	for i, p := range props {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p.key + "=" + escapeProperty(p.value))
	}
	b.WriteString("::" + escapeData(githubMessage(f)))
	return b.String()
}

// githubMessage is the annotation body.
func githubMessage(f *model.Finding) string {
	var b strings.Builder
	b.WriteString(f.Message)
	if f.Resource != "" {
		fmt.Fprintf(&b, "\nResource: %s", f.Resource)
		if f.ResourceType != "" {
			fmt.Fprintf(&b, " (%s)", f.ResourceType)
		}
	}
	for _, rel := range f.Related {
		fmt.Fprintf(&b, "\nSee %s: %s", relatedLocation(rel), rel.Message)
	}
	if fix := strings.TrimSpace(f.Remediation); fix != "" {
		b.WriteString("\nFix: " + fix)
	}
	return b.String()
}

// escapeData escapes a command's message as the Actions toolkit does
// (packages/core/src/command.ts): %, CR and LF are percent-encoded so the
// message stays on one line and the runner decodes it back.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value as the toolkit does: as data,
// plus ':' and ',', which delimit properties.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
