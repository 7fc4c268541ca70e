package terraform

import (
	"maps"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/zclconf/go-cty/cty"
)

// bodyEval evaluates the body of one resource instance into an object in
// provider shape (nested blocks as lists of objects), recording the source
// range of every attribute, block and literal element, and the references.
type bodyEval struct {
	m    *modInst
	inst *resInst
	sc   scope
	// iterFrom says, for each dynamic block iterator in scope, which
	// for_each and key its value comes from (for inputOrigin).
	iterFrom map[string]iterSource
}

// iterSource is where a dynamic block iterator's value comes from.
type iterSource struct {
	forEach hcl.Expression
	key     cty.Value
}

// metaArgs are resource arguments that are not provider configuration.
var metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// metaBlocks are resource blocks that are not provider configuration.
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

// mapAttrs are attributes whose JSON object values are maps, not nested
// blocks. In .tf.json there is no syntax difference between the two, and
// without provider schemas the evaluator decides by name.
var mapAttrs = map[string]bool{
	"tags": true, "tags_all": true, "labels": true, "variables": true, "parameters": true,
	"triggers": true, "metadata": true, "context": true, "environment_variables": true,
	"default_tags": true, "options": true, "attributes": true, "annotations": true,
}

func (b *bodyEval) body(body hcl.Body, path string, top, isJSON bool) cty.Value {
	if sb, ok := body.(*hclsyntax.Body); ok && !isJSON {
		return b.syntaxBody(sb, path, top)
	}
	return b.jsonBody(body, path)
}

