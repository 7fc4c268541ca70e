package workspace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// CheckOptions say where units are checked.
type CheckOptions struct {
	// Layer is where the check runs: model.RuleLayerEditor, RuleLayerCI or
	// RuleLayerDeployment. Required.
	Layer string
	// Context is what is known of the deployment target (region, account,
	// operation); a unit's resources may know their own region.
	Context model.Context
	// Workers is the number of units evaluated at once (0: GOMAXPROCS).
	Workers int
	// Incremental reuses what earlier incremental checks of this
	// workspace found on resources that have not changed since (see
	// policies.Memo): for a caller that checks nearly the same units over
	// and over, such as an editor on every keystroke. The findings are
	// the same either way.
	Incremental bool
	// ReleaseResources says the caller does not read the units'
	// resources after the check: a large unit's resources then let go of
	// what the rules read as they are judged (policies.ReleasingJudged),
	// so that its model and its findings are not all held at once.
	// LoadAndCheck, which drops each unit's resources once checked,
	// always does.
	ReleaseResources bool
}

// Result is the outcome of checking units: every decided finding and
// everything the reports must say besides.
type Result struct {
	// Findings of every unit, each unit's sorted, in unit order.
	Findings []model.Finding
	// Errors are the units that could not be checked (load or evaluation
	// errors) and the problems of units that were (a broken inline
	// suppression, which suppresses nothing), with file and line: a run
	// with errors is incomplete.
	Errors []error
	// Notes say what was not evaluated and why.
	Notes []string
	// Sources holds every file read, for report excerpts.
	Sources map[string][]byte
	// Files and Resources count what was checked (a file shared by many
	// Terraform roots counts once).
	Files, Resources int
	// Blocking is the gate's decision over every finding: true when one
	// blocks. Display filters never change it.
	Blocking bool
}

// Check evaluates every loaded unit (in parallel; the engine's queries are
// prepared once) and decides each finding. Skipped units are passed over;
// units that failed to load are reported in Result.Errors. The error
// returned is the configuration's or the rules' (nothing was checked).
func (w *Workspace) Check(ctx context.Context, units []scanner.Loaded, opts CheckOptions) (*Result, error) {
	g, err := w.checkGate(opts)
	if err != nil {
		return nil, err
	}
	checked := make([]unitCheck, len(units))
	parallel.For(len(units), opts.Workers, func(i int) {
		checked[i] = w.checkUnit(ctx, g, units[i], opts)
	})
	return assemble(ctx, units, checked)
}

// LoadAndCheck is LoadPaths followed by Check, with each unit checked on
// the goroutine that loaded it as soon as it is loaded (while the others
// load) and its resources then dropped: only one unit per worker is held
// in memory as a model, not the whole tree (and, while the rules compile,
// the units loaded ahead: loadAhead), so a scan of a thousand templates
// peaks at what a few need. The result is Check's. The units
// returned have everything but their Resources (Result.Resources counts
// them). lopts.Workers sets how many units are loaded and checked at once.
// The error returned is the configuration's or the rules' first, then
// LoadPaths'.
func (w *Workspace) LoadAndCheck(ctx context.Context, paths []string, lopts LoadOptions, copts CheckOptions) ([]scanner.Loaded, *Result, error) {
	if err := checkLayer(copts); err != nil {
		return nil, nil, err
	}
	fsys := lopts.fs()
	cands, err := w.discover(ctx, paths, lopts, fsys)
	if err != nil {
		if _, gerr := w.Gate(); gerr != nil {
			return nil, nil, gerr
		}
		return nil, nil, err
	}
	checked := make([]unitCheck, len(cands))
	copts.ReleaseResources = true // dropped below
	check := func(g *gate.Gate, u loadedUnit) {
		checked[u.index] = w.checkUnit(ctx, g, *u.unit, copts)
		u.unit.Resources = nil
	}
	ahead := &loadAhead{ready: w.ready}
	units := load(ctx, cands, lopts, fsys, func(i int, l *scanner.Loaded) {
		if ahead.hold(loadedUnit{i, l}) {
			return // checked once the rules are compiled
		}
		g, err := w.Gate() // waits for the rules to compile
		if err != nil {
			return // nothing is checked; returned below
		}
		for _, u := range ahead.take() {
			check(g, u)
		}
		check(g, loadedUnit{i, l})
	})
	g, err := w.Gate()
	if err != nil {
		return units, nil, err
	}
	rest := ahead.take()
	parallel.For(len(rest), lopts.Workers, func(k int) { check(g, rest[k]) })
	res, err := assemble(ctx, units, checked)
	return units, res, err
}

// loadedUnit is a loaded unit and its index among those loaded.
type loadedUnit struct {
	index int
	unit  *scanner.Loaded
}

// maxAheadResources bounds the resources of the units loaded while the
// rules compile: about what the first 40 ms of a scan loads (a hundred
// templates), so a scan of thousands still holds only a few units' models
// at a time.
const maxAheadResources = 4096

