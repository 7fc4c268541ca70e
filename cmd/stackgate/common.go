package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
	"github.com/stackgate/stackgate/workspace"
)

// commonFlags are the flags every evaluating command shares.
type commonFlags struct {
	configFile string
	env        string
	format     string
	output     string
	policyDirs []string
	severity   string
	color      string
}

func (c *commonFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.configFile, "config", "", "stackgate.yaml to use (default: found by walking up from the first scanned path)")
	f.StringVar(&c.env, "env", "", "evaluate in this environment of stackgate.yaml, whatever the paths match")
	f.StringVarP(&c.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&c.output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringArrayVar(&c.policyDirs, "policy", nil, "directory of user Rego rules (repeatable); added to those in stackgate.yaml")
	f.StringVar(&c.severity, "severity", "low", "minimum severity to show: low, medium, high, critical (display only: hidden findings still block)")
	f.StringVar(&c.color, "color", "auto", "colour in text output: auto, always, never")
}

func (c *commonFlags) validate() error {
	if model.SeverityRank(c.severity) == 0 {
		return usageErr("--severity %q: want low, medium, high or critical", c.severity)
	}
	valid := false
	for _, f := range report.Formats() {
		valid = valid || f == c.format
	}
	if !valid {
		return usageErr("--format %q: want one of %s", c.format, strings.Join(report.Formats(), ", "))
	}
	switch c.color {
	case "auto", "always", "never":
	default:
		return usageErr("--color %q: want auto, always or never", c.color)
	}
	return nil
}

// open opens the workspace: the configuration (found from start, the
// first scanned path, unless --config names it) and the rules.
func (c *commonFlags) open(start string) (*workspace.Workspace, error) {
	ws, err := workspace.Open(workspace.Options{ConfigFile: c.configFile, Start: start, PolicyDirs: c.policyDirs, Env: c.env})
	if err != nil {
		return nil, &codeError{code: exitError, err: err}
	}
	return ws, nil
}

// report renders a result as the flags say, and returns the exit status:
// 2 when units could not be checked (unless allowErrors), 1 when the gate
// blocks, whatever the display filters hide.
func (c *commonFlags) report(ws *workspace.Workspace, res *workspace.Result, stdout, stderr io.Writer, allowErrors bool) error {
	// The errors are in the report, in every format, so that "No
	// findings" is never read as "all clear". They also go to stderr,
	// after the report, unless the report itself went to a terminal:
	// there they would be shown twice, while a report written to a file,
	// a pipe or a CI log in a machine format (SARIF, JSON) leaves the
	// person reading the job's console with nothing but the exit code.
	rep := ws.Report(res, workspace.ReportOptions{Tool: "stackgate", Version: versionString(), MinSeverity: c.severity, AllowErrors: allowErrors})
	onTerminal := false
	if err := c.writeOutput(stdout, func(w io.Writer, tty bool) error {
		onTerminal = tty
		return report.Write(w, c.format, rep, report.Options{Color: c.useColor(tty)})
	}); err != nil {
		return err
	}
	if !onTerminal {
		for _, e := range rep.Errors {
			fmt.Fprintln(stderr, "error:", e)
		}
	}
	switch res.Verdict(allowErrors) {
	case workspace.Incomplete:
		return &codeError{code: exitError, err: fmt.Errorf("%d error(s): the check is incomplete", len(rep.Errors))}
	case workspace.Block:
		return &codeError{code: exitBlocking}
	}
	return nil
}

// openOutput returns where the report goes and whether it is a terminal.
func (c *commonFlags) openOutput(stdout any) (w *os.File, tty bool, closeFn func() error, err error) {
	if c.output == "" {
		f, ok := stdout.(*os.File)
		if !ok {
			return nil, false, func() error { return nil }, nil
		}
		return f, isatty.IsTerminal(f.Fd()), func() error { return nil }, nil
	}
	f, err := os.Create(c.output)
	if err != nil {
		return nil, false, nil, usageErr("--output: %v", err)
	}
	return f, false, f.Close, nil
}

func (c *commonFlags) useColor(tty bool) bool {
	switch c.color {
	case "always":
		return true
	case "never":
		return false
	}
	return tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

func errorf(format string, args ...any) error {
	return &codeError{code: exitError, err: fmt.Errorf(format, args...)}
}

// writeOutput runs write on --output (closing it after) or on stdout.
func (c *commonFlags) writeOutput(stdout io.Writer, write func(w io.Writer, tty bool) error) error {
	out, tty, closeOut, err := c.openOutput(stdout)
	if err != nil {
		return err
	}
	var w io.Writer = stdout
	if out != nil {
		w = out
	}
	werr := write(w, tty)
	if cerr := closeOut(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return errorf("writing report: %v", werr)
	}
	return nil
}