func (b *bodyEval) syntaxBody(body *hclsyntax.Body, path string, top bool) cty.Value {
	vals := map[string]cty.Value{}
	names := make([]string, 0, len(body.Attributes))
	for name := range body.Attributes {
		if top && metaArgs[name] {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := body.Attributes[name]
		p := model.AppendKey(path, name)
		vals[name] = b.literal(a.Expr, 0)
		b.inst.ranges[p] = a.SrcRange
		b.literalRanges(a.Expr, p)
		if in, ok := b.m.inputOrigin(a.Expr, b.inst.forEach, b.sc, b.iterFrom, 0); ok {
			b.inst.inputs[p] = in
		}
	}
	// Blocks of one type, static and dynamic, form one list in source order.
	lists := map[string][]cty.Value{}
	unknownLists := map[string]cty.Value{}
	var order []string
	for _, blk := range body.Blocks {
		typ := blk.Type
		if top && metaBlocks[typ] {
			continue
		}
		if typ == "dynamic" && len(blk.Labels) == 1 {
			typ = blk.Labels[0]
		}
		if _, seen := lists[typ]; !seen {
			order = append(order, typ)
			lists[typ] = nil
		}
		if blk.Type == "dynamic" && len(blk.Labels) == 1 {
			elems, unknown := b.dynamic(blk, path, len(lists[typ]))
			if unknown != cty.NilVal {
				unknownLists[typ] = unknown
			}
			lists[typ] = append(lists[typ], elems...)
			continue
		}
		p := model.AppendIndex(model.AppendKey(path, typ), len(lists[typ]))
		b.inst.ranges[p] = blk.Range()
		lists[typ] = append(lists[typ], b.syntaxBody(blk.Body, p, false))
	}
	for _, typ := range order {
		if u, ok := unknownLists[typ]; ok {
			vals[typ] = u
			continue
		}
		if _, clash := vals[typ]; clash {
			continue
		}
		if len(lists[typ]) == 0 {
			vals[typ] = cty.EmptyTupleVal
		} else {
			vals[typ] = cty.TupleVal(lists[typ])
		}
	}
	return cty.ObjectVal(vals)
}

// dynamic expands a dynamic block: one block per element of for_each, with
// the iterator (named by iterator, else the block type) holding key and
// value. Ranges point at the content block's attributes. An unknown
// for_each makes the whole list unknown: how many blocks there are is not
// known, and guessing one would invent or hide settings.
func (b *bodyEval) dynamic(blk *hclsyntax.Block, path string, start int) ([]cty.Value, cty.Value) {
	typ := blk.Labels[0]
	body := blk.Body
	fe := body.Attributes["for_each"]
	var content *hclsyntax.Block
	for _, c := range body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if fe == nil || content == nil {
		b.m.l.addErr(errAt(blk.DefRange(), "dynamic %q block needs a for_each argument and a content block", typ))
		return nil, cty.NilVal
	}
	iter := typ
	if a := body.Attributes["iterator"]; a != nil {
		if k := hcl.ExprAsKeyword(a.Expr); k != "" {
			iter = k
		}
	}
	listPath := model.AppendKey(path, typ)
	var out []cty.Value
	unknown := b.forEachDynamic(typ, iter, fe.Expr, listPath, blk.Range(), func(child *bodyEval) {
		p := model.AppendIndex(listPath, start+len(out))
		b.inst.ranges[p] = content.Range()
		out = append(out, child.syntaxBody(content.Body, p, false))
	})
	if unknown != cty.NilVal {
		return nil, unknown
	}
	return out, cty.NilVal
}

// forEachDynamic evaluates the for_each of a dynamic block and calls
// content once per element, with a body evaluator whose scope holds the
// iterator (key and value). An unknown for_each gives an unknown value for
// the whole list (how many blocks there are is not known); an invalid one
// is reported and gives no blocks.
func (b *bodyEval) forEachDynamic(typ, iter string, fe hcl.Expression, listPath string, declRng hcl.Range, content func(child *bodyEval)) cty.Value {
	full := b.m.evalExpr(fe, b.sc)
	coll, marks := full.Unmark()
	if !coll.IsWhollyKnown() {
		if _, ok := b.inst.ranges[listPath]; !ok {
			b.inst.ranges[listPath] = declRng
		}
		return unknownBecause(cty.DynamicPseudoType, "for_each of dynamic \""+typ+"\" is unknown ("+firstReason(full)+")")
	}
	if coll.IsNull() || !coll.CanIterateElements() {
		b.m.l.addErr(errAt(fe.Range(), "dynamic %q: for_each must be a collection", typ))
		return cty.NilVal
	}
	if n := coll.LengthInt(); n > b.m.l.opts.maxInstances() {
		b.m.l.addErr(errAt(fe.Range(), "dynamic %q: for_each creates %d blocks, over the limit of %d", typ, n, b.m.l.opts.maxInstances()))
		return cty.NilVal
	}
	for it := coll.ElementIterator(); it.Next(); {
		k, v := it.Element()
		iters := make(map[string]cty.Value, len(b.sc.iters)+1)
		for name, val := range b.sc.iters {
			iters[name] = val
		}
		iters[iter] = cty.ObjectVal(map[string]cty.Value{"key": k.WithMarks(marks), "value": v.WithMarks(marks)})
		from := make(map[string]iterSource, len(b.iterFrom)+1)
		for name, src := range b.iterFrom {
			from[name] = src
		}
		from[iter] = iterSource{forEach: fe, key: k}
		content(&bodyEval{m: b.m, inst: b.inst, sc: scope{data: b.sc.data, iters: iters}, iterFrom: from})
	}
	return cty.NilVal
}

// literalRanges records ranges and references for the elements of literal
// object and tuple expressions, so a finding on tags.Name or ingress[2]
// points at that element rather than the whole attribute.
func (b *bodyEval) literalRanges(expr hcl.Expression, path string) {
	if ref, ok := b.m.resolveRef(expr, b.sc, 0); ok {
		b.inst.refs[path] = ref
	}
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		for _, item := range e.Items {
			k := keyword(unwrapKey(item.KeyExpr))
			if k == "" {
				continue
			}
			p := model.AppendKey(path, k)
			b.inst.ranges[p] = hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range())
			b.literalRanges(item.ValueExpr, p)
		}
	case *hclsyntax.TupleConsExpr:
		for i, el := range e.Exprs {
			p := model.AppendIndex(path, i)
			b.inst.ranges[p] = el.Range()
			b.literalRanges(el, p)
		}
	}
}

func unwrapKey(e hcl.Expression) hcl.Expression {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		return k.Wrapped
	}
	return e
}