// loadAhead holds the units loaded before the rules are compiled. A worker
// that had to wait for the gate with its first unit left its core idle
// while one core compiled (about 40 ms of every scan, a sixth of a
// CloudFormation corpus's run); holding the unit lets it load the next
// one instead. The workers check the held units once the gate is ready,
// before their own.
type loadAhead struct {
	ready     <-chan struct{}
	mu        sync.Mutex
	held      []loadedUnit
	resources int
}

// hold keeps u for later when the rules are not compiled yet and the
// units held are under maxAheadResources; false means check it now.
func (a *loadAhead) hold(u loadedUnit) bool {
	select {
	case <-a.ready:
		return false
	default:
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.resources+len(u.unit.Resources) > maxAheadResources {
		return false
	}
	a.held = append(a.held, u)
	a.resources += len(u.unit.Resources)
	return true
}

// take returns the units held and holds no more.
func (a *loadAhead) take() []loadedUnit {
	a.mu.Lock()
	defer a.mu.Unlock()
	held := a.held
	a.held, a.resources = nil, 0
	return held
}

// checkGate is the gate for a check with opts, once opts are valid.
func (w *Workspace) checkGate(opts CheckOptions) (*gate.Gate, error) {
	g, err := w.Gate()
	if err != nil {
		return nil, err
	}
	return g, checkLayer(opts)
}

func checkLayer(opts CheckOptions) error {
	if !slices.Contains(model.RuleLayers(), opts.Layer) {
		return fmt.Errorf("workspace.Check: layer %q; want one of %v", opts.Layer, model.RuleLayers())
	}
	return nil
}

// unitCheck is what checking one unit found.
type unitCheck struct {
	checked   bool // the unit loaded, was not skipped, and was evaluated
	resources int
	findings  []model.Finding
	err       error
}

// checkUnit evaluates one loaded unit; a unit that failed to load or was
// skipped is not checked.
func (w *Workspace) checkUnit(ctx context.Context, g *gate.Gate, l scanner.Loaded, opts CheckOptions) unitCheck {
	if l.Err != nil || l.Skipped {
		return unitCheck{}
	}
	var evalOpts []policies.EvalOption
	if opts.Incremental {
		evalOpts = append(evalOpts, policies.WithMemo(w.memo))
	}
	if opts.ReleaseResources {
		evalOpts = append(evalOpts, policies.ReleasingJudged())
	}
	c := unitCheck{checked: true, resources: len(l.Resources)}
	c.findings, c.err = g.Check(ctx, UnitOf(l, opts.Layer, opts.Context), evalOpts...)
	if c.err != nil {
		c.err = inFile(l.File, c.err)
	}
	return c
}

// assemble is the result of checking units: load errors and problems in
// unit order, then each checked unit's findings and evaluation error.
func assemble(ctx context.Context, units []scanner.Loaded, checked []unitCheck) (*Result, error) {
	res := &Result{Sources: map[string][]byte{}}
	for i, l := range units {
		res.Notes = append(res.Notes, l.Notes...)
		switch {
		case l.Err != nil:
			res.Errors = append(res.Errors, inFile(l.File, l.Err))
		case !l.Skipped:
			for _, p := range l.Problems {
				res.Errors = append(res.Errors, inFile(l.File, p))
			}
			for f, b := range l.Sources {
				res.Sources[f] = b
			}
			res.Resources += checked[i].resources
		}
	}
	res.Files = len(res.Sources)
	// The findings are joined into one slice of the right size, or, when
	// one unit has them all (a large template), its slice is taken as it
	// is: a copy of a hundred thousand findings is a hundred MB more at
	// the run's peak.
	total, with := 0, 0
	for _, c := range checked {
		if len(c.findings) > 0 {
			total += len(c.findings)
			with++
		}
	}
	if with > 1 {
		res.Findings = make([]model.Finding, 0, total)
	}
	for i, c := range checked {
		if !c.checked {
			continue
		}
		if with == 1 && len(c.findings) > 0 {
			res.Findings = c.findings
		} else {
			res.Findings = append(res.Findings, c.findings...)
		}
		checked[i].findings = nil
		if c.err != nil {
			res.Errors = append(res.Errors, c.err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Blocking = gate.Blocking(res.Findings)
	return res, nil
}

// Verdict is the outcome of a check as a whole.
type Verdict int

// Verdicts, in the order of the CLI's exit codes.
const (
	// Pass: everything was checked and nothing blocks.
	Pass Verdict = iota
	// Block: a finding blocks.
	Block
	// Incomplete: some units could not be checked, so nothing may be
	// concluded from the findings alone (fail closed).
	Incomplete
)

// Verdict is the result's outcome. An incomplete check fails closed,
// unless allowIncomplete (the user asked to report unparseable files and
// go on: `--allow-parse-errors`), in which case the findings decide.
func (r *Result) Verdict(allowIncomplete bool) Verdict {
	switch {
	case len(r.Errors) > 0 && !allowIncomplete:
		return Incomplete
	case r.Blocking:
		return Block
	}
	return Pass
}

// UnitOf is the gate's unit for one loaded source in a layer.
func UnitOf(l scanner.Loaded, layer string, c model.Context) gate.Unit {
	path := l.EnvPath
	if path == "" {
		path = l.File
	}
	if l.Context.Region != "" {
		c.Region = l.Context.Region
	}
	if l.Context.AccountID != "" {
		c.AccountID = l.Context.AccountID
	}
	return gate.Unit{Layer: layer, Path: path, Context: c, Resources: l.Resources, Suppressions: l.Suppressions}
}

// ReportOptions say what a report shows.
type ReportOptions struct {
	// Tool and Version name the program in the report.
	Tool, Version string
	// MinSeverity hides findings below this severity (low, medium, high,
	// critical; "" shows all). It is a display filter: the report says
	// when it hides blocking findings, and Result.Blocking is unchanged.
	MinSeverity string
	// AllowErrors says the errors do not fail the run (the caller's
	// Verdict(true)): the report lists them all the same, and SARIF
	// then records a successful execution.
	AllowErrors bool
}

// Report is the renderable form of a result.
func (w *Workspace) Report(res *Result, opts ReportOptions) *report.Result {
	out := &report.Result{Tool: opts.Tool, Version: opts.Version, Notes: append([]string(nil), res.Notes...)}
	if g, err := w.Gate(); err == nil {
		out.Rules = g.Rules()
	}
	minRank := model.SeverityRank(opts.MinSeverity)
	hiddenBlocking := 0
	shown := 0
	for _, f := range res.Findings {
		if model.SeverityRank(f.Severity) >= minRank {
			shown++
		}
	}
	if shown == len(res.Findings) {
		// Nothing is hidden (no --severity, the usual case): the report
		// reads the result's findings, not a copy of them.
		out.Findings = res.Findings
	} else {
		out.Findings = make([]model.Finding, 0, shown)
		for _, f := range res.Findings {
			if model.SeverityRank(f.Severity) >= minRank {
				out.Findings = append(out.Findings, f)
			} else if f.Blocking {
				hiddenBlocking++
			}
		}
	}
	if hiddenBlocking > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d blocking finding(s) below severity %s are not shown; they still block (show them with --severity low)", hiddenBlocking, opts.MinSeverity))
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, ReportErrors(e)...)
	}
	out.ErrorsAllowed = opts.AllowErrors
	out.Summary = report.Summarize(out.Findings)
	out.Summary.Blocking += hiddenBlocking
	out.Summary.Files, out.Summary.Resources = res.Files, res.Resources
	out.Summary.Environments = environments(res.Findings)
	sources := res.Sources
	out.Source = func(file string) ([]byte, error) {
		if b, ok := sources[file]; ok {
			return b, nil
		}
		// A file no loader read (a related location): through the same
		// bounded view as every other read.
		return vfs.OS(scanner.DefaultMaxFileBytes).ReadFile(file)
	}
	// excerpts never show a sensitive literal (mask.go)
	out.Source = maskedSources(sources, out.Source)
	return out
}

// environments lists the environments findings were evaluated in, sorted;
// empty, not nil, so that JSON shows [].
func environments(fs []model.Finding) []string {
	out := []string{}
	for _, f := range fs {
		if !slices.Contains(out, f.Environment) {
			out = append(out, f.Environment)
		}
	}
	slices.Sort(out)
	return out
}

// fileError is an error of a unit, with the unit's file: the error itself
// may not name it (a read error, an evaluation error).
type fileError struct {
	file string
	err  error
}

func (e *fileError) Error() string { return errorIn(e.file, e.err).Error() }
func (e *fileError) Unwrap() error { return e.err }

// inFile attaches the unit's file to err.
func inFile(file string, err error) error {
	if err == nil || file == "" {
		return err
	}
	return &fileError{file: file, err: err}
}

// ReportErrors is err as the report lists it: one report.Error per
// *model.Error inside (a list of them, errors.Join'ed problems), each
// with its own file, line and column; any other error with the file of
// the unit it came from only.
func ReportErrors(err error) []report.Error {
	var out []report.Error
	var walk func(file string, err error)
	walk = func(file string, err error) {
		switch e := err.(type) {
		case nil:
			return
		case *fileError:
			walk(e.file, e.err)
			return
		case *model.Error:
			re := report.Error{File: e.File, Line: e.Line, Column: e.Column, Message: e.Message}
			if re.File == "" {
				re.File = file
			}
			out = append(out, re)
			return
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(file, x)
			}
			return
		}
		var me *model.Error
		if errors.As(err, &me) {
			walk(file, me)
			return
		}
		msg := err.Error()
		if file != "" {
			msg = strings.TrimPrefix(msg, file+": ")
		}
		out = append(out, report.Error{File: file, Message: msg})
	}
	walk("", err)
	return out
}
