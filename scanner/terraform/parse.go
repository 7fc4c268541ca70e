package terraform

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// parsedFile is one parsed configuration or variables file.
type parsedFile struct {
	name string // path used in ranges and Module.Files
	file *hcl.File
	json bool
	// names is what scanModule needs of a native syntax file, found in
	// the walk that follows parsing; nil for a file in JSON syntax and
	// for one that applyOverrides rebuilt.
	names *fileNames
}

// readFile reads path through fsys, which refuses a file over its size
// limit or not regular before reading it. The error names path.
func readFile(fsys vfs.FS, path string) ([]byte, error) {
	src, err := fsys.ReadFile(path)
	if err != nil {
		return nil, model.Errorf(path, 0, 0, "cannot read: %v", vfs.WithoutPath(err))
	}
	return src, nil
}

// parseSource parses src as native HCL or, for names ending in .json, as
// HCL's JSON syntax, after the checks that protect the parsers.
func parseSource(name string, src []byte) (*parsedFile, []*model.Error) {
	c, _, _ := parseCached(name, src, true)
	return c.file, c.errs
}

// parseSourceUnlessBusy is parseSource, except that it returns busy
// instead of waiting when another goroutine is parsing the same content
// under the same name.
func parseSourceUnlessBusy(name string, src []byte) (pf *parsedFile, errs []*model.Error, busy bool) {
	c, _, busy := parseCached(name, src, false)
	return c.file, c.errs, busy
}

// parseCached returns the parse of src under name from parseCache,
// parsing it when the cache has none (parsedHere). When another goroutine
// is parsing it, it waits for that parse if wait is set, else returns
// busy at once.
func parseCached(name string, src []byte, wait bool) (c parsed, parsedHere, busy bool) {
	sum := sha256.Sum256(src)
	compute := func() parsed {
		parsedHere = true
		pf, errs := parseUncached(name, src)
		return parsed{pf, errs}
	}
	if wait {
		return parseCache.getOrCompute(name, string(sum[:]), compute), parsedHere, false
	}
	c, ok := parseCache.getOrComputeUnlessPending(name, string(sum[:]), compute)
	return c, parsedHere, !ok
}

type parsed struct {
	file *parsedFile
	errs []*model.Error
}

// parseWhenFree returns the parse of name that another load has under
// way. Rather than leave its core idle meanwhile, this load parses files
// it will read later (parseAhead): two root modules that call the same
// module start together, one parses that module's largest file, and the
// other parses the files of the modules they both call next.
func (l *loader) parseWhenFree(name string, src []byte) (*parsedFile, []*model.Error) {
	for l.parseAhead() {
		if pf, errs, busy := parseSourceUnlessBusy(name, src); !busy {
			return pf, errs
		}
	}
	return parseSource(name, src)
}

// parseAhead parses one configuration file of the directories in
// Options.Ahead that no load has parsed nor is parsing, and reports
// whether it found one. The directories are listed on the first call,
// and each file is tried once.
func (l *loader) parseAhead() bool {
	if l.ahead == nil {
		l.ahead = []aheadFile{}
		for _, dir := range l.opts.Ahead {
			abs, err := filepath.Abs(dir)
			if err != nil {
				continue
			}
			names, _ := l.fileNames(abs)
			for _, n := range names {
				if isConfigFile(n) {
					l.ahead = append(l.ahead, aheadFile{name: filepath.Join(dir, n), abs: filepath.Join(abs, n)})
				}
			}
		}
	}
	for len(l.ahead) > 0 && !l.stopped() {
		f := l.ahead[0]
		l.ahead = l.ahead[1:]
		src, err := readFile(l.fs, f.abs)
		if err != nil {
			continue // reported when a load reads it for its module
		}
		if _, parsedHere, _ := parseCached(f.name, src, false); parsedHere {
			return true
		}
	}
	return false
}

// aheadFile is a file parseAhead may parse: its name in ranges and its
// absolute path.
type aheadFile struct{ name, abs string }

// parseCache shares parsed files across module calls and root modules: a
// module called from twenty examples is parsed once, not twenty times.
// Parsed files are never modified after parsing (evaluation only reads the
// syntax tree), so they are shared between goroutines as they are. It
// keeps one version per file name (the content's hash): an edited file
// parses anew and replaces the old tree, so a language server that
// re-parses a buffer on every keystroke holds one tree per file, not one
// per keystroke.
var parseCache = newLatest[string, parsed]()

// ClearCaches drops the parsed files and decoded modules kept for later
// loads. A batch command (stackgate scan) calls it once it has loaded
// everything, so the syntax trees do not stay in memory while rules are
// evaluated; a long-running process (the language server) keeps them.
func ClearCaches() {
	parseCache.clear()
	configCache.clear()
}

