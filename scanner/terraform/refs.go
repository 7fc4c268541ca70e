package terraform

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/zclconf/go-cty/cty"
)

// maxRefDepth bounds how many locals, module inputs and outputs a
// reference is followed through.
const maxRefDepth = 64

// resolveRef reports whether expr is, exactly, a reference to another
// resource (or one of its attributes): aws_s3_bucket.x.id, "${...}" of one,
// aws_kms_key.k[each.key].arn, or such a reference passed through a local,
// a module input or output, or the chosen branch of a conditional whose
// condition is known. Anything that transforms the value (a function call,
// a template with more text) is not a reference.
func (m *modInst) resolveRef(expr hcl.Expression, sc scope, depth int) (tfmap.Ref, bool) {
	if depth > maxRefDepth {
		return tfmap.Ref{}, false
	}
	switch e := expr.(type) {
	case *hclsyntax.TemplateWrapExpr:
		return m.resolveRef(e.Wrapped, sc, depth+1)
	case *hclsyntax.ParenthesesExpr:
		return m.resolveRef(e.Expression, sc, depth+1)
	case *hclsyntax.ConditionalExpr:
		c, _ := m.evalExpr(e.Condition, sc).UnmarkDeep()
		if !c.IsKnown() || c.IsNull() || c.Type() != cty.Bool {
			return tfmap.Ref{}, false
		}
		if c.True() {
			return m.resolveRef(e.TrueResult, sc, depth+1)
		}
		return m.resolveRef(e.FalseResult, sc, depth+1)
	case *hclsyntax.ScopeTraversalExpr:
		return m.refTraversal(e.Traversal, sc, depth)
	case *hclsyntax.IndexExpr:
		if t, ok := m.indexTraversal(e, sc); ok {
			return m.refTraversal(t, sc, depth)
		}
	case *hclsyntax.RelativeTraversalExpr:
		if ix, ok := e.Source.(*hclsyntax.IndexExpr); ok {
			if t, ok := m.indexTraversal(ix, sc); ok {
				return m.refTraversal(append(t, e.Traversal...), sc, depth)
			}
		}
	case *hclsyntax.SplatExpr:
		return m.splatRef(e, sc)
	case *hclsyntax.FunctionCallExpr:
		// The idioms modules use to take the one instance of a resource
		// with count = 0 or 1: join("", x[*].id), one(x[*].id),
		// element(x.*.id, 0), try(x[0].id, ""), coalesce(x[0].id, ...).
		// A splat resolves only when there is at most one instance.
		switch {
		case (e.Name == "one" || e.Name == "try" || e.Name == "coalesce") && len(e.Args) >= 1:
			return m.resolveRef(e.Args[0], sc, depth+1)
		case e.Name == "element" && len(e.Args) == 2:
			if i, _ := m.evalExpr(e.Args[1], sc).UnmarkDeep(); i.IsKnown() && i.RawEquals(cty.NumberIntVal(0)) {
				return m.resolveRef(e.Args[0], sc, depth+1)
			}
		case e.Name == "join" && len(e.Args) == 2:
			if _, splat := e.Args[1].(*hclsyntax.SplatExpr); splat {
				return m.resolveRef(e.Args[1], sc, depth+1)
			}
		}
	default:
		if inner, ok := m.jsonTemplate(expr); ok {
			return m.resolveRef(inner, sc, depth+1)
		}
	}
	return tfmap.Ref{}, false
}

// splatRef resolves x[*].attr (or x.*.attr) over a resource with at most
// one instance to a reference to that instance: the single instance, or
// the [*] instance that stands for them when count is not known.
func (m *modInst) splatRef(e *hclsyntax.SplatExpr, sc scope) (tfmap.Ref, bool) {
	src, ok := e.Source.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(src.Traversal) != 2 {
		return tfmap.Ref{}, false
	}
	each, ok := e.Each.(*hclsyntax.RelativeTraversalExpr)
	if !ok || len(each.Traversal) != 1 {
		return tfmap.Ref{}, false
	}
	attr, ok := attrStep(each.Traversal, 0)
	if !ok {
		return tfmap.Ref{}, false
	}
	root := src.Traversal.RootName()
	name, ok := attrStep(src.Traversal, 1)
	if _, isIter := sc.iters[root]; isIter || !ok || m.cfg.resByKey[root+"."+name] == nil {
		return tfmap.Ref{}, false
	}
	rs := m.resources[root+"."+name]
	if rs == nil || !rs.ok {
		return tfmap.Ref{}, false
	}
	if rs.exp.kind != expandUnknown && len(rs.insts) != 1 {
		return tfmap.Ref{}, false
	}
	return tfmap.Ref{Address: rs.insts[0].addr, Type: root, Attribute: attr}, true
}

