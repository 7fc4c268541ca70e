// Package report renders stackgate findings in every output format: text
// for people at a terminal, JSON for scripts, SARIF 2.1.0 for code scanning
// dashboards, JUnit XML for CI test views and GitHub Actions workflow
// commands for pull request annotations.
//
// Every format is produced from the same [Result] (one model.Finding struct
// per finding, the rule catalogue and a [Summary]), so the wording, the
// locations and the fix a developer sees are the same wherever they look.
// Each format lives in its own file behind the small [formatter] interface;
// [Write] selects one by name.
package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// Summary counts what a scan saw and found.
//
// The counts obey Findings == Failed + Unknown + Waived: Failed and Unknown
// count the findings that are not waived, Waived counts every waived
// finding whatever its status. BySeverity and Blocking are counted over the
// findings that are not waived.
type Summary struct {
	// Files and Resources scanned; filled by the caller, not by Summarize.
	Files, Resources int
	// Findings is the total number of findings reported, waived included.
	Findings int
	// Blocking findings make the gate fail (exit code 1). The caller
	// counts those a display filter hides too: the decision is over all.
	Blocking int
	// Failed and Unknown count the findings that are not waived, by status.
	Failed, Unknown int
	// Waived counts the findings covered by a waiver or inline suppression.
	Waived int
	// BySeverity counts the findings that are not waived, per severity.
	BySeverity map[string]int
	// Environments the findings were evaluated in, sorted.
	Environments []string
}

// Result is everything one report shows.
type Result struct {
	// Tool and Version name the program ("stackgate", "0.1.0").
	Tool    string
	Version string
	// Findings are already sorted by file, line, column and rule.
	Findings []model.Finding
	// Rules is the rule catalogue; SARIF lists every rule with its help
	// text, and other formats take titles from it when a finding has none.
	Rules   []model.Rule
	Summary Summary
	// Errors are what stopped a file from being checked (a parse or
	// evaluation error) or made part of it not apply (a broken inline
	// suppression). A report with errors is incomplete: every format
	// says so.
	Errors []Error
	// ErrorsAllowed is set when the errors do not fail the run
	// (--allow-parse-errors): they are reported, the findings decide
	// the exit code. Otherwise a run with errors fails (exit 2).
	ErrorsAllowed bool
	// Notes are non-fatal notes from the loaders ("skipped x.json: not a
	// CloudFormation template").
	Notes []string
	// Source returns a file's content for the text excerpts; may be nil.
	Source func(file string) ([]byte, error)
	// WorkDir is the directory relative file names are relative to (the
	// working directory when empty). SARIF names every file relative to
	// it, absolute ones included.
	WorkDir string
}

// Error is one error of a run, at a place in a file when known.
type Error struct {
	// File the error is in, as given on the command line; "" when the
	// error is of no one file.
	File string `json:"file"`
	// Line and Column, 1-based; 0 when unknown.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Message says what is wrong, without the location.
	Message string `json:"message"`
}

// String is "file:line:column: message" with the parts known, safe to
// print (see clean).
func (e Error) String() string {
	if e.File == "" {
		return clean(e.Message)
	}
	return location(&model.Finding{File: e.File, Line: e.Line, Column: e.Column}) + ": " + clean(e.Message)
}

// failed reports whether the run fails because of its errors (exit 2).
func (r *Result) failed() bool {
	return len(r.Errors) > 0 && !r.ErrorsAllowed
}

// Options tune the text format; other formats ignore them.
type Options struct {
	// Color enables ANSI colours. The caller sets it when stdout is a
	// terminal and NO_COLOR is unset; the report never guesses.
	Color bool
	// Width is the terminal width in columns; source lines wider than the
	// space left next to the line numbers are cut around the flagged
	// columns. 0 means 160.
	Width int
}

// formatter renders a Result in one output format.
type formatter interface {
	// name is the value of --format that selects the formatter.
	name() string
	// format writes the whole report to w.
	format(w io.Writer, res *Result, opts Options) error
	// showsSource says whether format reads Result.Source (excerpts).
	showsSource() bool
}

// formatters in the order Formats lists them; the first is the default.
var formatters = []formatter{
	textFormat{},
	jsonFormat{},
	sarifFormat{},
	junitFormat{},
	githubFormat{},
}

// Formats returns the names of the output formats, the default first.
func Formats() []string {
	names := make([]string, len(formatters))
	for i, f := range formatters {
		names[i] = f.name()
	}
	return names
}

// ShowsSource reports whether the named format shows source excerpts,
// reading Result.Source; false for an unknown format. A caller whose
// format does not need not keep the files' contents for the report.
func ShowsSource(format string) bool {
	for _, f := range formatters {
		if f.name() == format {
			return f.showsSource()
		}
	}
	return false
}

// Write renders res in the named format to w. An unknown format is an error
// that lists the valid ones. A nil res is an empty result.
func Write(w io.Writer, format string, res *Result, opts Options) error {
	var f formatter
	for _, c := range formatters {
		if c.name() == format {
			f = c
			break
		}
	}
	if f == nil {
		return fmt.Errorf("unknown output format %q: want one of %s", format, strings.Join(Formats(), ", "))
	}
	if res == nil {
		res = &Result{}
	}
	if res.Summary.Findings == 0 && len(res.Findings) > 0 {
		// The caller did not summarize; a report whose summary says "No
		// findings" under a list of findings would mislead.
		r := *res
		s := Summarize(res.Findings)
		s.Files, s.Resources = res.Summary.Files, res.Summary.Resources
		r.Summary = s
		res = &r
	}
	bw := bufio.NewWriter(w)
	if err := f.format(bw, res, opts); err != nil {
		return err
	}
	return bw.Flush()
}
