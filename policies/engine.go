package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
)

// Engine evaluates the rule set. It compiles every module once (New) and
// prepares one query per distinct set of enabled rules, the first time that
// set is asked for; after that an evaluation is a single prepared-query call
// over the whole document. An Engine is safe for concurrent use.
type Engine struct {
	compiler *ast.Compiler
	store    storage.Store // the base data document: the tagging table
	set      *moduleSet
	byID     map[string]*ruleModule

	mu       sync.Mutex
	prepared map[string]*preparedQuery

	// chunkSize is how many resources one evaluation takes at most when
	// a document is larger and only built-in rules are loaded (0: never
	// chunk); see evaluateChunks.
	chunkSize int
	userRules bool
	// userLib is true when a user module adds to a package the built-in
	// rules read (stackgate.lib, a built-in rule's package, or one below
	// them): the built-in rules may then read anything, and are not
	// memoized (see Memo).
	userLib bool
}

// maxPrepared bounds the prepared queries an engine keeps, one per rule
// set asked for (each environment's, and each subset narrow picks for a
// document's resource types): a handful in practice, each a few hundred
// KB compiled.
const maxPrepared = 64

// defaultChunkSize bounds the resources of one evaluation: the input
// value, OPA's caches and the deny sets of a chunk are dropped before the
// next one, so a 100k-resource document is not held several times over.
// Chunks of different types cost very different times (on plan-20k one
// of buckets took three times one of KMS keys), and the cores finish
// together only within about one chunk: at 2,048 the last bucket chunk
// ran alone for a few hundred milliseconds.
const defaultChunkSize = 1024

type preparedQuery struct {
	once  sync.Once
	query rego.PreparedEvalQuery
	rules []*ruleModule
	err   error
}

type options struct {
	policyDirs []string
	tests      bool
}

// Option configures New.
type Option func(*options)

// WithPolicyDirs adds user rule directories. Their rules are loaded exactly
// like the built-in ones: package stackgate.rules.<name>, a METADATA block
// with custom.id, severity and remediation, and a deny set.
func WithPolicyDirs(dirs ...string) Option {
	return func(o *options) { o.policyDirs = append(o.policyDirs, dirs...) }
}

// WithTests also loads and compiles every *_test.rego, for Test. Without
// it they are skipped: a gate never runs them, and they are half of what
// there is to parse and compile.
func WithTests() Option {
	return func(o *options) { o.tests = true }
}

// newCompiler is the compiler of a rule set. The stages that only look for
// mistakes and change nothing evaluated (the type checker, a sixth of
// compiling the built-in rules: 6 of 37 ms; the recursion, undefined
// function and void call checks: 2 ms more) are skipped when the built-in
// rules are all there is: they pass them all (TestBuiltinRulesPassEveryCheck),
// so every command, the hook's cold start and the language server's first
// diagnostics would only pay to find nothing. User rules and tests are
// checked in full.
func newCompiler(builtinOnly bool) *ast.Compiler {
	c := ast.NewCompiler()
	if builtinOnly {
		c = c.WithSkipStages(checkOnlyStages...)
	}
	return c
}

// checkOnlyStages are the compiler stages that add errors and nothing else.
var checkOnlyStages = []ast.StageID{ast.StageCheckTypes, ast.StageCheckRecursion, ast.StageCheckUndefinedFuncs, ast.StageCheckVoidCalls}

