package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/zclconf/go-cty/cty"
)

// resState is a resource of a module instance, expanded and evaluated once.
type resState struct {
	cfg   *resourceConfig
	addr  string // without instance key
	exp   expansion
	insts []*resInst
	ok    bool
	whole *resObject // the whole object, once built (see resourceValue)
	// byAttrs holds the objects built for references that read given
	// attributes, by the attribute list: the expressions of a module
	// read the same resource's id or arn again and again.
	byAttrs map[string]*resObject
}

// resObject is a value of a resource that resourceValue built, kept
// with the object of its type that holds it alone (see byName).
type resObject struct {
	v      cty.Value
	byName cty.Value // {name = v}, once made
}

// named returns the object an expression sees under the resource's type
// when it reads no other resource of that type ({this = v} under
// aws_s3_bucket): made once, like v, for every expression that reads
// the same attributes of the resource.
func (o *resObject) named(name string) cty.Value {
	if o.byName == cty.NilVal {
		o.byName = cty.ObjectVal(map[string]cty.Value{name: o.v})
	}
	return o.byName
}

// resInst is one evaluated resource instance.
type resInst struct {
	addr   string
	obj    cty.Value // the configured attributes and blocks
	ranges map[string]hcl.Range
	refs   map[string]tfmap.Ref
	// inputs maps paths whose values come from a module input to the
	// range of that input in the root module's module block.
	inputs map[string]hcl.Range
	// forEach is the resource's for_each, for values read from each.value.
	forEach hcl.Expression
	// computed holds the unknown values of attributes the configuration
	// does not set (computedAttr).
	computed map[string]cty.Value
}

// resourceState expands and evaluates the resource with the given key
// ("aws_s3_bucket.x", "data.aws_iam_policy_document.y"), or returns nil
// with an error recorded when no such resource is declared.
func (m *modInst) resourceState(key string, rng hcl.Range) *resState {
	if rs, ok := m.resources[key]; ok {
		return rs
	}
	cfg := m.resourceDecl(key, rng)
	if cfg == nil {
		return nil
	}
	addr := m.prefix() + key // the resource's address is its cycle key
	if !m.l.enter(addr, rng) {
		return nil
	}
	defer m.l.leave(addr)
	rs := &resState{cfg: cfg, addr: addr}
	rs.exp, rs.ok = m.expand(cfg.count, cfg.forEach, rs.addr)
	if rs.ok {
		for i := 0; i < rs.exp.size(); i++ {
			if m.l.stopped() {
				// Incomplete: nothing may read the instances made so far.
				rs.ok, rs.insts = false, nil
				break
			}
			inst := &resInst{addr: rs.addr + rs.exp.instanceKey(i), ranges: map[string]hcl.Range{}, refs: map[string]tfmap.Ref{},
				inputs: map[string]hcl.Range{}, forEach: cfg.forEach}
			b := &bodyEval{m: m, inst: inst, sc: scope{data: rs.exp.data(i)}}
			inst.obj = b.body(cfg.body, "", true, cfg.json)
			rs.insts = append(rs.insts, inst)
		}
	}
	m.resources[key] = rs
	return rs
}

// resourceValue is what expressions see for a resource: per instance an
// object of the attributes in attrs (those the referring expression
// reads of it), as configured or, when the configuration does not set
// them, unknown, as only the provider knows them. nil attrs ask for
// the whole object, which also has every configured attribute, with
// every attribute the module reads; so do attrs read by indexing the
// resource (indexed, see resourceRef) when it has neither count nor
// for_each: the key then names any attribute of its object.
func (m *modInst) resourceValue(key string, attrs []string, indexed bool, rng hcl.Range) *resObject {
	rs := m.resourceState(key, rng)
	if rs == nil {
		if m.l.active[m.prefix()+key] {
			return &resObject{v: cycleVal()}
		}
		return &resObject{v: unknownBecause(cty.DynamicPseudoType, key+" is not declared")}
	}
	if !rs.ok {
		return &resObject{v: unknownBecause(cty.DynamicPseudoType, rs.addr+" could not be expanded")}
	}
	if rs.exp.kind == expandUnknown {
		return &resObject{v: unknownBecause(cty.DynamicPseudoType, rs.exp.reason)}
	}
	// nil attrs ask for the whole object: every attribute the module
	// reads. Every expression that passes a resource on asks for it, so it
	// is built once.
	if attrs == nil || indexed && rs.exp.kind == expandSingle {
		if rs.whole == nil {
			rs.whole = &resObject{v: m.instancesValue(rs, m.cfg.attrsRead, true)}
		}
		return rs.whole
	}
	k := strings.Join(attrs, "\x00")
	o, ok := rs.byAttrs[k]
	if !ok {
		o = &resObject{v: m.instancesValue(rs, attrs, false)}
		if rs.byAttrs == nil {
			rs.byAttrs = map[string]*resObject{}
		}
		rs.byAttrs[k] = o
	}
	return o
}

// instancesValue builds the value of an expanded resource whose instances
// offer attrs (see resourceValue) and, when configured is set, every
// attribute their configuration sets. A reference that reads given
// attributes (aws_iam_role.this[0].arn) sees those alone: its object
// needs no others, and copying the instance's every attribute for it was
// most of the work.
func (m *modInst) instancesValue(rs *resState, attrs []string, configured bool) cty.Value {
	objs := make([]cty.Value, len(rs.insts))
	for i, inst := range rs.insts {
		if inst.computed == nil && len(attrs) > 8 {
			// sized once: the whole object asks for every attribute the
			// module reads, mostly not configured (see computedAttr)
			inst.computed = make(map[string]cty.Value, len(attrs))
		}
		isObject := inst.obj.Type().IsObjectType()
		size := len(attrs)
		if isObject && configured {
			size += inst.obj.LengthInt()
		}
		vals := make(map[string]cty.Value, size)
		if isObject && configured {
			// by name, not ElementIterator, which makes a string value
			// of each name
			for name := range inst.obj.Type().AttributeTypes() {
				vals[name] = inst.obj.GetAttr(name)
			}
		}
		for _, a := range attrs {
			v, set := vals[a]
			if !set && !configured && isObject && inst.obj.Type().HasAttribute(a) {
				v, set = inst.obj.GetAttr(a), true
			}
			if !set || v.IsKnown() && !v.IsMarked() && v.IsNull() {
				v = inst.computedAttr(rs.cfg, a)
			}
			vals[a] = v
		}
		objs[i] = cty.ObjectVal(vals)
	}
	return rs.exp.combine(objs)
}

// computedAttr is the value of attribute a of the instance when the
// configuration does not set it: unknown, with the reason. It is made
// once per instance and attribute; every reference shares it.
func (inst *resInst) computedAttr(cfg *resourceConfig, a string) cty.Value {
	if v, ok := inst.computed[a]; ok {
		return v
	}
	v := cty.UnknownVal(cty.DynamicPseudoType)
	if cfg.mode == "managed" && (a == "id" || a == "arn") {
		// A managed resource always has an id and an ARN once
		// created: `var.key_arn == null ? ... : ...` with a key's
		// ARN passed in is decided, as Terraform decides it.
		v = cty.UnknownVal(cty.String).RefineNotNull()
	}
	v = v.Mark(reasonMark{computedReason(cfg, inst.addr, a)})
	if inst.computed == nil {
		inst.computed = map[string]cty.Value{}
	}
	inst.computed[a] = v
	return v
}

func computedReason(cfg *resourceConfig, addr, attr string) string {
	if cfg.mode == "data" {
		return addr + "." + attr + " is read by the provider; not known statically"
	}
	return addr + "." + attr + " is known only after apply"
}
