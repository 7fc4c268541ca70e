package terraform

import (
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// evalCtx builds the evaluation context for one expression with only what
// the expression refers to, evaluating each referenced variable, local,
// resource and module output on demand (memoized). Evaluating only what is
// referenced keeps evaluation in dependency order without a separate graph,
// and a reference back into an evaluation in progress is a cycle.
func (m *modInst) evalCtx(expr hcl.Expression, sc scope) *hcl.EvalContext {
	info := m.info(expr)
	travs := info.travs
	ctx := m.l.newEvalCtx(m.funcs)
	vars := ctx.Variables
	if len(travs) == 0 {
		return ctx
	}
	varObj := namedRefs{memo: m.vars}
	localObj := namedRefs{memo: m.locals}
	modObj := map[string]cty.Value{}
	dataObj := map[string]map[string]cty.Value{}
	resObj := map[string]map[string]cty.Value{}
	var refs resourceRefs
	for ti, t := range travs {
		root := t.RootName()
		rng := t.SourceRange()
		if v, ok := sc.iters[root]; ok {
			vars[root] = v
			continue
		}
		switch root {
		case "path":
			vars["path"] = m.pathObject()
			continue
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(m.l.workspace)})
			continue
		case "count":
			if sc.data.hasCount {
				vars["count"] = sc.data.countObj
			}
			continue
		case "each":
			if sc.data.hasEach {
				vars["each"] = sc.data.eachObj
			}
			continue
		case "self":
			vars["self"] = unknownBecause(cty.DynamicPseudoType, "self is known only after apply")
			continue
		}
		typ, name, ok := m.refName(t, rng)
		if !ok {
			continue
		}
		switch root {
		case "var":
			varObj.add(name, m.variable(name, rng))
		case "local":
			localObj.add(name, m.local(name, rng))
		case "module":
			modObj[name] = m.moduleValue(name, outputsWanted(travs, name), rng)
		case "data":
			refs.add(true, typ, name, t, 3, rng, info.elem(ti))
		default:
			refs.add(false, typ, name, t, 2, rng, info.elem(ti))
		}
	}
	for _, r := range refs.list {
		want := r.attrs
		if r.whole {
			want = nil
		}
		if r.data {
			v := m.resourceValue(r.key(), want, r.indexed, r.rng).v
			for _, t := range r.tails {
				v = withComputedTail(v, t, 3, "is read by the provider; not known statically")
			}
			if dataObj[r.typ] == nil {
				dataObj[r.typ] = map[string]cty.Value{}
			}
			dataObj[r.typ][r.name] = v
			continue
		}
		obj := m.resourceValue(r.key(), want, r.indexed, r.rng)
		if len(r.tails) == 0 && refs.alone(r) {
			// the type's object holds this resource alone: the one made
			// with its value serves
			vars[r.typ] = obj.named(r.name)
			continue
		}
		v := obj.v
		for _, t := range r.tails {
			v = withComputedTail(v, t, 2, "is known only after apply")
		}
		if resObj[r.typ] == nil {
			resObj[r.typ] = map[string]cty.Value{}
		}
		resObj[r.typ][r.name] = v
	}
	if varObj.used {
		vars["var"] = varObj.object(info.vars, m.varObjs)
	}
	if localObj.used {
		vars["local"] = localObj.object(info.locals, m.localObjs)
	}
	if len(modObj) > 0 {
		vars["module"] = cty.ObjectVal(modObj)
	}
	if len(dataObj) > 0 {
		d := map[string]cty.Value{}
		for typ, names := range dataObj {
			d[typ] = cty.ObjectVal(names)
		}
		vars["data"] = cty.ObjectVal(d)
	}
	for typ, names := range resObj {
		vars[typ] = cty.ObjectVal(names)
	}
	return ctx
}

// namedRefs gathers the values an expression reads from var or from
// local, for the object it sees there. A value memoized in the instance
// never changes, so an object of memoized values is made once per
// instance and set of names and shared by every expression that reads
// those names (most expressions of a module read var.create alone, and
// building an object copies its attributes and their types).
type namedRefs struct {
	memo map[string]cty.Value // the instance's memoized values
	used bool
	// unmemo holds the values read that are not memoized (a reference
	// into a cycle, an undeclared name); nil when there are none
	unmemo map[string]cty.Value
}

// namedObjects holds the objects of memoized values of one instance, by
// nameSet key (which names alone determine: no name holds the NUL that
// joins them).
type namedObjects map[string]cty.Value

// add records that the expression reads name, whose value is v.
func (r *namedRefs) add(name string, v cty.Value) {
	r.used = true
	if _, ok := r.memo[name]; ok {
		delete(r.unmemo, name)
		return
	}
	if r.unmemo == nil {
		r.unmemo = map[string]cty.Value{}
	}
	r.unmemo[name] = v
}