// New loads and compiles the built-in rules plus any user rule directories.
func New(opts ...Option) (*Engine, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	// The data (a 68 KB JSON table) decodes on another core while the
	// rules parse: both are on the way to every command's first check.
	type loadedData struct {
		store storage.Store
		err   error
	}
	data := make(chan loadedData, 1)
	go func() {
		store, err := baseData()
		data <- loadedData{store, err}
	}()
	set, user, err := loadModules(o.policyDirs, o.tests)
	if err != nil {
		return nil, err
	}
	d := <-data
	if d.err != nil {
		return nil, d.err
	}
	store := d.store
	compiler := newCompiler(len(user) == 0 && !o.tests)
	compiler.Compile(set.modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compiling rules: %w", compiler.Errors)
	}
	e := &Engine{compiler: compiler, store: store, set: set, byID: map[string]*ruleModule{}, prepared: map[string]*preparedQuery{},
		chunkSize: defaultChunkSize, userRules: len(o.policyDirs) > 0}
	for _, r := range set.rules {
		if !definesDeny(r.module) {
			return nil, model.Errorf(r.file, r.module.Package.Location.Row, 0, "rule %s defines no deny set: a rule reports findings as `deny contains f if {...}`", r.rule.ID)
		}
		e.byID[r.rule.ID] = r
	}
	builtinPkgs := []string{"data.stackgate.lib"}
	for _, r := range set.rules {
		if r.rule.Builtin {
			builtinPkgs = append(builtinPkgs, r.rule.Package)
		}
	}
	for _, m := range user {
		pkg := m.Package.Path.String()
		for _, b := range builtinPkgs {
			if pkg == b || strings.HasPrefix(pkg, b+".") {
				e.userLib = true
			}
		}
	}
	return e, nil
}

// loadModules loads the built-in modules and those of dirs; user is the
// modules that came from dirs.
func loadModules(dirs []string, tests bool) (set *moduleSet, user []*ast.Module, err error) {
	set = &moduleSet{modules: map[string]*ast.Module{}, tests: tests}
	if err := loadFS(builtin, "policies", true, set); err != nil {
		return nil, nil, err
	}
	builtinNames := make(map[string]bool, len(set.modules))
	for name := range set.modules {
		builtinNames[name] = true
	}
	for _, dir := range dirs {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("policy directory: %w", err)
		}
		if !st.IsDir() {
			return nil, nil, fmt.Errorf("policy directory %s is not a directory", dir)
		}
		if err := loadFS(os.DirFS(dir), dir, false, set); err != nil {
			return nil, nil, err
		}
	}
	for name, m := range set.modules {
		if !builtinNames[name] {
			user = append(user, m)
		}
	}
	return set, user, set.sortAndCheck()
}

func definesDeny(m *ast.Module) bool {
	for _, r := range m.Rules {
		if r.Head.Name.String() == "deny" || (len(r.Head.Reference) > 0 && r.Head.Reference[0].Value.String() == "deny") {
			return true
		}
	}
	return false
}

// baseData is the store holding the data the rules read besides their
// input: the generated tagging table (policies/lib/tagging.json) at
// data.stackgate.lib.tagging. It holds AST values, so an evaluation reads
// them without converting.
func baseData() (storage.Store, error) {
	src, err := builtin.ReadFile("lib/tagging.json")
	if err != nil {
		return nil, err
	}
	var table map[string]any
	if err := util.UnmarshalJSON(src, &table); err != nil {
		return nil, fmt.Errorf("policies/lib/tagging.json: %w", err)
	}
	doc := map[string]any{"stackgate": map[string]any{"lib": map[string]any{"tagging": table}}}
	return inmem.NewFromObjectWithOpts(doc, inmem.OptReturnASTValuesOnRead(true)), nil
}

// Test runs the *_test.rego of an engine made WithTests with OPA's test
// runner, over the same modules and data a scan evaluates.
func (e *Engine) Test(ctx context.Context) (<-chan *tester.Result, error) {
	if !e.set.tests {
		return nil, fmt.Errorf("the engine was made without WithTests: no tests loaded")
	}
	return tester.NewRunner().SetCompiler(nil).SetStore(e.store).Run(ctx, e.set.modules)
}

// Rules returns the metadata of every loaded rule, sorted by id.
func (e *Engine) Rules() []model.Rule {
	out := make([]model.Rule, len(e.set.rules))
	for i, r := range e.set.rules {
		out[i] = r.rule
	}
	return out
}

// Rule returns one rule's metadata.
func (e *Engine) Rule(id string) (model.Rule, bool) {
	r, ok := e.byID[id]
	if !ok {
		return model.Rule{}, false
	}
	return r.rule, true
}