// ReleaseDir drops what the caches hold for the module directory dir,
// named as its callers name it (the directory a scan found, or a
// caller's directory joined with a local source): its parsed files and
// its decoded configuration. A batch scan calls it once the last root
// module that calls the directory is loaded (scanner.LoadOptions.
// ReleaseModules). A later load of the directory parses it again.
func ReleaseDir(dir string) {
	dir = filepath.Clean(dir)
	parseCache.deleteIf(func(name string) bool { return filepath.Dir(name) == dir })
	configCache.deleteIf(func(k configKey) bool { return filepath.Clean(k.display) == dir })
}

// CachedFiles returns the names of the parsed files the cache holds,
// sorted: what a load would not parse again.
func CachedFiles() []string {
	parseCache.mu.Lock()
	defer parseCache.mu.Unlock()
	names := make([]string, 0, len(parseCache.entries))
	for n := range parseCache.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// maxCached bounds each cache's entries; a long-running process starts a
// cache afresh when it fills.
const maxCached = 8192

// latest is a bounded map safe for concurrent use that keeps, for each
// key, the value of its latest version only.
type latest[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]versioned[V]
	// pending holds the values being computed by getOrCompute, so that
	// loads running at once (root modules calling the same module) wait
	// for one computation instead of each repeating it.
	pending map[K]*pendingValue[V]
}

type versioned[V any] struct {
	version string
	value   V
}

// pendingValue is a value being computed; done is closed once it is
// there, or once its computation failed (ok false).
type pendingValue[V any] struct {
	version string
	done    chan struct{}
	value   V
	ok      bool
}

func newLatest[K comparable, V any]() *latest[K, V] {
	return &latest[K, V]{entries: map[K]versioned[V]{}}
}

// getOrCompute returns the value stored for k at this version, else
// computes it and stores it. A caller that finds the same computation in
// progress waits for its value; if that computation panicked, the caller
// computes the value itself.
func (c *latest[K, V]) getOrCompute(k K, version string, compute func() V) V {
	c.mu.Lock()
	if e, ok := c.entries[k]; ok && e.version == version {
		c.mu.Unlock()
		return e.value
	}
	if p, ok := c.pending[k]; ok {
		c.mu.Unlock()
		if p.version != version {
			return compute() // another version (an edited file): not shared
		}
		<-p.done
		if p.ok {
			return p.value
		}
		return compute()
	}
	p := &pendingValue[V]{version: version, done: make(chan struct{})}
	if c.pending == nil {
		c.pending = map[K]*pendingValue[V]{}
	}
	c.pending[k] = p
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, k)
		c.mu.Unlock()
		close(p.done)
	}()
	p.value = compute()
	p.ok = true
	c.put(k, version, p.value)
	return p.value
}

// getOrComputeUnlessPending is getOrCompute, except that when another
// caller is computing the value of k at this version it returns false at
// once instead of waiting for it.
func (c *latest[K, V]) getOrComputeUnlessPending(k K, version string, compute func() V) (V, bool) {
	c.mu.Lock()
	if p, ok := c.pending[k]; ok && p.version == version {
		c.mu.Unlock()
		var zero V
		return zero, false
	}
	c.mu.Unlock()
	return c.getOrCompute(k, version, compute), true
}

// clear empties the cache (benchmarks of a cold start).
func (c *latest[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = map[K]versioned[V]{}
}

// deleteIf drops the entries whose key drop accepts.
func (c *latest[K, V]) deleteIf(drop func(K) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if drop(k) {
			delete(c.entries, k)
		}
	}
}

// put stores v as k's value at this version, replacing any other version.
func (c *latest[K, V]) put(k K, version string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= maxCached {
		c.entries = map[K]versioned[V]{}
	}
	c.entries[k] = versioned[V]{version, v}
}

func parseUncached(name string, src []byte) (*parsedFile, []*model.Error) {
	if err := checkSource(name, src); err != nil {
		return nil, []*model.Error{err}
	}
	isJSON := filepath.Ext(name) == ".json"
	var f *hcl.File
	var diags hcl.Diagnostics
	if isJSON {
		f, diags = hcljson.Parse(src, name)
	} else {
		f, diags = hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	if errs := diagErrors(diags); len(errs) > 0 {
		return nil, errs
	}
	pf := &parsedFile{name: name, file: f, json: isJSON}
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		// One walk over the tree, before it is shared (parseCache), both
		// adds the budget wrappers and notes the names scanModule wants.
		var names nameScan
		w := syntaxWalker{visit: func(n hclsyntax.Node) {
			addBudgetWrapper(n)
			names.visit(n)
		}}
		w.walk(body)
		pf.names = names.result()
	}
	return pf, nil
}

// checkSource rejects invalid UTF-8 and nesting deeper than MaxNesting.
// The HCL parsers recurse once per nesting level, so deeply nested input
// is refused before they see it. The count includes brackets inside
// strings: it over-estimates, and real files stay far below the bound.
func checkSource(name string, src []byte) *model.Error {
	line, col, depth := 1, 1, 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return model.Errorf(name, line, col, "invalid UTF-8 byte 0x%02x: configuration files must be UTF-8 encoded", src[i])
		}
		switch r {
		case '\n':
			line, col = line+1, 0
		case '(', '[', '{':
			depth++
			if depth > MaxNesting {
				return model.Errorf(name, line, col, "expression nesting exceeds the limit of %d levels", MaxNesting)
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		}
		col++
		i += size
	}
	return nil
}