// jsonBody evaluates a .tf.json body. Object values become one nested
// block and arrays of objects a list of blocks, except for map attributes
// (tags, ...); see mapAttrs.
func (b *bodyEval) jsonBody(body hcl.Body, path string) cty.Value {
	attrs, diags := body.JustAttributes()
	for _, e := range diagErrors(diags) {
		b.m.l.addErr(e)
	}
	vals := map[string]cty.Value{}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		if name == "dynamic" {
			continue
		}
		p := model.AppendKey(path, name)
		v := b.m.evalExpr(a.Expr, b.sc)
		b.jsonRanges(name, a.Expr, p, 0)
		b.inst.ranges[p] = a.Range
		vals[name] = jsonBlocks(name, v, 0)
	}
	if a := attrs["dynamic"]; a != nil {
		b.jsonDynamic(a, path, vals)
	}
	return cty.ObjectVal(vals)
}

// jsonDynamic expands the dynamic blocks of a .tf.json body
// ("dynamic": {"ingress": {"for_each": ..., "iterator": ..., "content": {...}}},
// or a list of such objects per type) after the static blocks of the same
// type, as the native syntax expansion does.
func (b *bodyEval) jsonDynamic(a *hcl.Attribute, path string, vals map[string]cty.Value) {
	types, diags := hcl.ExprMap(a.Expr)
	if diags.HasErrors() {
		b.m.l.addErr(errAt(a.Expr.Range(), "dynamic must be an object of block types"))
		return
	}
	for _, kv := range types {
		typ := keyword(kv.Key)
		if typ == "" {
			b.m.l.addErr(errAt(kv.Key.Range(), "dynamic block type must be a name"))
			continue
		}
		specs := []hcl.Expression{kv.Value}
		if list, d := hcl.ExprList(kv.Value); !d.HasErrors() {
			specs = list
		}
		for _, spec := range specs {
			b.jsonDynamicBlock(typ, spec, path, vals)
		}
	}
}

func (b *bodyEval) jsonDynamicBlock(typ string, spec hcl.Expression, path string, vals map[string]cty.Value) {
	fields := map[string]hcl.Expression{}
	pairs, diags := hcl.ExprMap(spec)
	if diags.HasErrors() {
		b.m.l.addErr(errAt(spec.Range(), "dynamic %q must be an object with for_each and content", typ))
		return
	}
	for _, kv := range pairs {
		fields[keyword(kv.Key)] = kv.Value
	}
	fe, content := fields["for_each"], fields["content"]
	if fe == nil || content == nil {
		b.m.l.addErr(errAt(spec.Range(), "dynamic %q block needs a for_each argument and a content block", typ))
		return
	}
	iter := typ
	if e := fields["iterator"]; e != nil {
		if v, d := e.Value(nil); !d.HasErrors() && v.Type() == cty.String && !v.IsNull() {
			iter = v.AsString()
		}
	}
	var existing []cty.Value
	if cur, ok := vals[typ]; ok {
		uv, _ := cur.Unmark()
		if !uv.IsKnown() {
			return // already unknown: nothing to add
		}
		if !uv.IsNull() && (uv.Type().IsTupleType() || uv.Type().IsListType()) {
			existing = uv.AsValueSlice()
		}
	}
	listPath := model.AppendKey(path, typ)
	out := existing
	unknown := b.forEachDynamic(typ, iter, fe, listPath, spec.Range(), func(child *bodyEval) {
		p := model.AppendIndex(listPath, len(out))
		b.inst.ranges[p] = content.Range()
		if pairs, d := hcl.ExprMap(content); !d.HasErrors() {
			for _, kv := range pairs {
				if k := keyword(kv.Key); k != "" {
					child.jsonRanges(k, kv.Value, model.AppendKey(p, k), 1)
				}
			}
		}
		obj := child.m.evalExpr(content, child.sc)
		if uo, om := obj.Unmark(); uo.IsKnown() && !uo.IsNull() && uo.Type().IsObjectType() {
			obj = jsonBlockBody(uo, 0).WithMarks(om)
		}
		out = append(out, obj)
	})
	if unknown != cty.NilVal {
		vals[typ] = unknown
		return
	}
	if len(out) > 0 {
		vals[typ] = cty.TupleVal(out)
	}
}