// DefaultRules returns the rules that are on without configuration, with
// empty parameters: the environment-neutral ones.
func (e *Engine) DefaultRules() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range e.set.rules {
		if r.rule.DefaultEnabled {
			out[r.rule.ID] = map[string]any{}
		}
	}
	return out
}

// EvalOption tunes one evaluation.
type EvalOption func(*evalOptions)

type evalOptions struct {
	memo    *Memo
	release bool
}

// ReleasingJudged lets a large document's resources go as they are
// judged, for a caller that does not read the document's resources after
// the evaluation (a scan, which drops each unit's model once checked):
// when the document is evaluated in chunks (see evaluateChunks), each
// chunk's resources then lose their properties, the ranges of their
// property paths, their unknown paths and references and their change
// once the chunk's findings are made; a resource that another references
// is kept whole. Address, type, origin file and ranges, region and
// lifecycle stay. The findings are the same: a template of 110,000
// buckets then no longer holds its whole model and all its findings at
// once.
func ReleasingJudged() EvalOption {
	return func(o *evalOptions) { o.release = true }
}

// WithMemo reuses, through m, what earlier evaluations found on resources
// that did not change, and records what this one finds (see Memo): for
// callers that evaluate nearly the same document again and again, such as
// an editor on each keystroke.
func WithMemo(m *Memo) EvalOption {
	return func(o *evalOptions) { o.memo = m }
}

// Evaluate runs the rules enabled in doc.Environment.Rules (the default
// rules when that is nil) over every resource of the document in one
// evaluation and returns the findings, located in their source and sorted.
// Enforcement, waivers and suppressions are applied by the caller (gate).
func (e *Engine) Evaluate(ctx context.Context, doc *model.Document, opts ...EvalOption) ([]model.Finding, error) {
	var o evalOptions
	for _, opt := range opts {
		opt(&o)
	}
	if doc.Environment.Rules == nil {
		doc.Environment.Rules = e.DefaultRules()
	}
	pq, err := e.prepare(ctx, doc.Environment.Rules)
	if err != nil {
		return nil, err
	}
	if len(pq.rules) == 0 || len(doc.Resources) == 0 {
		return nil, nil
	}
	byAddress := make(map[string]*model.Resource, len(doc.Resources))
	for i := range doc.Resources {
		byAddress[doc.Resources[i].Address] = &doc.Resources[i]
	}
	var findings []model.Finding
	switch {
	case o.memo != nil && !e.userLib && pq.builtinOnly():
		findings, err = e.evaluateMemo(ctx, pq, doc, byAddress, o.memo)
	case e.chunkSize > 0 && !e.userRules && len(doc.Resources) > e.chunkSize:
		if o.release {
			// what redaction reads, before the values are let go
			red := redactorFor(doc)
			findings, err = e.evaluateChunks(ctx, pq, doc, byAddress, true)
			if err != nil {
				return nil, err
			}
			red.redact(findings)
			SortFindings(findings)
			return findings, nil
		}
		findings, err = e.evaluateChunks(ctx, pq, doc, byAddress, false)
	default:
		all := make([]*model.Resource, len(doc.Resources))
		for i := range doc.Resources {
			all[i] = &doc.Resources[i]
		}
		findings, err = e.evaluate(ctx, pq, doc, all, nil, byAddress, nil, nil)
	}
	if err != nil {
		return nil, err
	}
	redactFindings(findings, doc)
	SortFindings(findings)
	return findings, nil
}