// fileNames lists the files of directory abs, sorted: every entry that
// is not a directory, following symbolic links as Terraform does (a link
// to a file counts; a link to a directory does not). Entries that are not
// regular files (a named pipe, a link to /dev/zero) are listed too, so
// that reading one is refused with an error naming it instead of being
// skipped without a word.
func (l *loader) fileNames(abs string) ([]string, error) {
	entries, err := l.fs.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if isFileEntry(l.fs, abs, e) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// isFileEntry reports whether entry e of directory dir is a file to
// consider, following a symbolic link (a dangling link counts: reading it
// reports the error).
func isFileEntry(fsys vfs.FS, dir string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return !e.IsDir()
	}
	st, err := fsys.Stat(filepath.Join(dir, e.Name()))
	return err != nil || !st.IsDir()
}

// readModuleDir parses the configuration files of one module directory in
// name order. display is the directory as shown in ranges.
func (l *loader) readModuleDir(display, abs string) (files, overrides []*parsedFile, errs []*model.Error) {
	all, err := l.fileNames(abs)
	if err != nil {
		return nil, nil, []*model.Error{model.Errorf(display, 0, 0, "cannot read module directory: %v", vfs.WithoutPath(err))}
	}
	var names []string
	for _, n := range all {
		if isConfigFile(n) {
			names = append(names, n)
		}
	}
	// Files another load is parsing right now (a root module calling the
	// same module) are left for a second pass, so that this load parses
	// the others meanwhile instead of waiting: two examples of one module
	// starting together parse its files between them, not one each.
	type entry struct {
		name string
		src  []byte
		err  *model.Error
		pf   *parsedFile
		errs []*model.Error
		busy bool
	}
	entries := make([]entry, len(names))
	for i, n := range names {
		if l.stopped() {
			return nil, nil, nil
		}
		e := &entries[i]
		e.name = filepath.Join(display, n)
		src, err := readFile(l.fs, filepath.Join(abs, n))
		if err != nil {
			e.err = relabel(err, e.name)
			continue
		}
		e.src = src
		e.pf, e.errs, e.busy = parseSourceUnlessBusy(e.name, src)
	}
	for i, n := range names {
		if l.stopped() {
			return nil, nil, nil
		}
		e := &entries[i]
		if e.err != nil {
			errs = append(errs, e.err)
			continue
		}
		if e.busy {
			e.pf, e.errs = l.parseWhenFree(e.name, e.src)
		}
		src := e.src
		if e.pf != nil && e.pf.file.Bytes != nil {
			// the same bytes as the cached tree's (same name, same
			// hash): a module called from twenty root modules keeps
			// one copy of its files, not twenty
			src = e.pf.file.Bytes
		}
		l.files[e.name] = src
		errs = append(errs, e.errs...)
		switch {
		case e.pf == nil:
		case isOverrideFile(n):
			overrides = append(overrides, e.pf)
		default:
			files = append(files, e.pf)
		}
	}
	if len(names) == 0 && len(errs) == 0 {
		errs = append(errs, model.Errorf(display, 0, 0, "no Terraform configuration files (*.tf, *.tf.json) in the module directory"))
	}
	return files, overrides, errs
}

// relabel gives err the display name instead of the absolute path.
func relabel(err error, name string) *model.Error {
	if me, ok := err.(*model.Error); ok {
		c := *me
		c.File = name
		return &c
	}
	return model.Errorf(name, 0, 0, "%v", err)
}

func (l *loader) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if _, dup := l.noted[msg]; dup {
		return
	}
	l.noted[msg] = struct{}{}
	l.notes = append(l.notes, msg)
}

// configKey identifies a decoded module by its directory; its version is
// the parsed files it was decoded from (configVersion). Parsed files come
// from parseCache, so the same file content gives the same *parsedFile,
// and a module shared by many root modules is decoded once. A cache entry
// keeps its files alive, so their addresses cannot be reused while the
// entry exists.
type configKey struct {
	display, abs string
}

// configVersion names the parsed files (and overrides) a module was
// decoded from, in order.
func configVersion(files, overrides []*parsedFile) string {
	var b strings.Builder
	for _, list := range [][]*parsedFile{files, overrides} {
		for _, pf := range list {
			fmt.Fprintf(&b, "%p;", pf)
		}
		b.WriteByte('|')
	}
	return b.String()
}

// decoded is a module decoded from its files, with what decoding reported.
type decoded struct {
	cfg   *moduleConfig
	errs  []*model.Error
	notes []string
	files []*parsedFile
}

// configCache shares decoded modules across root modules, like parseCache
// shares parsed files. A moduleConfig is not modified after decoding, but
// for its expression cache (safe for concurrent use).
var configCache = newLatest[configKey, decoded]()