// object returns the object of the values read, whose names are names
// (every reference was added: var or local names no iterator here).
func (r *namedRefs) object(names nameSet, cache namedObjects) cty.Value {
	shared := len(r.unmemo) == 0
	if o, ok := cache[names.key]; ok && shared {
		return o
	}
	vals := make(map[string]cty.Value, len(names.names))
	for _, n := range names.names {
		if v, ok := r.unmemo[n]; ok {
			vals[n] = v
		} else {
			vals[n] = r.memo[n]
		}
	}
	obj := cty.ObjectVal(vals)
	if shared {
		cache[names.key] = obj
	}
	return obj
}

// newEvalCtx returns an empty evaluation context with functions funcs:
// one that freeEvalCtx gave back, or a new one. An evaluation context
// lives only while its expression is evaluated (evalExpr), and one is
// made for every evaluation: reusing them saves making it and its
// variables map again each time. Evaluations nest (a local evaluated
// while an expression's context is built), so contexts are taken and
// given back in stack order.
func (l *loader) newEvalCtx(funcs map[string]function.Function) *hcl.EvalContext {
	n := len(l.freeCtxs)
	if n == 0 {
		return &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: funcs}
	}
	ctx := l.freeCtxs[n-1]
	l.freeCtxs = l.freeCtxs[:n-1]
	ctx.Functions = funcs
	return ctx
}

// freeEvalCtx gives back a context of newEvalCtx once its expression is
// evaluated. Nothing evaluation returns refers to it: HCL's diagnostics
// and try's expression closures do, and evalExpr drops them.
func (l *loader) freeEvalCtx(ctx *hcl.EvalContext) {
	clear(ctx.Variables)
	ctx.Functions = nil
	l.freeCtxs = append(l.freeCtxs, ctx)
}

// resourceRefs gathers an expression's references to resources and data
// sources, so each object is built once with what every reference needs.
type resourceRefs struct {
	list []*resourceRef
}

// alone reports whether r is the only resource of its type in the list
// (data sources have objects of their own).
func (rs *resourceRefs) alone(r *resourceRef) bool {
	for _, c := range rs.list {
		if c != r && !c.data && c.typ == r.typ {
			return false
		}
	}
	return true
}

type resourceRef struct {
	data      bool
	typ, name string
	rng       hcl.Range
	// whole is set when a reference takes the whole object (or a whole
	// instance: aws_kms_key.this["a"]) and passes it on, so it must offer
	// every attribute read anywhere in the module.
	whole bool
	// indexed is set when a reference indexes the resource with an
	// expression and reads an attribute of the element
	// (aws_subnet.this[count.index].id): that is the attribute read (in
	// attrs) when the element is an instance (count, for_each), but may
	// be any attribute of a resource without either, whose object the
	// key indexes (see resourceValue).
	indexed bool
	tails   []hcl.Traversal // references that read nested attributes
	// attrs are the attributes the references read of the resource's
	// instances, sorted: all its object needs unless whole is set
	attrs []string
}