// evaluate runs the prepared query judging the given resources of doc,
// with referenced as the resources only input.referenced reaches, and
// appends their findings to out, those for which keep (when not nil)
// holds of the finding's resource address.
func (e *Engine) evaluate(ctx context.Context, pq *preparedQuery, doc *model.Document, resources, referenced []*model.Resource, byAddress map[string]*model.Resource, keep func(string) bool, out []model.Finding) ([]model.Finding, error) {
	pq, resources, err := e.narrow(ctx, pq, resources)
	if err != nil || len(pq.rules) == 0 {
		return out, err
	}
	err = pq.denies(ctx, inputValue(doc, resources, referenced), func(n int) { out = slices.Grow(out, n) }, func(r *ruleModule, obj map[string]any) {
		if keep != nil && !keep(str(obj["resource"])) {
			return
		}
		out = append(out, newFinding(r.rule, obj, byAddress, doc.Environment.Name))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// denies runs the prepared query on input and calls emit with each deny
// object, rule by rule in the query's order and, within a rule, in the
// order of its deny set; grow, when not nil, is told how many there are
// first.
func (pq *preparedQuery) denies(ctx context.Context, input ast.Value, grow func(int), emit func(*ruleModule, map[string]any)) error {
	rs, err := pq.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return fmt.Errorf("evaluating rules: %w", err)
	}
	if len(rs) == 0 {
		return fmt.Errorf("evaluating rules: the rule query was undefined")
	}
	perRule, _ := rs[0].Bindings["out"].([]any)
	if grow != nil {
		n := 0
		for _, denies := range perRule {
			list, _ := denies.([]any)
			n += len(list)
		}
		grow(n)
	}
	for i, denies := range perRule {
		r := pq.rules[i]
		list, _ := denies.([]any)
		for _, d := range list {
			obj, ok := d.(map[string]any)
			if !ok {
				return fmt.Errorf("rule %s: deny produced %T, want an object with resource, path, message", r.rule.ID, d)
			}
			emit(r, obj)
		}
	}
	return nil
}

// builtinOnly reports whether every rule of the query is a built-in one:
// rules whose findings on a resource depend only on that resource and the
// resources it references (see evaluateChunks).
func (pq *preparedQuery) builtinOnly() bool {
	for _, r := range pq.rules {
		if !r.rule.Builtin {
			return false
		}
	}
	return true
}

// evaluateChunks evaluates a large document in chunks of about
// e.chunkSize resources, so that only a few chunks' input values, OPA
// caches and deny sets are alive at a time: one per core, the chunks being
// evaluated in parallel and merged in order. It is used only when every
// loaded rule is a built-in one: each built-in rule judges a resource on
// the resource itself and, for ec2-imdsv2, on the resources it references
// (an instance's launch template, found through input.referenced), and
// reports its findings on that resource. So each chunk judges its own
// resources, every resource sharing an address with one of them, and has
// the resources they reference only in input.referenced (a referenced
// resource is judged in its own chunk, once). The findings are those of
// one evaluation of the whole document.
func (e *Engine) evaluateChunks(ctx context.Context, pq *preparedQuery, doc *model.Document, byAddress map[string]*model.Resource, release bool) ([]model.Finding, error) {
	chunks, chunkOf := e.chunks(doc)
	var referenced map[string]bool
	if release {
		referenced = referencedAddresses(doc)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		findings []model.Finding
		err      error
	}
	// The findings go into one slice, sized after the first chunk's for
	// every chunk: chunks are alike, so it rarely grows. (Joining the
	// per-chunk slices at the end held every finding twice at the run's
	// peak: 70 MB more for 220k findings.)
	var out []model.Finding
	var err error
	// A finding on an address that no resource has (not made by the
	// built-in rules, which report on the resource they judge) is kept
	// once: the first in chunk order, as one evaluation would keep it.
	foreign := map[string]bool{}
	parallel.Ordered(len(chunks), 0, func(k int) result {
		if err := ctx.Err(); err != nil {
			return result{err: err}
		}
		var judged, context []*model.Resource
		for _, m := range chunks[k] {
			r := &doc.Resources[m]
			if chunkOf[r.Address] == int32(k) {
				judged = append(judged, r)
			} else {
				context = append(context, r)
			}
		}
		part, err := e.evaluate(ctx, pq, doc, judged, context, byAddress, func(a string) bool {
			c, ok := chunkOf[a]
			return !ok || c == int32(k)
		}, nil)
		if release {
			// Only this chunk judges, and so reads, its resources, but
			// chunks running now may read those another references.
			for _, r := range judged {
				if !referenced[r.Address] {
					releaseJudged(r)
				}
			}
		}
		return result{part, err}
	}, func(k int, r result) bool {
		if r.err != nil {
			err = r.err
			cancel()
			return false
		}
		if out == nil {
			out = make([]model.Finding, 0, len(r.findings)*len(chunks)+len(r.findings)/8)
		}
		for _, f := range r.findings {
			if _, ok := chunkOf[f.Resource]; !ok {
				if foreign[f.Resource] {
					continue
				}
				foreign[f.Resource] = true
			}
			out = append(out, f)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// chunks splits doc's resources into chunks of about e.chunkSize own
// resources (all those of an address together), each followed by the
// resources they reference, sorted by index; chunkOf gives the chunk that
// owns each address.
func (e *Engine) chunks(doc *model.Document) ([][]int32, map[string]int32) {
	n := len(doc.Resources)
	byAddr := make(map[string][]int32, n)
	for i := range doc.Resources {
		a := doc.Resources[i].Address
		byAddr[a] = append(byAddr[a], int32(i))
	}
	chunkOf := make(map[string]int32, len(byAddr))
	assigned := make([]bool, n)
	inChunk := make([]bool, n)
	var chunks [][]int32
	for next := 0; next < n; {
		k := int32(len(chunks))
		var members []int32
		for ; next < n && len(members) < e.chunkSize; next++ {
			if assigned[next] {
				continue
			}
			a := doc.Resources[next].Address
			chunkOf[a] = k
			for _, j := range byAddr[a] {
				assigned[j] = true
				inChunk[j] = true
				members = append(members, j)
			}
		}
		own := len(members)
		for _, i := range members[:own] {
			for _, ref := range doc.Resources[i].References {
				for _, j := range byAddr[ref.Address] {
					if !inChunk[j] {
						inChunk[j] = true
						members = append(members, j)
					}
				}
			}
		}
		slices.Sort(members)
		for _, i := range members {
			inChunk[i] = false
		}
		if len(members) > 0 {
			chunks = append(chunks, members)
		}
	}
	return chunks, chunkOf
}

func (e *Engine) prepare(ctx context.Context, enabled map[string]map[string]any) (*preparedQuery, error) {
	ids := make([]string, 0, len(enabled))
	for id := range enabled {
		if _, ok := e.byID[id]; !ok {
			return nil, fmt.Errorf("unknown rule %q", id)
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	key := strings.Join(ids, ",")
	e.mu.Lock()
	pq, ok := e.prepared[key]
	if !ok {
		if len(e.prepared) >= maxPrepared {
			// A long-running process (the language server) asks for
			// new rule sets as buffers and configurations change;
			// start afresh rather than keep every one it ever saw.
			// Queries in use stay valid: callers hold them.
			clear(e.prepared)
		}
		pq = &preparedQuery{}
		e.prepared[key] = pq
	}
	e.mu.Unlock()
	pq.once.Do(func() {
		refs := make([]string, len(ids))
		for i, id := range ids {
			r := e.byID[id]
			pq.rules = append(pq.rules, r)
			refs[i] = r.rule.Package + ".deny"
		}
		if len(ids) == 0 {
			return
		}
		pq.query, pq.err = rego.New(
			rego.Query("out := ["+strings.Join(refs, ", ")+"]"),
			rego.Compiler(e.compiler),
			rego.Store(e.store),
			rego.StrictBuiltinErrors(false),
		).PrepareForEval(ctx)
	})
	return pq, pq.err
}

// newFinding turns one deny object into a located finding.
func newFinding(rule model.Rule, obj map[string]any, byAddress map[string]*model.Resource, env string) model.Finding {
	f := model.Finding{
		Rule:        rule.ID,
		Title:       rule.Title,
		Severity:    rule.Severity,
		Status:      model.StatusFail,
		Resource:    str(obj["resource"]),
		Path:        str(obj["path"]),
		Message:     str(obj["message"]),
		Environment: env,
	}
	if s := str(obj["status"]); s == model.StatusUnknown {
		f.Status = s
	}
	r, ok := byAddress[f.Resource]
	if !ok {
		f.Remediation = rule.Remediation.For("")
		return f
	}
	f.ResourceType = r.Type
	f.Root = r.Origin.Root
	f.Remediation = rule.Remediation.For(r.Origin.Layer)
	f.File = r.Origin.File
	rng := r.Origin.RangeFor(f.Path)
	f.Range = rng
	if rng.Filename != "" {
		f.File = rng.Filename
	}
	f.Line, f.Column = rng.Start.Line, rng.Start.Column
	f.EndLine, f.EndColumn = rng.End.Line, rng.End.Column
	relateToOrigin(&f, r)
	if f.Status == model.StatusUnknown {
		// The gate words the message of an unknown finding (what is
		// unknown, who decides) for the layer; the engine says what.
		f.UnknownReason = unknownReason(r, f.Path)
	}
	return f
}

// relateToOrigin relates a finding to where the flagged value is set,
// when that is elsewhere: a variables file line (terraform.tfvars), or, for
// a resource declared in a module, the root module's input to it (else the
// module block that calls the module). A module that `terraform init`
// downloaded (.terraform/modules) is not the user's code: the finding
// moves to that place in the root module, which is where the user changes
// it, and the module's own line becomes the related one.
func relateToOrigin(f *model.Finding, r *model.Resource) {
	if f.File == "" {
		return
	}
	origin, _ := model.NearestRange(r.Origin.Inputs, f.Path)
	site := r.Origin.CallSite
	if site.IsZero() {
		if !origin.IsZero() {
			f.Related = append(f.Related, model.LocationOf(origin, "where the value is set"))
		}
		return
	}
	target, what := site, "the module call in the root module"
	if !origin.IsZero() {
		target, what = origin, "where the value is set"
	}
	if inDownloadedModule(f.File) {
		f.Related = append(f.Related, model.Location{File: f.File, Line: f.Line, Column: f.Column,
			EndLine: f.EndLine, EndColumn: f.EndColumn, Message: "where the downloaded module declares it"})
		f.File = target.Filename
		f.Line, f.Column, f.EndLine, f.EndColumn = target.Start.Line, target.Start.Column, target.End.Line, target.End.Column
		f.Range = target
		return
	}
	f.Related = append(f.Related, model.LocationOf(target, what))
}

// inDownloadedModule reports whether file is inside a .terraform directory.
func inDownloadedModule(file string) bool {
	for _, seg := range strings.Split(filepath.ToSlash(file), "/") {
		if seg == ".terraform" {
			return true
		}
	}
	return false
}

// unknownReason finds why the value at path (or inside it) is unknown.
func unknownReason(r *model.Resource, path string) string {
	if path == model.RegionPath && r.RegionUnknown != "" {
		return strings.TrimSuffix(r.RegionUnknown, ".")
	}
	for _, u := range r.UnknownPaths {
		if model.HasPrefixPath(path, u.Path) || model.HasPrefixPath(u.Path, path) {
			return strings.TrimSuffix(u.Reason, ".")
		}
	}
	return ""
}

// SortFindings orders findings by file, line, column, rule and resource, the
// order every report uses.
func SortFindings(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Column != b.Column:
			return a.Column < b.Column
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		case a.Resource != b.Resource:
			return a.Resource < b.Resource
		}
		return a.Path < b.Path
	})
}

// referencedAddresses is the set of addresses that a resource of doc
// references.
func referencedAddresses(doc *model.Document) map[string]bool {
	out := map[string]bool{}
	for i := range doc.Resources {
		for _, ref := range doc.Resources[i].References {
			out[ref.Address] = true
		}
	}
	return out
}

// releaseJudged lets go of what only judging r read (see ReleasingJudged).
func releaseJudged(r *model.Resource) {
	r.Properties, r.UnknownPaths, r.References, r.Change, r.Sensitive = nil, nil, nil, nil, nil
	r.Origin.Paths, r.Origin.PathTable, r.Origin.Inputs = nil, nil, nil
}
