package terraform

import (
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// variable returns the value of an input variable of this instance.
func (m *modInst) variable(name string, rng hcl.Range) cty.Value {
	if v, ok := m.vars[name]; ok {
		return v
	}
	decl := m.variableDecl(name, rng)
	if decl == nil {
		return unknownBecause(cty.DynamicPseudoType, "var."+name+" is not declared")
	}
	key := m.prefix() + "var." + name
	if !m.l.enter(key, rng) {
		return cycleVal()
	}
	v, where := m.computeVariable(decl)
	m.l.leave(key)
	if decl.sensitive {
		v = v.Mark(sensitiveMark{})
	}
	m.vars[name] = v
	if len(decl.rules) > 0 && where.Filename != "" {
		m.validate(decl, where)
	}
	return v
}

// validate checks a variable's value against its validation rules, as
// Terraform does before planning: a known false condition is an error at
// the value (the tfvars line, the module input), with the rule's message.
// A condition that cannot be known statically passes unjudged.
func (m *modInst) validate(decl *variableConfig, where hcl.Range) {
	for _, rule := range decl.rules {
		cond, _ := m.evalExpr(rule.condition, scope{}).Unmark()
		if !cond.IsKnown() || cond.IsNull() || cond.Type() != cty.Bool || cond.True() {
			continue
		}
		msg := "the value does not pass the validation rule"
		if mv := m.evalExpr(rule.message, scope{}); mv.IsWhollyKnown() && !mv.IsNull() && mv.Type() == cty.String {
			if isSensitive(mv.Marks()) {
				msg = "the value does not pass the validation rule (its message is hidden: it uses a sensitive value)"
			} else if s, _ := mv.Unmark(); s.AsString() != "" {
				msg = s.AsString()
			}
		}
		m.l.addErr(errAt(where, "invalid value for variable %q: %s (validation rule at %s:%d)", decl.name, msg, rule.rng.Filename, rule.rng.Start.Line))
	}
}

// computeVariable returns the value of a variable and the range of what
// set it (tfvars entry, module input, default); an empty range when there
// is no value.
func (m *modInst) computeVariable(decl *variableConfig) (cty.Value, hcl.Range) {
	var val cty.Value
	var where hcl.Range
	given, remember := false, false
	if m.parent == nil {
		if raw, ok := m.l.rootVars[decl.name]; ok {
			val, where, given = raw.val, raw.rng, true
			if raw.rng.Filename == "" {
				where = decl.rng
			}
		}
	} else if in := m.call.inputs[decl.name]; in != nil {
		val, where, given = m.parent.evalExpr(in.Expr, scope{data: m.data}), in.Expr.Range(), true
	}
	if uv, _ := val.Unmark(); given && uv.IsKnown() && uv.IsNull() && !decl.nullable {
		// a null for a non-nullable variable takes the default, whatever
		// marks it carries (an each.value from a marked collection)
		given = false
	}
	if !given {
		if decl.def == nil {
			if m.parent != nil {
				m.l.note("%s: %s sets no value for variable %q, which has no default; its uses are unknown", m.call.rng.String(), m.addr, decl.name)
			}
			return unknownBecause(decl.typ, m.noValue(decl)), hcl.Range{}
		}
		// The default is a constant: its value is the same in every
		// instance of the module, in every load, so it is found once
		// (decl.converted), unless evaluating it counts against the
		// budget (a for expression, a template), which each evaluation
		// must do, or a limit was exceeded (the internal functions of
		// for expressions then give unknown values).
		b := &m.l.budget
		if out := decl.converted.Load(); out != nil && b.err == nil {
			return *out, decl.def.Range()
		}
		counts := [3]int64{b.iterations, b.exprBytes, b.loadBytes}
		d, diags := decl.def.Value(m.l.constCtx())
		if diags.HasErrors() {
			m.l.addErr(errAt(decl.def.Range(), "variable %q: the default must be a constant value: %s", decl.name, diagMessage(diags[0])))
			return unknownBecause(decl.typ, m.noValue(decl)), hcl.Range{}
		}
		val, where = d, decl.def.Range()
		remember = b.err == nil && counts == [3]int64{b.iterations, b.exprBytes, b.loadBytes}
	}
	out, err := convertVar(decl, val)
	if err != nil {
		m.l.addErr(errAt(where, "invalid value for variable %q: %v", decl.name, err))
		return unknownBecause(decl.typ, "var."+decl.name+" has an invalid value"), hcl.Range{}
	}
	if remember {
		decl.converted.Store(&out)
	}
	return out, where
}

// noValue is the reason a variable without a value is unknown.
func (m *modInst) noValue(decl *variableConfig) string {
	if m.addr != "" {
		return "var." + decl.name + " of " + m.addr + " has no value"
	}
	return "var." + decl.name + " has no value"
}

// local returns the value of a local value of this instance.
func (m *modInst) local(name string, rng hcl.Range) cty.Value {
	if v, ok := m.locals[name]; ok {
		return v
	}
	attr := m.localDecl(name, rng)
	if attr == nil {
		return unknownBecause(cty.DynamicPseudoType, "local."+name+" is not declared")
	}
	return m.evalOnce(m.locals, "local."+name, name, attr)
}

// output returns the value of an output of this instance.
func (m *modInst) output(name string, rng hcl.Range) cty.Value {
	if v, ok := m.outputs[name]; ok {
		return v
	}
	attr := m.outputDecl(name, rng)
	if attr == nil {
		return unknownBecause(cty.DynamicPseudoType, m.addr+"."+name+" is not declared")
	}
	v := m.evalOnce(m.outputs, "output."+name, name, attr)
	if m.cfg.sensitiveOutputs[name] {
		// A sensitive output is sensitive wherever the caller uses it.
		v = v.Mark(sensitiveMark{})
		m.outputs[name] = v
	}
	return v
}

// evalOnce evaluates a local or output expression of this instance and
// memoizes it under name; key identifies it for cycle detection.
func (m *modInst) evalOnce(memo map[string]cty.Value, key, name string, attr *hcl.Attribute) cty.Value {
	key = m.prefix() + key
	if !m.l.enter(key, attr.NameRange) {
		return cycleVal()
	}
	v := m.evalExpr(attr.Expr, scope{})
	m.l.leave(key)
	memo[name] = v
	return v
}

// moduleValue is the value of module.name: an object of outputs, a tuple of
// them (count) or an object of them by key (for_each). want limits the
// outputs evaluated (nil: all), so a parent can use one output of a child
// whose other outputs depend on the parent.
func (m *modInst) moduleValue(name string, want map[string]bool, rng hcl.Range) cty.Value {
	call := m.callDecl(name, rng)
	if call == nil {
		return unknownBecause(cty.DynamicPseudoType, "module."+name+" is not declared")
	}
	cs := m.expandCall(call)
	if cs.unresolved != "" {
		return m.unresolvedModuleValue(cs, want)
	}
	if cs.exp.kind == expandUnknown {
		return unknownBecause(cty.DynamicPseudoType, cs.exp.reason)
	}
	// Outputs are evaluated in name order, so that what evaluating them
	// reports (notes, errors) comes in the same order on every run.
	objs := make([]cty.Value, len(cs.insts))
	for i, child := range cs.insts {
		outs := map[string]cty.Value{}
		for _, out := range child.cfg.outputNames {
			if want == nil || want[out] {
				outs[out] = child.output(out, rng)
			}
		}
		for _, out := range slices.Sorted(maps.Keys(want)) {
			if _, ok := outs[out]; !ok {
				outs[out] = child.output(out, rng) // reports the missing output
			}
		}
		objs[i] = cty.ObjectVal(outs)
	}
	return cs.exp.combine(objs)
}

func (m *modInst) unresolvedModuleValue(cs *callState, want map[string]bool) cty.Value {
	reason := cs.unresolved
	if want == nil || cs.exp.kind != expandSingle {
		return unknownBecause(cty.DynamicPseudoType, reason)
	}
	outs := map[string]cty.Value{}
	for out := range want {
		outs[out] = unknownBecause(cty.DynamicPseudoType, reason)
	}
	return cty.ObjectVal(outs)
}

// The declarations a reference names, or nil with the reference reported
// at rng as Terraform reports it: evaluation (variable, local, output,
// moduleValue, resourceState) and the check of the outputs nothing reads
// (checkRefs) report the same problems in the same words.

func (m *modInst) variableDecl(name string, rng hcl.Range) *variableConfig {
	decl := m.cfg.variables[name]
	if decl == nil {
		m.l.addErr(errAt(rng, "reference to undeclared input variable %q in %s", name, m.where()))
	}
	return decl
}

func (m *modInst) localDecl(name string, rng hcl.Range) *hcl.Attribute {
	attr := m.cfg.locals[name]
	if attr == nil {
		m.l.addErr(errAt(rng, "reference to undeclared local value %q in %s", name, m.where()))
	}
	return attr
}

func (m *modInst) outputDecl(name string, rng hcl.Range) *hcl.Attribute {
	attr := m.cfg.outputs[name]
	if attr == nil {
		m.l.addErr(errAt(rng, "%s has no output named %q", m.addr, name))
	}
	return attr
}

func (m *modInst) callDecl(name string, rng hcl.Range) *moduleCall {
	call := m.cfg.modByName[name]
	if call == nil {
		m.l.addErr(errAt(rng, "reference to undeclared module call %q in %s", name, m.where()))
	}
	return call
}

// resourceDecl takes the resource's key: "aws_s3_bucket.x",
// "data.aws_iam_policy_document.y".
func (m *modInst) resourceDecl(key string, rng hcl.Range) *resourceConfig {
	cfg := m.cfg.resByKey[key]
	if cfg == nil {
		m.l.addErr(errAt(rng, "reference to undeclared resource %s in %s", key, m.where()))
	}
	return cfg
}