// key is the resource's key in its module: "aws_s3_bucket.x",
// "data.aws_iam_policy_document.y".
func (r *resourceRef) key() string {
	if r.data {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

// traversalRead is how an expression reads the object of one of its
// traversals when that is a resource alone (see resourceRefs.add).
type traversalRead uint8

const (
	readWhole     traversalRead = iota // passed on, or read any other way
	readSplatAttr                      // the source of a splat whose items start with an attribute
	readIndexAttr                      // indexed by an expression, and an attribute of the element read
)

// elemAccess is how an expression reads the elements of one of its
// traversals: read, and for readSplatAttr and readIndexAttr the
// attribute it reads of them.
type elemAccess struct {
	read traversalRead
	attr string
}

// elem is how the expression reads the elements of travs[i] (see
// exprInfo.elems).
func (in *exprInfo) elem(i int) elemAccess {
	if in.elems == nil {
		return elemAccess{}
	}
	return in.elems[i]
}

// add records traversal t; next is the step after the resource name.
// A traversal that reads an attribute of the resource or of one of its
// instances (aws_s3_bucket.this.id, aws_subnet.this[0].id) adds that
// attribute to r.attrs: the object the reference gets needs no other.
// elem says how the expression reads t otherwise: when t is the resource
// alone and is the source of a splat whose items start with an attribute
// (exprInfo.elems), the splat reads only that attribute, elem.attr, of
// each instance, so the reference does not take the whole object (the
// modules' aws_subnet.this[*].id would otherwise make every attribute
// the module reads for each instance); the same holds for an attribute
// of an instance selected by an index expression (readIndexAttr),
// when the resource has instances.
func (rs *resourceRefs) add(data bool, typ, name string, t hcl.Traversal, next int, rng hcl.Range, elem elemAccess) {
	var r *resourceRef
	for _, c := range rs.list {
		if c.data == data && c.typ == typ && c.name == name {
			r = c
		}
	}
	if r == nil {
		r = &resourceRef{data: data, typ: typ, name: name, rng: rng}
		rs.list = append(rs.list, r)
	}
	i := next
	if _, ok := stepAt(t, i).(hcl.TraverseIndex); ok {
		i++
	}
	attr, ok := attrStep(t, i)
	switch {
	case ok:
		r.reads(attr)
	case elem.read == readSplatAttr && len(t) == next:
		r.reads(elem.attr)
	case elem.read == readIndexAttr && len(t) == next:
		r.indexed = true
		r.reads(elem.attr)
	default:
		r.whole = true
	}
	if len(t) > i+1 {
		r.tails = append(r.tails, t)
	}
}

// reads adds attr to the attributes r reads, kept sorted.
func (r *resourceRef) reads(attr string) {
	if i, found := slices.BinarySearch(r.attrs, attr); !found {
		r.attrs = slices.Insert(r.attrs, i, attr)
	}
}

// withComputedTail makes the nested attribute that traversal t reads
// below a resource (aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id)
// exist, as unknown, when the configured block does not set it: without
// provider schemas every attribute the configuration leaves out of a
// nested block may be one the provider computes. next is the step after
// the resource name; its instance key, if any, is followed like any index.
func withComputedTail(v cty.Value, t hcl.Traversal, next int, why string) cty.Value {
	if next >= len(t) {
		return v
	}
	// The first attribute is handled by resourceValue; only deeper ones
	// need this, so skip traversals with at most one attribute.
	attrs := 0
	for _, st := range t[next:] {
		if _, ok := st.(hcl.TraverseAttr); ok {
			attrs++
		}
	}
	if attrs < 2 {
		return v
	}
	return ensureTail(v, t, next, why, 0)
}

func ensureTail(v cty.Value, t hcl.Traversal, i int, why string, depth int) cty.Value {
	if i >= len(t) || depth > MaxNesting {
		return v
	}
	uv, marks := v.Unmark()
	if !uv.IsKnown() || uv.IsNull() {
		return v
	}
	ty := uv.Type()
	switch st := t[i].(type) {
	case hcl.TraverseAttr:
		if !ty.IsObjectType() {
			return v
		}
		vals := uv.AsValueMap()
		if vals == nil {
			vals = map[string]cty.Value{}
		}
		if cur, ok := vals[st.Name]; ok {
			vals[st.Name] = ensureTail(cur, t, i+1, why, depth+1)
		} else if depth > 0 {
			// a nested attribute the configuration leaves out
			vals[st.Name] = unknownBecause(cty.DynamicPseudoType, traversalPath(t[:i+1])+" "+why)
		} else {
			return v
		}
		return cty.ObjectVal(vals).WithMarks(marks)
	case hcl.TraverseIndex:
		key := st.Key
		switch {
		case ty.IsTupleType() || ty.IsListType():
			if key.Type() != cty.Number || !key.IsKnown() || key.IsNull() {
				return v
			}
			n, acc := key.AsBigFloat().Int64()
			elems := uv.AsValueSlice()
			if acc != 0 || n < 0 || int(n) >= len(elems) {
				return v
			}
			elems[n] = ensureTail(elems[n], t, i+1, why, depth+1)
			return cty.TupleVal(elems).WithMarks(marks)
		case ty.IsObjectType() || ty.IsMapType():
			if key.Type() != cty.String || !key.IsKnown() || key.IsNull() {
				return v
			}
			vals := uv.AsValueMap()
			cur, ok := vals[key.AsString()]
			if !ok {
				return v
			}
			vals[key.AsString()] = ensureTail(cur, t, i+1, why, depth+1)
			return cty.ObjectVal(vals).WithMarks(marks)
		}
	}
	return v
}

// stepName returns the attribute name at step i of a traversal.
func stepName(t hcl.Traversal, i int) (string, bool) {
	if i >= len(t) {
		return "", false
	}
	switch s := t[i].(type) {
	case hcl.TraverseAttr:
		return s.Name, true
	case hcl.TraverseRoot:
		return s.Name, true
	case hcl.TraverseIndex:
		if s.Key.Type() == cty.String && s.Key.IsKnown() && !s.Key.IsNull() {
			return s.Key.AsString(), true
		}
	}
	return "", false
}

// outputsWanted returns the output names the traversals read from module
// call name (module.x.out, module.x[0].out), or nil when one of them uses
// the whole module object.
func outputsWanted(travs []hcl.Traversal, name string) map[string]bool {
	want := map[string]bool{}
	for _, t := range travs {
		if t.RootName() != "module" {
			continue
		}
		if n, _ := stepName(t, 1); n != name {
			continue
		}
		if out, ok := attrStep(t, 2); ok {
			want[out] = true
			continue
		}
		if _, isIndex := stepAt(t, 2).(hcl.TraverseIndex); isIndex {
			if out, ok := attrStep(t, 3); ok {
				want[out] = true
				continue
			}
		}
		return nil
	}
	return want
}

func stepAt(t hcl.Traversal, i int) hcl.Traverser {
	if i < len(t) {
		return t[i]
	}
	return nil
}

func attrStep(t hcl.Traversal, i int) (string, bool) {
	if a, ok := stepAt(t, i).(hcl.TraverseAttr); ok {
		return a.Name, true
	}
	return "", false
}

// addNodeNames adds the attribute names of node, when it is a traversal
// (also after a splat or an index expression), as addTraversalNames does.
// The whole object of a resource (resourceValue) has every attribute name
// read so anywhere in its module, as unknown when the configuration does
// not set it, because without provider schemas the evaluator cannot know
// every computed attribute. The name right after var or local
// (var.create, local.tags) names a variable or a local value, never an
// attribute of what it holds, so it is left out, unless shadowed: an
// iterator of the module is called var or local (see scanModule).
func addNodeNames(node hclsyntax.Node, names, afterVarLocal map[string]bool) {
	switch e := node.(type) {
	case *hclsyntax.RelativeTraversalExpr:
		addTraversalNames(e.Traversal, names, afterVarLocal)
	case *hclsyntax.ScopeTraversalExpr:
		addTraversalNames(e.Traversal, names, afterVarLocal)
	}
}

// addTraversalNames adds the attribute names of t to names, but the name
// right after var or local, which goes to afterVarLocal (when not nil).
func addTraversalNames(t hcl.Traversal, names, afterVarLocal map[string]bool) {
	skip := -1
	if len(t) > 0 {
		if r, ok := t[0].(hcl.TraverseRoot); ok && (r.Name == "var" || r.Name == "local") {
			skip = 1
		}
	}
	for i, s := range t {
		a, ok := s.(hcl.TraverseAttr)
		switch {
		case !ok:
		case i != skip:
			names[a.Name] = true
		case afterVarLocal != nil:
			afterVarLocal[a.Name] = true
		}
	}
}

// scanModule reports whether var or local may not be a variable and a
// local value in a module: a for expression or dynamic block of the module
// names its iterator var or local, or the module has files in JSON syntax
// (not walked); and it returns the attribute names read anywhere in the
// module (see addNodeNames), with the names after var and local when those
// may be iterators. The files' names were noted when they were parsed;
// a file rebuilt with override blocks merged in is walked here.
func scanModule(files []*parsedFile) (shadowed bool, attrs map[string]bool) {
	attrs = map[string]bool{"id": true, "arn": true}
	afterVarLocal := map[string]bool{}
	for _, pf := range files {
		names := pf.names
		if names == nil {
			body, ok := pf.file.Body.(*hclsyntax.Body)
			if !ok {
				shadowed = true
				continue
			}
			var scan nameScan
			w := syntaxWalker{visit: scan.visit}
			w.walk(body)
			names = scan.result()
		}
		shadowed = shadowed || names.shadowed
		for _, a := range names.attrs {
			attrs[a] = true
		}
		for _, a := range names.afterVarLocal {
			afterVarLocal[a] = true
		}
	}
	if shadowed {
		maps.Copy(attrs, afterVarLocal)
	}
	return shadowed, attrs
}

// fileNames is what scanModule needs of one file.
type fileNames struct {
	shadowed             bool     // an iterator is named var or local
	attrs, afterVarLocal []string // see addTraversalNames; sorted
}

// nameScan collects the fileNames of a file, node by node.
type nameScan struct {
	shadowed             bool
	attrs, afterVarLocal map[string]bool
}

func (s *nameScan) visit(n hclsyntax.Node) {
	reserved := func(name string) bool { return name == "var" || name == "local" }
	switch e := n.(type) {
	case *hclsyntax.ForExpr:
		s.shadowed = s.shadowed || reserved(e.KeyVar) || reserved(e.ValVar)
	case *hclsyntax.Block:
		if e.Type == "dynamic" {
			for _, l := range e.Labels {
				s.shadowed = s.shadowed || reserved(l)
			}
			if a := e.Body.Attributes["iterator"]; a != nil {
				s.shadowed = s.shadowed || reserved(hcl.ExprAsKeyword(a.Expr))
			}
		}
	default:
		if s.attrs == nil {
			s.attrs, s.afterVarLocal = map[string]bool{}, map[string]bool{}
		}
		addNodeNames(n, s.attrs, s.afterVarLocal)
	}
}

func (s *nameScan) result() *fileNames {
	return &fileNames{shadowed: s.shadowed,
		attrs: slices.Sorted(maps.Keys(s.attrs)), afterVarLocal: slices.Sorted(maps.Keys(s.afterVarLocal))}
}
