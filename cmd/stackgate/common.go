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
	sp, err := c.locate(start)
	if err != nil {
		return nil, err
	}
	return sp.build()
}

// setupPlan is what setup knows before compiling the rules: where the
// config is, the policy directories and the exclude patterns it names.
type setupPlan struct {
	c        *commonFlags
	cfgPath  string
	dirs     []string
	excludes []string // from the config, relative to its directory
}

// locate finds the config file and reads the keys needed before the rules
// are compiled (policies, exclude). It is quick, so a scan can discover
// and load files while build compiles the rules.
func (c *commonFlags) locate(start string) (*setupPlan, error) {
	cfgPath := c.configFile
	if cfgPath == "" {
		found, err := config.Find(start)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
		cfgPath = relativeToCwd(found)
	}
	sp := &setupPlan{c: c, cfgPath: cfgPath, dirs: append([]string(nil), c.policyDirs...)}
	if cfgPath != "" {
		head, err := readConfigHead(cfgPath)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
		sp.dirs = append(sp.dirs, head.Policies...)
		sp.excludes = head.Exclude
	}
	return sp, nil
}

// build compiles the rules and loads and validates the whole config.
func (sp *setupPlan) build() (*gate.Gate, error) {
	engine, err := policies.New(policies.WithPolicyDirs(sp.dirs...))
	if err != nil {
		return nil, &codeError{code: exitError, err: err}
	}
	specs := ruleSpecs(engine.Rules())
	var cfg *config.Config
	if sp.cfgPath != "" {
		cfg, err = config.Load(sp.cfgPath, specs)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
	} else {
		cfg = config.Default(specs)
	}
	g := &gate.Gate{Engine: engine, Config: cfg, EnvName: sp.c.env}
	if sp.c.env != "" {
		if _, err := cfg.Environment(sp.c.env); err != nil {
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

// configHead is the part of a config file read before the rules are
// compiled: the user rules must be loaded before the whole file can be
// validated (it may configure them), and discovery needs the excludes.
// Full validation follows in config.Load.
type configHead struct {
	Policies []string `yaml:"policies"`
	Exclude  []string `yaml:"exclude"`
}

// readConfigHead reads the policies and exclude keys of a config file,
// policy directories made relative to the file's directory.
func readConfigHead(path string) (configHead, error) {
	var head configHead
	src, err := os.ReadFile(path)
	if err != nil {
		return head, err
	}
	if err := yaml.Unmarshal(src, &head); err != nil {
		return configHead{}, nil // config.Load reports the syntax error with its line
	}
	dir := filepath.Dir(path)
	for i, p := range head.Policies {
		if !filepath.IsAbs(p) {
			head.Policies[i] = filepath.Join(dir, p)
		}
	}
	return head, nil
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
	return c.writeOutput(stdout, func(w io.Writer, tty bool) error {
		return report.Write(w, c.format, res, report.Options{Color: c.useColor(tty)})
	})
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

// exitFor returns the exit status of a written report: 1 when a finding
// blocks.
func exitFor(res *report.Result) error {
	if gate.Blocking(res.Findings) {
		return &codeError{code: exitBlocking}
	}
	return nil
}
