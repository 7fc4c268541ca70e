package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/zclconf/go-cty/cty"
)

// collect appends the resources of m and of its child module instances.
func (l *loader) collect(m *modInst, out *[]tfmap.Resource) {
	// Every variable is evaluated, used or not, so invalid values are
	// reported as Terraform reports them. A local value or an output is
	// evaluated when something reads it; those nothing reads are checked
	// once the whole load is evaluated (checkUnread).
	for _, name := range m.cfg.varOrder {
		m.variable(name, m.cfg.variables[name].rng)
	}
	for _, rc := range m.cfg.resources {
		if l.failed() {
			return
		}
		rs := m.resourceState(rc.key(), rc.nameRng)
		if rs == nil || !rs.ok {
			continue
		}
		lc, lcRange := m.lifecycle(rc)
		region := m.region(rc)
		defaultTags := m.defaultTags(rc)
		callSite := m.rootCallSite()
		for _, inst := range rs.insts {
			attrs, unknown, sens := toGo(inst.obj)
			r := tfmap.Resource{
				Address: inst.addr, Type: rc.typ, Name: rc.name, Module: m.addr, Mode: rc.mode,
				Attrs: attrs, Unknown: unknown, Refs: inst.refs, Sensitive: sens,
				Ranges: make(map[string]model.Range, len(inst.ranges)+2),
				Range:  toRange(rc.rng), NameRange: toRange(rc.nameRng), File: rc.file,
				Lifecycle: lc, Region: region.region, RegionUnknown: region.unknown, DefaultTags: defaultTags, CallSite: callSite,
			}
			for p, rng := range inst.ranges {
				r.Ranges[p] = toRange(rng)
			}
			if len(inst.inputs) > 0 {
				r.Inputs = make(map[string]model.Range, len(inst.inputs))
				for p, rng := range inst.inputs {
					r.Inputs[p] = toRange(rng)
				}
			}
			r.Ranges[""] = r.Range
			if lcRange != nil {
				r.Ranges["lifecycle.ignore_changes"] = toRange(*lcRange)
			}
			*out = append(*out, r)
		}
	}
	for _, call := range m.cfg.modules {
		if l.failed() {
			return
		}
		for _, child := range m.expandCall(call).insts {
			l.collect(child, out)
		}
	}
}

var lifecycleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "ignore_changes"}, {Name: "prevent_destroy"}, {Name: "create_before_destroy"}, {Name: "replace_triggered_by"},
}, Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}}}