// jsonBlocks turns the object values of a .tf.json attribute into blocks
// (lists of one object), recursively, leaving map attributes (mapAttrs)
// and values that are not objects as they are.
func jsonBlocks(name string, v cty.Value, depth int) cty.Value {
	if mapAttrs[name] || depth > MaxNesting {
		return v
	}
	uv, marks := v.Unmark()
	if !uv.IsKnown() || uv.IsNull() {
		return v
	}
	ty := uv.Type()
	switch {
	case ty.IsObjectType():
		return cty.TupleVal([]cty.Value{jsonBlockBody(uv, depth)}).WithMarks(marks)
	case ty.IsTupleType() || ty.IsListType():
		var elems []cty.Value
		for it := uv.ElementIterator(); it.Next(); {
			_, e := it.Element()
			ue, em := e.Unmark()
			if !ue.IsKnown() || ue.IsNull() || !ue.Type().IsObjectType() {
				return v
			}
			elems = append(elems, jsonBlockBody(ue, depth).WithMarks(em))
		}
		if len(elems) == 0 {
			return v
		}
		return cty.TupleVal(elems).WithMarks(marks)
	}
	return v
}

func jsonBlockBody(obj cty.Value, depth int) cty.Value {
	vals := map[string]cty.Value{}
	for it := obj.ElementIterator(); it.Next(); {
		k, e := it.Element()
		vals[k.AsString()] = jsonBlocks(k.AsString(), e, depth+1)
	}
	return cty.ObjectVal(vals)
}

// jsonRanges records ranges and references inside a .tf.json attribute,
// following the same block convention as jsonBlocks.
func (b *bodyEval) jsonRanges(name string, expr hcl.Expression, path string, depth int) {
	if depth > MaxNesting {
		return
	}
	b.inst.ranges[path] = expr.Range()
	if ref, ok := b.m.resolveRef(expr, b.sc, 0); ok {
		b.inst.refs[path] = ref
		return
	}
	if pairs, diags := hcl.ExprMap(expr); !diags.HasErrors() {
		inner := path
		if !mapAttrs[name] {
			inner = model.AppendIndex(path, 0)
			b.inst.ranges[inner] = expr.Range()
		}
		for _, kv := range pairs {
			k := keyword(kv.Key)
			if k == "" {
				continue
			}
			b.jsonRanges(k, kv.Value, model.AppendKey(inner, k), depth+1)
		}
		return
	}
	if elems, diags := hcl.ExprList(expr); !diags.HasErrors() {
		for i, e := range elems {
			p := model.AppendIndex(path, i)
			if _, isObj := hcl.ExprMap(e); !isObj.HasErrors() && !mapAttrs[name] {
				b.inst.ranges[p] = e.Range()
				pairs, _ := hcl.ExprMap(e)
				for _, kv := range pairs {
					if k := keyword(kv.Key); k != "" {
						b.jsonRanges(k, kv.Value, model.AppendKey(p, k), depth+1)
					}
				}
				continue
			}
			b.jsonRanges(name, e, p, depth+1)
		}
	}
}

// literal evaluates a literal object or tuple element by element, so one
// element that cannot be evaluated (an unsupported function, a file
// outside the module) makes only that element unknown, not its siblings.
func (b *bodyEval) literal(expr hcl.Expression, depth int) cty.Value {
	if depth > MaxNesting {
		return b.m.evalExpr(expr, b.sc)
	}
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		vals := make(map[string]cty.Value, len(e.Items))
		for _, item := range e.Items {
			k := keyword(unwrapKey(item.KeyExpr))
			if k == "" {
				return b.m.evalExpr(expr, b.sc)
			}
			vals[k] = b.literal(item.ValueExpr, depth+1)
		}
		return cty.ObjectVal(vals)
	case *hclsyntax.TupleConsExpr:
		vals := make([]cty.Value, len(e.Exprs))
		for i, el := range e.Exprs {
			vals[i] = b.literal(el, depth+1)
		}
		return cty.TupleVal(vals)
	}
	return b.m.evalExpr(expr, b.sc)
}
