package terraform

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// modInst is one instance of a module: the root, or module.x["k"].
type modInst struct {
	l      *loader
	cfg    *moduleConfig
	parent *modInst
	call   *moduleCall // the call that made this instance; nil for the root
	data   instData    // each/count of that call, for evaluating its inputs
	addr   string      // "module.a[\"k\"].module.b", "" for the root
	pfx    string      // prefix(), made once: every evaluation's cycle key starts with it
	key    string      // modules.json key: call names joined by "."
	depth  int
	funcs  map[string]function.Function

	vars      map[string]cty.Value
	locals    map[string]cty.Value
	outputs   map[string]cty.Value
	resources map[string]*resState
	calls     map[string]*callState
	regions   map[string]*providerRegion
	defTags   map[string]*tfmap.DefaultTags
	providers map[string]providerRef
	// varObjs and localObjs are the var and local objects expressions
	// see, made of memoized values (see namedRefs)
	varObjs, localObjs namedObjects
	pathObj            cty.Value // pathObject, once made
}

// instData is what count and for_each give the expressions of one instance.
type instData struct {
	hasCount, hasEach  bool
	countIndex         cty.Value
	eachKey, eachValue cty.Value
	eachRef            *tfmap.Ref // each.value is this resource instance
	// countObj and eachObj are count and each as expressions see them
	// (count.index; each.key and each.value), made once per instance.
	countObj, eachObj cty.Value
}

// scope is where an expression is evaluated: the instance data of its
// resource or module call and the iterators of enclosing dynamic blocks.
type scope struct {
	data  instData
	iters map[string]cty.Value
}

// providerRef is a provider configuration visible in a module instance.
type providerRef struct {
	inst *modInst
	cfg  *providerConfig
}

func (l *loader) newInst(cfg *moduleConfig, parent *modInst, call *moduleCall, addr string, data instData, key string, depth int) *modInst {
	m := &modInst{
		l: l, cfg: cfg, parent: parent, call: call, data: data, addr: addr, pfx: addrPrefix(addr), key: key, depth: depth,
		// sized for every value collect evaluates; outputs only when read
		vars: make(map[string]cty.Value, len(cfg.variables)), locals: make(map[string]cty.Value, len(cfg.locals)),
		outputs: map[string]cty.Value{}, resources: make(map[string]*resState, len(cfg.resources)),
		calls: map[string]*callState{}, regions: map[string]*providerRegion{}, defTags: map[string]*tfmap.DefaultTags{},
		providers: map[string]providerRef{}, varObjs: namedObjects{}, localObjs: namedObjects{},
	}
	m.funcs = l.funcsFor(cfg.abs)
	// Providers: Terraform passes default (unaliased) provider
	// configurations to child modules implicitly, unless the call has a
	// providers argument, which then says exactly what is passed.
	if parent != nil {
		if call != nil && len(call.providers) > 0 {
			for child, par := range call.providers {
				if ref, ok := parent.providers[par]; ok {
					m.providers[child] = ref
				}
			}
		} else {
			for k, ref := range parent.providers {
				if !strings.Contains(k, ".") {
					m.providers[k] = ref
				}
			}
		}
	}
	for k, p := range cfg.providers {
		m.providers[k] = providerRef{inst: m, cfg: p}
	}
	return m
}

// funcsFor returns the function table of the instances of the module in
// directory modAbs: the load's functions and file functions that read
// relative to that directory. Every instance of the module shares it
// (evaluation only reads it).
func (l *loader) funcsFor(modAbs string) map[string]function.Function {
	if f, ok := l.funcsByDir[modAbs]; ok {
		return f
	}
	f := make(map[string]function.Function, len(l.base)+16)
	for k, fn := range l.base {
		f[k] = fn
	}
	(&fileAccess{l: l, rootAbs: l.rootAbs, modAbs: modAbs}).add(f)
	if l.funcsByDir == nil {
		l.funcsByDir = map[string]map[string]function.Function{}
	}
	l.funcsByDir[modAbs] = f
	return f
}

// prefix is the address prefix of resources in this instance.
func (m *modInst) prefix() string { return m.pfx }

// addrPrefix is the prefix of the addresses in the module instance at addr.
func addrPrefix(addr string) string {
	if addr == "" {
		return ""
	}
	return addr + "."
}

// where names the module instance in messages.
func (m *modInst) where() string {
	if m.addr == "" {
		return "the root module"
	}
	return m.addr
}

// evalExpr evaluates expr in scope. Evaluation problems that Terraform
// would only hit with provider schemas or real values (a function this
// evaluator lacks, an attribute of a computed object) make the value
// unknown with the reason, and a note; they do not fail the load.
func (m *modInst) evalExpr(expr hcl.Expression, sc scope) cty.Value {
	b := &m.l.budget
	if v, ok := literalValue(expr); ok && b.err == nil {
		return v
	}
	ctx := m.evalCtx(expr, sc)
	if b.err != nil {
		// a limit was exceeded: the load fails; end it quickly
		m.l.freeEvalCtx(ctx)
		return unknownBecause(cty.DynamicPseudoType, "not evaluated: "+b.err.msg)
	}
	saved := b.exprBytes
	b.exprBytes = 0
	v, diags := expr.Value(ctx)
	b.exprBytes = saved
	m.l.freeEvalCtx(ctx)
	if b.err != nil {
		m.l.reportBudget(diags, expr.Range())
		return unknownBecause(cty.DynamicPseudoType, "not evaluated: "+b.err.msg)
	}
	if diags.HasErrors() {
		d := diags[0]
		for _, x := range diags {
			if x.Severity == hcl.DiagError {
				d = x
				break
			}
		}
		rng := expr.Range()
		if d.Subject != nil {
			rng = *d.Subject
		}
		reason := "cannot be evaluated statically: " + diagMessage(d)
		m.l.note("%s:%d:%d: %s", rng.Filename, rng.Start.Line, rng.Start.Column, reason)
		return unknownBecause(cty.DynamicPseudoType, reason)
	}
	return v
}

// literalValue returns the value of a literal (a number, a bool, null, a
// quoted string without interpolations), which is what evaluating it in
// any context gives, without diagnostics: attributes of resources are
// evaluated one literal element at a time (bodyEval.literal), and making
// an evaluation context for each was wasted.
func literalValue(expr hcl.Expression) (cty.Value, bool) {
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		return e.Val, true
	case *hclsyntax.TemplateExpr:
		// a template of one literal part renders to that string
		if e.IsStringLiteral() {
			v := e.Parts[0].(*hclsyntax.LiteralValueExpr).Val
			if v.Type() == cty.String && v.IsKnown() && !v.IsNull() && !v.IsMarked() {
				return v, true
			}
		}
	}
	return cty.NilVal, false
}

// pathObject is the path.* object of this instance, made once (every
// file("${path.module}/...") asks for it). path.module is relative to
// the root, as Terraform makes it.
func (m *modInst) pathObject() cty.Value {
	if m.pathObj != cty.NilVal {
		return m.pathObj
	}
	mod := "."
	if rel, err := filepath.Rel(m.l.rootAbs, m.cfg.abs); err == nil {
		mod = filepath.ToSlash(rel)
	}
	m.pathObj = cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal(mod),
		"root":   cty.StringVal("."),
		"cwd":    cty.StringVal(filepath.ToSlash(m.l.rootAbs)),
	})
	return m.pathObj
}