// lifecycle decodes a resource's lifecycle block. ignore_changes holds
// attribute paths (tags, tags["Name"]) or the keyword all.
func (m *modInst) lifecycle(rc *resourceConfig) (*model.Lifecycle, *hcl.Range) {
	if rc.lifecycle == nil {
		return nil, nil
	}
	c, _, diags := rc.lifecycle.Body.PartialContent(lifecycleSchema)
	for _, e := range diagErrors(diags) {
		m.l.addErr(e)
	}
	lc := &model.Lifecycle{}
	for name, dst := range map[string]*bool{"prevent_destroy": &lc.PreventDestroy, "create_before_destroy": &lc.CreateBeforeDestroy} {
		a := c.Attributes[name]
		if a == nil {
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() || v.Type() != cty.Bool || v.IsNull() {
			m.l.addErr(errAt(a.Expr.Range(), "lifecycle %s must be true or false, written literally", name))
			continue
		}
		*dst = v.True()
	}
	a := c.Attributes["ignore_changes"]
	if a == nil {
		return lc, nil
	}
	rng := a.Expr.Range()
	if keyword(a.Expr) == "all" {
		lc.IgnoreAllChanges = true
		return lc, &rng
	}
	exprs, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() {
		m.l.addErr(errAt(rng, "lifecycle ignore_changes must be a list of attribute names, or all"))
		return lc, &rng
	}
	for _, e := range exprs {
		t, diags := hcl.AbsTraversalForExpr(e)
		if diags.HasErrors() {
			m.l.addErr(errAt(e.Range(), "lifecycle ignore_changes: %s", diagMessage(diags[0])))
			continue
		}
		lc.IgnoreChanges = append(lc.IgnoreChanges, traversalPath(t))
	}
	return lc, &rng
}

// traversalPath renders tags["Name"] as tags.Name and rule[0].x as rule[0].x.
func traversalPath(t hcl.Traversal) string {
	p := ""
	for _, s := range t {
		switch st := s.(type) {
		case hcl.TraverseRoot:
			p = st.Name
		case hcl.TraverseAttr:
			p = model.AppendKey(p, st.Name)
		case hcl.TraverseIndex:
			switch {
			case st.Key.Type() == cty.String:
				p = model.AppendKey(p, st.Key.AsString())
			case st.Key.Type() == cty.Number:
				if n, err := intArg(st.Key); err == nil {
					p = model.AppendIndex(p, int(n))
				}
			}
		}
	}
	return p
}

// providerRegion is the region of a provider configuration: known, or
// unknown with the reason, or neither when it sets none.
type providerRegion struct {
	region  string
	unknown string
}

// region returns the region of the provider configuration a resource
// uses: the provider argument names it (aws.west), else the default
// configuration of the provider its type belongs to. Without a region
// argument (or with region = null) the provider reads AWS_REGION /
// AWS_DEFAULT_REGION; with neither, the region is not known here, which is
// not the same as unknown. A region argument that cannot be evaluated
// statically (a variable without a value) is unknown, with the reason.
func (m *modInst) region(rc *resourceConfig) providerRegion {
	key := rc.provider
	if key == "" {
		key, _, _ = strings.Cut(rc.typ, "_")
	}
	if cached, ok := m.regions[key]; ok {
		return *cached
	}
	var pr providerRegion
	set := false
	if ref, ok := m.providers[key]; ok && ref.cfg.region != nil {
		marked := ref.inst.evalExpr(ref.cfg.region, scope{})
		v, _ := marked.UnmarkDeep()
		switch {
		case !v.IsKnown():
			set = true
			name := "provider " + ref.cfg.key
			if ref.inst.addr != "" {
				name += " of " + ref.inst.addr
			}
			pr.unknown = "the region of " + name + " is not known statically (" + firstReason(marked) + ")"
		case v.IsNull():
		case v.Type() == cty.String:
			set = true
			pr.region = v.AsString()
		}
	}
	if p, _, _ := strings.Cut(key, "."); !set && (p == "aws" || p == "awscc") {
		for _, name := range []string{"AWS_DEFAULT_REGION=", "AWS_REGION="} {
			for _, kv := range m.l.opts.Env {
				if v, ok := strings.CutPrefix(kv, name); ok && v != "" {
					pr.region = v
				}
			}
		}
	}
	m.regions[key] = &pr
	return pr
}

// rootCallSite is the range of the module block in the root module that
// (through any nested calls) makes this module instance; zero at the root.
func (m *modInst) rootCallSite() model.Range {
	var site model.Range
	for cur := m; cur.parent != nil; cur = cur.parent {
		site = toRange(cur.call.rng)
	}
	return site
}

// defaultTags evaluates the default_tags of the aws provider configuration
// a resource uses, in the module that declares that configuration.
func (m *modInst) defaultTags(rc *resourceConfig) *tfmap.DefaultTags {
	if rc.mode != "managed" || !strings.HasPrefix(rc.typ, "aws_") {
		return nil
	}
	key := rc.provider
	if key == "" {
		key = "aws"
	}
	if cached, ok := m.defTags[key]; ok {
		return cached
	}
	var dt *tfmap.DefaultTags
	if ref, ok := m.providers[key]; ok && ref.cfg.defaultTags != nil {
		dt = ref.inst.evalDefaultTags(ref.cfg.defaultTags)
	}
	m.defTags[key] = dt
	return dt
}

func (m *modInst) evalDefaultTags(expr hcl.Expression) *tfmap.DefaultTags {
	dt := &tfmap.DefaultTags{Tags: map[string]any{}, Unknown: map[string]string{},
		Ranges: map[string]model.Range{"": toRange(expr.Range())}}
	v := m.evalExpr(expr, scope{})
	attrs, unknown, sensitive := toGo(cty.ObjectVal(map[string]cty.Value{"tags": v}))
	for _, p := range sensitive {
		// the model has no place for a sensitive value outside the
		// resource; it stays unknown so it is never printed
		if k, ok := strings.CutPrefix(p, "tags."); ok {
			unknown["tags."+k] = "default tag " + k + " is sensitive"
		} else {
			unknown["tags"] = "default_tags is sensitive"
		}
	}
	if reason, ok := unknown["tags"]; ok {
		dt.Unknown[""] = reason
		return dt
	}
	tags, _ := attrs["tags"].(map[string]any)
	for k, val := range tags {
		if val == nil && unknown["tags."+k] == "" {
			continue // a null default tag is no tag
		}
		dt.Tags[k] = val
		if reason, ok := unknown["tags."+k]; ok {
			dt.Unknown[k] = reason
		}
	}
	if oc, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range oc.Items {
			if k := keyword(unwrapKey(item.KeyExpr)); k != "" {
				dt.Ranges[k] = toRange(hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()))
			}
		}
	}
	return dt
}