// jsonTemplate re-parses a .tf.json string value as the native template it
// holds, at its position in the file, so references in JSON are found the
// same way as in native syntax.
func (m *modInst) jsonTemplate(expr hcl.Expression) (hclsyntax.Expression, bool) {
	if _, native := expr.(hclsyntax.Expression); native {
		return nil, false
	}
	r := expr.Range()
	src := m.l.files[r.Filename]
	if src == nil || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte || src[r.Start.Byte] != '"' {
		return nil, false
	}
	var s string
	if err := json.Unmarshal(src[r.Start.Byte:r.End.Byte], &s); err != nil || !strings.HasPrefix(s, "${") {
		return nil, false
	}
	e, diags := hclsyntax.ParseTemplate([]byte(s), r.Filename, r.Start)
	if diags.HasErrors() {
		return nil, false
	}
	return e, true
}

// indexTraversal turns x.y[key] with a key known in scope into a traversal.
func (m *modInst) indexTraversal(e *hclsyntax.IndexExpr, sc scope) (hcl.Traversal, bool) {
	src, ok := e.Collection.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return nil, false
	}
	k, _ := m.evalExpr(e.Key, sc).UnmarkDeep()
	if !k.IsKnown() || k.IsNull() || !(k.Type() == cty.String || k.Type() == cty.Number) {
		return nil, false
	}
	t := make(hcl.Traversal, 0, len(src.Traversal)+1)
	t = append(t, src.Traversal...)
	return append(t, hcl.TraverseIndex{Key: k}), true
}

func (m *modInst) refTraversal(t hcl.Traversal, sc scope, depth int) (tfmap.Ref, bool) {
	root := t.RootName()
	if _, isIter := sc.iters[root]; isIter {
		return tfmap.Ref{}, false
	}
	switch root {
	case "local":
		name, ok := attrStep(t, 1)
		attr := m.cfg.locals[name]
		if !ok || attr == nil {
			return tfmap.Ref{}, false
		}
		ref, ok := m.resolveRef(attr.Expr, scope{}, depth+1)
		return withRest(ref, ok, t[2:])
	case "var":
		name, ok := attrStep(t, 1)
		if !ok || m.parent == nil {
			return tfmap.Ref{}, false
		}
		in := m.call.inputs[name]
		if in == nil {
			return tfmap.Ref{}, false
		}
		ref, ok := m.parent.resolveRef(in.Expr, scope{data: m.data}, depth+1)
		return withRest(ref, ok, t[2:])
	case "module":
		return m.refModule(t, depth)
	case "data":
		typ, ok1 := attrStep(t, 1)
		name, ok2 := attrStep(t, 2)
		if !ok1 || !ok2 || m.cfg.resByKey["data."+typ+"."+name] == nil {
			return tfmap.Ref{}, false
		}
		return m.resourceRef("data."+typ+"."+name, typ, t[3:])
	case "each":
		if v, ok := attrStep(t, 1); ok && v == "value" && sc.data.eachRef != nil {
			return withRest(*sc.data.eachRef, true, t[2:])
		}
		return tfmap.Ref{}, false
	case "count", "self", "path", "terraform":
		return tfmap.Ref{}, false
	}
	name, ok := attrStep(t, 1)
	if !ok || m.cfg.resByKey[root+"."+name] == nil {
		return tfmap.Ref{}, false
	}
	return m.resourceRef(root+"."+name, root, t[2:])
}

// resourceRef builds the reference to resource key with the rest of the
// traversal: an optional instance key, then the attribute.
func (m *modInst) resourceRef(key, typ string, rest hcl.Traversal) (tfmap.Ref, bool) {
	addr := m.prefix() + key
	if len(rest) > 0 {
		if ix, ok := rest[0].(hcl.TraverseIndex); ok {
			k := ix.Key
			rs := m.resources[key]
			switch {
			case rs != nil && rs.ok && rs.exp.kind == expandUnknown && len(rs.insts) == 1:
				// count or for_each not known: the [*] instance stands for
				// every instance, this one included
				addr = rs.insts[0].addr
			case k.Type() == cty.String:
				addr += "[" + strconv.Quote(k.AsString()) + "]"
			case k.Type() == cty.Number:
				n, err := intArg(k)
				if err != nil {
					return tfmap.Ref{}, false
				}
				addr += "[" + strconv.FormatInt(n, 10) + "]"
			default:
				return tfmap.Ref{}, false
			}
			rest = rest[1:]
		}
	}
	ref := tfmap.Ref{Address: addr, Type: typ}
	if a, ok := attrStep(rest, 0); ok {
		ref.Attribute = a
	}
	return ref, true
}

