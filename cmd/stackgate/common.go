package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
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
	f.StringVar(&c.severity, "severity", "low", "minimum severity to report: low, medium, high, critical")
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

// setup finds and loads the configuration and the rules. start is where
// the config search begins (the first scanned path).
func (c *commonFlags) setup(start string) (*gate.Gate, error) {
	cfgPath := c.configFile
	if cfgPath == "" {
		found, err := config.Find(start)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
		cfgPath = relativeToCwd(found)
	}
	dirs := append([]string(nil), c.policyDirs...)
	if cfgPath != "" {
		more, err := configPolicyDirs(cfgPath)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
		dirs = append(dirs, more...)
	}
	engine, err := policies.New(policies.WithPolicyDirs(dirs...))
	if err != nil {
		return nil, &codeError{code: exitError, err: err}
	}
	specs := ruleSpecs(engine.Rules())
	var cfg *config.Config
	if cfgPath != "" {
		cfg, err = config.Load(cfgPath, specs)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
	} else {
		cfg = config.Default(specs)
	}
	g := &gate.Gate{Engine: engine, Config: cfg, EnvName: c.env}
	if c.env != "" {
		if _, err := cfg.Environment(c.env); err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
	}
	return g, nil
}

func ruleSpecs(rules []model.Rule) []config.RuleSpec {
	specs := make([]config.RuleSpec, len(rules))
	for i, r := range rules {
		specs[i] = config.RuleSpec{ID: r.ID, DefaultEnabled: r.DefaultEnabled, Parameters: r.Parameters}
	}
	return specs
}

// configPolicyDirs reads only the `policies:` key of a config file: the
// user rules must be loaded before the whole file can be validated, since
// the file may configure them. Full validation follows in config.Load.
func configPolicyDirs(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var head struct {
		Policies []string `yaml:"policies"`
	}
	if err := yaml.Unmarshal(src, &head); err != nil {
		return nil, nil // config.Load reports the syntax error with its line
	}
	dir := filepath.Dir(path)
	for i, p := range head.Policies {
		if !filepath.IsAbs(p) {
			head.Policies[i] = filepath.Join(dir, p)
		}
	}
	return head.Policies, nil
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

// relativeToCwd shortens an absolute path under the working directory, so
// messages name files the way the user typed them.
func relativeToCwd(p string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(p) {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// writeReport writes res in the chosen format to --output or stdout.
func writeReport(c *commonFlags, res *report.Result, stdout io.Writer) error {
	out, tty, closeOut, err := c.openOutput(stdout)
	if err != nil {
		return err
	}
	var w io.Writer = stdout
	if out != nil {
		w = out
	}
	werr := report.Write(w, c.format, res, report.Options{Color: c.useColor(tty)})
	if cerr := closeOut(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return errorf("writing report: %v", werr)
	}
	return nil
}

// exitFor returns the exit status of a written report: 1 when a finding
// blocks.
func exitFor(res *report.Result) error {
	if gate.Blocking(res.Findings) {
		return &codeError{code: exitBlocking}
	}
	return nil
}
