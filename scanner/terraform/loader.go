package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/vfs"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// loader holds the state of one Load.
type loader struct {
	ctx         context.Context
	fs          vfs.FS
	opts        Options
	rootDisplay string
	rootAbs     string

	mu    sync.Mutex // guards files, written by file functions
	files map[string][]byte
	notes []string
	noted map[string]struct{}
	errs  []*model.Error
	// errIndex finds a recorded error by errKey; errRepeats counts the
	// repeats of each recorded error.
	errIndex   map[string]int
	errRepeats []repeats

	configs     map[string]*moduleConfig                // by absolute directory
	installed   map[string]string                       // modules.json: key -> absolute dir
	base        map[string]function.Function            // loadFunctions
	consts      *hcl.EvalContext                        // constCtx
	freeCtxs    []*hcl.EvalContext                      // evalCtx's contexts, for reuse
	funcsByDir  map[string]map[string]function.Function // funcsFor, by module directory
	budget      budget
	rootVars    map[string]rawVar
	total       int             // resource and module instances so far
	active      map[string]bool // evaluations in progress, for cycle detection
	activeStack []string
	workspace   string
	ahead       []aheadFile // parseAhead's files not tried yet; nil before the first call
}

// Load evaluates the root module in dir. Every file is read through
// opts.FS (nil: the disk). Errors are *model.Error values (or an ErrorList
// of them), each naming file, line and column; when ctx is done first,
// Load stops and returns an error wrapping ctx.Err().
func Load(ctx context.Context, dir string, opts Options) (mod *Module, err error) {
	if err := ctx.Err(); err != nil {
		return nil, canceled(dir, err)
	}
	// cty panics on some misuse of marked or unknown values; a panic is a
	// bug here, but one configuration must not take the whole scan down.
	defer func() {
		if r := recover(); r != nil {
			mod, err = nil, model.Errorf(dir, 0, 0, "internal error evaluating the module (please report it): %v", r)
		}
	}()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, model.Errorf(dir, 0, 0, "%v", err)
	}
	l := &loader{
		ctx: ctx, fs: orDisk(opts.FS),
		opts: opts, rootDisplay: filepath.Clean(dir), rootAbs: abs,
		files: map[string][]byte{}, noted: map[string]struct{}{},
		configs: map[string]*moduleConfig{},
		active:  map[string]bool{}, workspace: "default",
	}
	l.base = loadFunctions(&l.budget)
	for _, kv := range opts.Env {
		if v, ok := strings.CutPrefix(kv, "TF_WORKSPACE="); ok && v != "" {
			l.workspace = v
		}
	}
	// result is what Load returns at each step: the context's error
	// first (a stopped load reports nothing it found on the way), then
	// the problems found.
	result := func() error {
		if err := ctx.Err(); err != nil {
			return canceled(dir, err)
		}
		l.reportBudget(nil, hcl.Range{Filename: l.rootDisplay})
		return l.errors().Err()
	}
	l.readInstalled()
	cfg := l.config(l.rootDisplay, abs)
	if cfg == nil || len(l.errs) > 0 || l.stopped() {
		return nil, result()
	}
	l.rootVars = l.rootVarValues(cfg)
	if len(l.errs) > 0 || l.stopped() {
		return nil, result()
	}
	root := l.newInst(cfg, nil, nil, "", instData{}, "", 0)
	m := &Module{Dir: dir, Files: l.files}
	l.collect(root, &m.Resources)
	l.checkUnread(root)
	m.Notes = l.notes
	if err := result(); err != nil {
		return nil, err
	}
	return m, nil
}

// canceled is the error of a load stopped by its context: it wraps the
// context's error (errors.Is(err, context.Canceled) holds).
func canceled(dir string, err error) error {
	return fmt.Errorf("%s: loading stopped: %w", dir, err)
}

// addErr records a problem; past maxErrors the rest are dropped. A
// problem at the same position with the same message as one recorded
// before, up to the instance keys of the addresses it names (the same
// count = 1e9 in each of 49 instances of a module), is counted rather than
// repeated: errors reports it once, with how many more times it occurred.
func (l *loader) addErr(err error) {
	me, ok := err.(*model.Error)
	if !ok {
		me = model.Errorf("", 0, 0, "%v", err)
	}
	key := errKey(me)
	if i, dup := l.errIndex[key]; dup {
		l.errRepeats[i].n++
		l.errRepeats[i].others = l.errRepeats[i].others || me.Message != l.errs[i].Message
		return
	}
	if len(l.errs) >= maxErrors {
		return
	}
	if l.errIndex == nil {
		l.errIndex = map[string]int{}
	}
	l.errIndex[key] = len(l.errs)
	l.errs = append(l.errs, me)
	l.errRepeats = append(l.errRepeats, repeats{})
}

// repeats counts the repeats of one error; others is set when some named
// other instances than the one recorded.
type repeats struct {
	n      int
	others bool
}