// refModule follows module.x.out (or module.x[key].out) into the output's
// expression in that child instance.
func (m *modInst) refModule(t hcl.Traversal, depth int) (tfmap.Ref, bool) {
	name, ok := attrStep(t, 1)
	call := m.cfg.modByName[name]
	if !ok || call == nil {
		return tfmap.Ref{}, false
	}
	cs := m.expandCall(call)
	if cs.unresolved != "" || cs.exp.kind == expandUnknown {
		return tfmap.Ref{}, false
	}
	rest := t[2:]
	idx := 0
	if len(rest) > 0 {
		if ix, ok := rest[0].(hcl.TraverseIndex); ok {
			found := false
			for i, k := range cs.exp.keys {
				if eq := k.Equals(ix.Key); eq.IsKnown() && eq.True() {
					idx, found = i, true
				}
			}
			if !found {
				return tfmap.Ref{}, false
			}
			rest = rest[1:]
		}
	}
	if idx >= len(cs.insts) {
		return tfmap.Ref{}, false
	}
	out, ok := attrStep(rest, 0)
	child := cs.insts[idx]
	attr := child.cfg.outputs[out]
	if !ok || attr == nil {
		return tfmap.Ref{}, false
	}
	ref, ok := child.resolveRef(attr.Expr, scope{}, depth+1)
	return withRest(ref, ok, rest[1:])
}

// withRest applies the remaining traversal to a reference to a whole
// resource: local.bucket.arn where local.bucket = aws_s3_bucket.x.
func withRest(ref tfmap.Ref, ok bool, rest hcl.Traversal) (tfmap.Ref, bool) {
	if !ok || len(rest) == 0 {
		return ref, ok
	}
	if ref.Attribute != "" {
		return tfmap.Ref{}, false
	}
	a, isAttr := attrStep(rest, 0)
	if !isAttr {
		return tfmap.Ref{}, false
	}
	ref.Attribute = a
	return ref, true
}

// inputOrigin finds where the value of an expression is set, when that is
// outside the expression: for a var.x in a module, the input of the module
// block it comes from, followed up through modules that pass it on to the
// root's module block; for a var.x of the root, its line in a variables
// file (terraform.tfvars); in both, into the literal along the rest of the
// reference (var.rules.ssh.cidr -> the cidr entry of the ssh object).
// each.value counts as read from the for_each, at the instance's key. A
// developer fixes the value where it is set, not where a module reads it.
func (m *modInst) inputOrigin(expr hcl.Expression, forEach hcl.Expression, sc scope, iters map[string]iterSource, depth int) (hcl.Range, bool) {
	if depth > maxRefDepth {
		return hcl.Range{}, false
	}
	// inputOriginOf only reads the traversals: the expression's own serve
	// as they are when no var.x[key] adds to them (most expressions), and
	// are copied only behind those that do
	travs := m.info(expr).travs
	if ix := m.indexedVarTraversals(expr, sc); len(ix) > 0 {
		travs = append(ix, travs...)
	}
	return m.inputOriginOf(travs, forEach, sc, iters, depth)
}

