// Package workspace is stackgate's library front door: every layer (the
// CLI's scan and plan, the language server, the deployment hook) opens a
// configuration into a ready gate through it, loads units (paths, bytes,
// unsaved buffers, a plan with its configuration) and checks them, so no
// layer assembles these steps, or decides anything, on its own.
//
// A workspace is one stackgate.yaml (or the defaults without one), the
// rules it loads (built-in and user policy directories) and the gate that
// decides under it:
//
//	ws, err := workspace.Open(workspace.Options{Start: "infra/"})
//	units, err := ws.LoadPaths(ctx, []string{"infra/"}, workspace.LoadOptions{})
//	res, err := ws.Check(ctx, units, workspace.CheckOptions{Layer: model.RuleLayerCI})
//	report.Write(os.Stdout, "text", ws.Report(res, workspace.ReportOptions{}), report.Options{})
//	if res.Blocking { ... }
package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
)

// Options say which configuration and rules a workspace opens.
type Options struct {
	// ConfigFile is the stackgate.yaml to use. When empty, one is looked
	// for from Start up to the filesystem root (none found: the defaults).
	ConfigFile string
	// ConfigData, when set, is ConfigFile's content (an editor buffer, a
	// config read from S3 or SSM): the file is not read.
	ConfigData []byte
	// Start is where the search for stackgate.yaml begins: the first
	// scanned path, or the file an editor opened. "." when empty.
	Start string
	// NoSearch turns off the search: without ConfigFile, the defaults.
	NoSearch bool
	// PolicyDirs are user rule directories added to those the
	// configuration names.
	PolicyDirs []string
	// Env evaluates everything in this environment, whatever paths or
	// accounts select (--env).
	Env string
	// Now is the clock for waiver expiry (time.Now when nil).
	Now func() time.Time
}

// Workspace is an opened configuration and the gate that decides under it.
// Its methods are safe for concurrent use.
type Workspace struct {
	// ConfigFile is the configuration in use ("" for the defaults).
	ConfigFile string
	// PolicyDirs are every user policy directory loaded.
	PolicyDirs []string
	// Excludes are the configuration's exclude globs, made absolute
	// (slash-separated) against its directory.
	Excludes []string

	opts  Options
	data  []byte
	ready chan struct{}
	gate  *gate.Gate
	err   error
	// memo holds what incremental checks found (CheckOptions.Incremental),
	// for this workspace's rules and configuration only: a changed
	// configuration or rule is a new workspace, with a new memo.
	memo *policies.Memo
}

// memoGroups bounds the memo of incremental checks: the resource groups
// (the resources of one address) it remembers, a few hundred bytes each.
// An editor's buffers hold far fewer; a larger document is still checked
// right, with less reused.
const memoGroups = 1 << 15

// Open finds and reads the configuration and starts compiling the rules in
// the background; Gate (and every Check) waits for them. Only the parts of
// the configuration needed before the rules are known (policy directories,
// excludes) are read here, so loading can overlap compilation; the whole
// file is validated against the rules by Gate.
func Open(opts Options) (*Workspace, error) {
	w := &Workspace{opts: opts, ready: make(chan struct{}), memo: policies.NewMemo(memoGroups)}
	w.ConfigFile = opts.ConfigFile
	if w.ConfigFile == "" && !opts.NoSearch {
		start := opts.Start
		if start == "" {
			start = "."
		}
		found, err := config.Find(start)
		if err != nil {
			return nil, err
		}
		w.ConfigFile = relativeToCwd(found)
	}
	w.PolicyDirs = append([]string(nil), opts.PolicyDirs...)
	if w.ConfigFile != "" {
		w.data = opts.ConfigData
		if w.data == nil {
			src, err := config.Read(w.ConfigFile)
			if err != nil {
				return nil, err
			}
			w.data = src
		}
		head := config.ParseHead(w.ConfigFile, w.data)
		w.PolicyDirs = append(w.PolicyDirs, head.Policies...)
		dir, _ := filepath.Abs(filepath.Dir(w.ConfigFile))
		for _, p := range head.Exclude {
			w.Excludes = append(w.Excludes, filepath.ToSlash(filepath.Join(dir, p)))
		}
	}
	go w.build()
	return w, nil
}

// build compiles the rules and validates the whole configuration.
func (w *Workspace) build() {
	defer close(w.ready)
	engine, err := policies.New(policies.WithPolicyDirs(w.PolicyDirs...))
	if err != nil {
		w.err = err
		return
	}
	specs := RuleSpecs(engine.Rules())
	cfg := config.Default(specs)
	if w.ConfigFile != "" {
		if cfg, err = config.Parse(w.ConfigFile, w.data, specs); err != nil {
			w.err = err
			return
		}
	}
	w.gate, w.err = gate.New(engine, cfg, gate.Options{Env: w.opts.Env, Now: w.opts.Now})
}

// Gate returns the ready gate, waiting for the rules to compile; the error
// is the configuration's or a rule's (with file and line).
func (w *Workspace) Gate() (*gate.Gate, error) {
	<-w.ready
	return w.gate, w.err
}

// Rules is the rule catalogue of the workspace (built-in, user rules and
// waiver-expired).
func (w *Workspace) Rules() ([]model.Rule, error) {
	g, err := w.Gate()
	if err != nil {
		return nil, err
	}
	return g.Rules(), nil
}

// RuleSpecs is what the configuration needs to know of each rule to
// validate the environments that name it.
func RuleSpecs(rules []model.Rule) []config.RuleSpec {
	specs := make([]config.RuleSpec, len(rules))
	for i, r := range rules {
		specs[i] = config.RuleSpec{ID: r.ID, DefaultEnabled: r.DefaultEnabled, Parameters: r.Parameters}
	}
	return specs
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

// errorIn names the file an error without one came from.
func errorIn(file string, err error) error {
	if err == nil || file == "" || strings.HasPrefix(err.Error(), file) {
		return err
	}
	return fmt.Errorf("%s: %w", file, err)
}