// instanceKeys matches the instance keys of addresses in messages:
// module.m[3], aws_s3_bucket.b["logs"].
var instanceKeys = regexp.MustCompile(`\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\]`)

// errKey identifies an error for de-duplication: its position and its
// message with instance keys left out.
func errKey(e *model.Error) string {
	msg := e.Message
	if strings.IndexByte(msg, '[') >= 0 {
		msg = instanceKeys.ReplaceAllString(msg, "[*]")
	}
	return fmt.Sprintf("%s:%d:%d:%s", e.File, e.Line, e.Column, msg)
}

// errors returns the problems recorded, each repeated one saying how
// many more times it occurred.
func (l *loader) errors() ErrorList {
	out := make(ErrorList, len(l.errs))
	for i, e := range l.errs {
		out[i] = e
		if r := l.errRepeats[i]; r.n > 0 {
			c := *e
			times := "times"
			if r.n == 1 {
				times = "time"
			}
			where := ""
			if r.others {
				where = ", in other instances"
			}
			c.Message += fmt.Sprintf(" (and %d more %s%s)", r.n, times, where)
			out[i] = &c
		}
	}
	return out
}

// failed reports whether loading should stop adding work: too many
// problems, or the context is done.
func (l *loader) failed() bool { return len(l.errs) >= maxErrors || l.stopped() }

// stopped reports whether the load's context is done. It is checked per
// file read, per module instance and per resource instance: often enough
// to stop promptly, not in inner loops.
func (l *loader) stopped() bool { return l.ctx.Err() != nil }

// config parses and decodes the module in a directory once.
func (l *loader) config(display, abs string) *moduleConfig {
	if c, ok := l.configs[abs]; ok {
		return c
	}
	files, overrides, errs := l.readModuleDir(display, abs)
	if l.stopped() {
		return nil // not cached: what was read is incomplete
	}
	for _, e := range errs {
		l.addErr(e)
	}
	if len(errs) > 0 {
		l.configs[abs] = nil
		return nil
	}
	key, version := configKey{display: display, abs: abs}, configVersion(files, overrides)
	d := configCache.getOrCompute(key, version, func() decoded {
		merged, errs, notes := applyOverrides(files, overrides)
		var c *moduleConfig
		if len(errs) == 0 {
			var derrs []*model.Error
			c, derrs = decodeModule(display, abs, merged)
			errs = append(errs, derrs...)
		}
		return decoded{cfg: c, errs: errs, notes: notes, files: append(files, overrides...)}
	})
	for _, n := range d.notes {
		l.note("%s", n)
	}
	for _, e := range d.errs {
		l.addErr(e)
	}
	l.configs[abs] = d.cfg
	return d.cfg
}

// readInstalled reads .terraform/modules/modules.json, where terraform init
// records the modules it downloaded.
func (l *loader) readInstalled() {
	path := filepath.Join(l.rootAbs, ".terraform", "modules", "modules.json")
	src, err := l.fs.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return // no module installed
	}
	if err != nil {
		l.note("%s: %v; installed modules are not used", filepath.Join(l.rootDisplay, ".terraform", "modules", "modules.json"), vfs.WithoutPath(err))
		return
	}
	var doc struct {
		Modules []struct{ Key, Source, Dir string }
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		l.note("%s: not valid JSON (%v); installed modules are not used", filepath.Join(l.rootDisplay, ".terraform", "modules", "modules.json"), err)
		return
	}
	l.installed = map[string]string{}
	for _, m := range doc.Modules {
		if m.Key == "" || m.Dir == "" {
			continue
		}
		dir := m.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(l.rootAbs, dir)
		}
		l.installed[m.Key] = dir
	}
}

// enter marks an evaluation as in progress; it returns false, and records
// a cycle error at rng, when the same evaluation is already in progress.
func (l *loader) enter(key string, rng hcl.Range) bool {
	if l.active[key] {
		cycle := []string{}
		for i := len(l.activeStack) - 1; i >= 0; i-- {
			cycle = append([]string{l.activeStack[i]}, cycle...)
			if l.activeStack[i] == key {
				break
			}
		}
		cycle = append(cycle, key)
		msg := ""
		for i, c := range cycle {
			if i > 0 {
				msg += " -> "
			}
			msg += c
		}
		l.addErr(errAt(rng, "cycle: %s refer to each other", msg))
		return false
	}
	l.active[key] = true
	l.activeStack = append(l.activeStack, key)
	return true
}

func (l *loader) leave(key string) {
	delete(l.active, key)
	l.activeStack = l.activeStack[:len(l.activeStack)-1]
}

// cycleVal is the value used for a reference that closes a cycle, so
// evaluation can continue and report more than the first problem.
func cycleVal() cty.Value { return unknownBecause(cty.DynamicPseudoType, "reference cycle") }