// indexedVarTraversals finds var.x[key] (and var.x[key].rest) in expr
// where key is known in scope, such as var.rules[count.index], as whole
// traversals, so where the value is set is found down to that element.
func (m *modInst) indexedVarTraversals(expr hcl.Expression, sc scope) []hcl.Traversal {
	var out []hcl.Traversal
	for _, iv := range m.info(expr).indexed {
		if t, ok := m.indexTraversal(iv.ix, sc); ok {
			out = append(out, append(t, iv.rest...))
		}
	}
	// the longest first: var.x[0].cidr before var.x[0]
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func (m *modInst) inputOriginOf(travs []hcl.Traversal, forEach hcl.Expression, sc scope, iters map[string]iterSource, depth int) (hcl.Range, bool) {
	if depth > maxRefDepth {
		return hcl.Range{}, false
	}
	for _, t := range travs {
		if src, ok := iters[t.RootName()]; ok {
			// a dynamic block iterator: its value is the for_each element
			if r, ok := m.elementOrigin(src.forEach, src.key, t, sc, depth); ok {
				return r, true
			}
			continue
		}
		switch t.RootName() {
		case "var":
			if m.parent == nil {
				// The root's values come from its variables files
				// (terraform.tfvars, *.auto.tfvars, --var-file).
				name, ok := stepName(t, 1)
				if raw, set := m.l.rootVars[name]; ok && set && raw.expr != nil {
					return descend(raw.expr, t[2:]), true
				}
				continue
			}
			name, ok := stepName(t, 1)
			in := m.call.inputs[name]
			if !ok || in == nil {
				continue
			}
			rest := t[2:]
			// in the caller, each.value is the module call's for_each
			if up, ok := m.parent.inputOriginOf(m.parent.prefixed(in.Expr, rest), m.call.forEach, scope{data: m.data}, nil, depth+1); ok {
				return up, true
			}
			return descend(in.Expr, rest), true
		case "each":
			if forEach == nil || !sc.data.hasEach {
				continue
			}
			if r, ok := m.elementOrigin(forEach, sc.data.eachKey, t, sc, depth); ok {
				return r, true
			}
		}
	}
	return hcl.Range{}, false
}

// elementOrigin is where the element at key of a for_each collection is
// set, read through t (each.value.cidr, ingress.value): the for_each's
// var.x followed to its origin, then into it at key and along t's rest.
// A list for_each (dynamic blocks) is indexed by the element's position.
func (m *modInst) elementOrigin(forEach hcl.Expression, key cty.Value, t hcl.Traversal, sc scope, depth int) (hcl.Range, bool) {
	if v, ok := attrStep(t, 1); !ok || v != "value" {
		return hcl.Range{}, false
	}
	k, _ := key.Unmark()
	if !k.IsKnown() || k.IsNull() || !(k.Type() == cty.String || k.Type() == cty.Number) {
		return hcl.Range{}, false
	}
	steps := append(hcl.Traversal{hcl.TraverseIndex{Key: k}}, t[2:]...)
	for _, ft := range m.info(forEach).travs {
		if ft.RootName() != "var" || len(ft) != 2 {
			continue
		}
		full := make(hcl.Traversal, 0, len(ft)+len(steps)) // one allocation, not two
		full = append(append(full, ft...), steps...)
		if r, ok := m.inputOriginOf([]hcl.Traversal{full}, nil, sc, nil, depth+1); ok {
			return r, true
		}
	}
	return hcl.Range{}, false
}

// prefixed returns the traversals of expr (an expression of m), each followed by rest when expr
// is exactly a traversal (so var.a.b in a module whose input a = var.x in
// its parent continues as var.x.b there).
func (m *modInst) prefixed(expr hcl.Expression, rest hcl.Traversal) []hcl.Traversal {
	if st, ok := expr.(*hclsyntax.ScopeTraversalExpr); ok {
		return []hcl.Traversal{append(append(hcl.Traversal{}, st.Traversal...), rest...)}
	}
	return m.info(expr).travs
}

// descend follows steps (attributes, keys, indexes) into a literal object
// or tuple expression and returns the range of what it reaches: the entry
// (key = value) of an object, the element of a tuple, or the last
// expression it could enter.
func descend(e hcl.Expression, steps hcl.Traversal) hcl.Range {
	rng := e.Range()
	for _, st := range steps {
		var key string
		idx := -1
		switch s := st.(type) {
		case hcl.TraverseAttr:
			key = s.Name
		case hcl.TraverseIndex:
			switch {
			case s.Key.Type() == cty.String && s.Key.IsKnown():
				key = s.Key.AsString()
			case s.Key.Type() == cty.Number && s.Key.IsKnown():
				if n, err := intArg(s.Key); err == nil {
					idx = int(n)
				}
			}
		default:
			return rng
		}
		switch x := e.(type) {
		case *hclsyntax.ObjectConsExpr:
			found := false
			for _, item := range x.Items {
				if key != "" && keyword(unwrapKey(item.KeyExpr)) == key {
					e, rng, found = item.ValueExpr, hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()), true
					break
				}
			}
			if !found {
				return rng
			}
		case *hclsyntax.TupleConsExpr:
			if idx < 0 || idx >= len(x.Exprs) {
				return rng
			}
			e = x.Exprs[idx]
			rng = e.Range()
		default:
			return rng
		}
	}
	return rng
}
