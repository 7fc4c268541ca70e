package cfn

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
)

// call applies intrinsic function fn, written at node n, to its argument.
func (l *loader) call(fn string, n, arg *yaml.Node, sc *scope) *value {
	switch fn {
	case "Ref":
		return l.ref(n, arg, sc)
	case "Fn::GetAtt":
		return l.getAtt(n, arg, sc)
	case "Fn::Sub":
		return l.sub(n, arg, sc)
	case "Fn::If":
		return l.fnIf(n, arg, sc)
	case "Fn::Join":
		return l.join(n, arg, sc)
	case "Fn::Select":
		return l.selectFn(n, arg, sc)
	case "Fn::Split":
		return l.split(n, arg, sc)
	case "Fn::FindInMap":
		return l.findInMap(n, arg, sc)
	case "Fn::Base64":
		v := l.eval(arg, sc)
		s, u := l.knownString(v, n, "the argument of Fn::Base64")
		if u != nil {
			return u
		}
		return scalarVal(n, base64.StdEncoding.EncodeToString([]byte(s)))
	case "Fn::Cidr":
		return l.cidr(n, arg, sc)
	case "Fn::GetAZs":
		if u := l.eval(arg, sc).firstUnknown(); u != nil && l.fatal {
			return u
		}
		return unknownVal(n, "Fn::GetAZs lists the account's Availability Zones at deploy time")
	case "Fn::ImportValue":
		v := l.eval(arg, sc)
		if v.kind == vScalar {
			s, _ := scalarString(v.s)
			return unknownVal(n, "Fn::ImportValue "+s+" is resolved at deploy time")
		}
		if v.kind == vUnknown {
			return unknownVal(n, "Fn::ImportValue is resolved at deploy time (export name unknown: "+v.reason+")")
		}
		return l.fail(n, "Fn::ImportValue takes the name of an export, not %s", valueKind(v))
	case "Fn::Transform":
		return l.transformVal(n, arg)
	case "Fn::GetStackOutput":
		return l.getStackOutput(n, arg, sc)
	case "Fn::Length":
		v := l.eval(arg, sc)
		switch v.kind {
		case vUnknown:
			return unknownVal(n, v.reason)
		case vList:
			count := 0
			for _, it := range v.items {
				if it.kind != vNoValue {
					count++
				}
			}
			return scalarVal(n, int64(count))
		}
		return l.fail(n, "Fn::Length takes a list, not %s", valueKind(v))
	case "Fn::ToJsonString":
		v := l.eval(arg, sc)
		if u := v.firstUnknown(); u != nil {
			return unknownVal(n, u.reason)
		}
		if v.kind != vMap && v.kind != vList {
			return l.fail(n, "Fn::ToJsonString takes a mapping or a list, not %s", valueKind(v))
		}
		var b strings.Builder
		if err := writeJSON(&b, v); err != nil {
			return l.fail(n, "Fn::ToJsonString: %v", err)
		}
		return scalarVal(n, b.String())
	case "Condition":
		// Only reachable inside conditions, where it yields a boolean.
		if arg.Kind != yaml.ScalarNode {
			return l.fail(n, "Condition takes the name of a condition")
		}
		return triValue(n, l.condition(arg.Value, n, sc))
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		if !sc.inCondition {
			return l.fail(n, "%s can be used only in the Conditions section (and in Fn::If through a named condition)", fn)
		}
		return triValue(n, l.evalCond(n, sc))
	}
	if strings.HasPrefix(fn, "!Rain::") {
		return l.rainVal(n, fn)
	}
	if strings.HasPrefix(fn, "!") {
		return l.fail(n, "unknown tag %s: not a CloudFormation intrinsic function", fn)
	}
	return l.fail(n, "unknown intrinsic function %s", fn)
}

func triValue(n *yaml.Node, t tri) *value {
	if !t.known {
		return unknownVal(n, t.reason)
	}
	return scalarVal(n, t.val)
}

// ref resolves Ref: a loop identifier, pseudo parameter, parameter or
// resource.
func (l *loader) ref(n, arg *yaml.Node, sc *scope) *value {
	name := arg.Value
	if arg.Kind != yaml.ScalarNode {
		s, u := l.knownString(l.eval(arg, sc), n, "the argument of Ref")
		if u != nil {
			return u
		}
		name = s
	}
	if name == "" {
		return l.fail(n, "Ref takes the name of a parameter or resource")
	}
	return l.refName(name, n, sc)
}

func (l *loader) refName(name string, n *yaml.Node, sc *scope) *value {
	if v, ok := l.named(name, n, sc); ok {
		return v
	}
	if _, ok := l.types[name]; ok {
		if sc.inCondition {
			return l.fail(n, "conditions cannot refer to resource %s; only parameters, pseudo parameters and mappings", name)
		}
		return l.refVal(n, name, "")
	}
	if !sc.inCondition {
		if v := l.generated(n, name, "Ref"); v != nil {
			return v
		}
	}
	return l.fail(n, "Ref to %s, which is not a parameter or resource of this template", name)
}

// named is the value of a name that Ref and ${} in Fn::Sub resolve alike,
// in this order: a Fn::ForEach identifier, a pseudo parameter, a
// parameter. ok is false for other names (resources, or nothing).
func (l *loader) named(name string, n *yaml.Node, sc *scope) (*value, bool) {
	if v, ok := sc.bindingsOrNil()[name]; ok {
		return scalarVal(n, v), true
	}
	if v, ok := l.pseudo(name, n); ok {
		return v, true
	}
	if p, ok := l.params[name]; ok {
		return l.paramValue(p, n, sc), true
	}
	return nil, false
}

// paramValue is the value of parameter p used at n. A NoEcho parameter is
// read in conditions only: in properties its value is unknown, so it never
// appears in the model, a report or a message.
func (l *loader) paramValue(p *param, n *yaml.Node, sc *scope) *value {
	if p.val == nil {
		reason := p.reason
		if reason == "" {
			reason = "parameter " + p.name + " is invalid"
		}
		return unknownVal(n, reason)
	}
	if p.noEcho && !sc.inCondition {
		return unknownVal(n, "parameter "+p.name+" is NoEcho; its value is not read into properties")
	}
	return repoint(p.val, n)
}

// getAtt resolves Fn::GetAtt to a reference placeholder.
func (l *loader) getAtt(n, arg *yaml.Node, sc *scope) *value {
	var id, attr string
	switch arg.Kind {
	case yaml.ScalarNode:
		i := strings.IndexByte(arg.Value, '.')
		if i <= 0 || i == len(arg.Value)-1 {
			return l.fail(n, "Fn::GetAtt takes LogicalId.Attribute or [LogicalId, Attribute], got %q", arg.Value)
		}
		id, attr = arg.Value[:i], arg.Value[i+1:]
	case yaml.SequenceNode:
		args, ok := l.args("Fn::GetAtt", n, arg, 2, 2)
		if !ok {
			return unknownVal(n, "invalid Fn::GetAtt")
		}
		var u *value
		if id, u = l.knownString(l.eval(args[0], sc), n, "the logical id of Fn::GetAtt"); u != nil {
			return u
		}
		if attr, u = l.knownString(l.eval(args[1], sc), n, "the attribute of Fn::GetAtt"); u != nil {
			return u
		}
	default:
		return l.fail(n, "Fn::GetAtt takes LogicalId.Attribute or [LogicalId, Attribute], not %s", kindName(arg))
	}
	if sc.inCondition {
		return l.fail(n, "conditions cannot refer to resource %s; only parameters, pseudo parameters and mappings", id)
	}
	if _, ok := l.types[id]; !ok {
		if v := l.generated(n, id, "Fn::GetAtt"); v != nil {
			return v
		}
		return l.fail(n, "Fn::GetAtt refers to %s, which is not a resource of this template", id)
	}
	return l.refVal(n, id, attr)
}

// fnIf picks the branch of Fn::If its condition selects. An undecided
// condition makes the value unknown.
func (l *loader) fnIf(n, arg *yaml.Node, sc *scope) *value {
	args, ok := l.args("Fn::If", n, arg, 3, 3)
	if !ok {
		return unknownVal(n, "invalid Fn::If")
	}
	if args[0].Kind != yaml.ScalarNode || args[0].Tag != "" && args[0].ShortTag() != yamltag.Str {
		return l.fail(args[0], "the first argument of Fn::If must be the name of a condition")
	}
	t := l.condition(args[0].Value, args[0], sc)
	if !t.known {
		return unknownVal(n, t.reason)
	}
	if t.val {
		return l.eval(args[1], sc)
	}
	return l.eval(args[2], sc)
}

// join evaluates Fn::Join [delimiter, list]. Reference placeholders are
// joined as text; an unknown item makes the result unknown.
func (l *loader) join(n, arg *yaml.Node, sc *scope) *value {
	args, ok := l.args("Fn::Join", n, arg, 2, 2)
	if !ok {
		return unknownVal(n, "invalid Fn::Join")
	}
	delim, u := l.knownString(l.eval(args[0], sc), n, "the delimiter of Fn::Join")
	if u != nil {
		return u
	}
	list := l.eval(args[1], sc)
	switch {
	case list.kind == vUnknown:
		return unknownVal(n, list.reason)
	case list.ref != nil:
		return unknownVal(n, "Fn::Join of "+list.s.(string)+", a list known only at deploy time")
	case list.kind != vList:
		return l.fail(n, "the second argument of Fn::Join must be a list, not %s", valueKind(list))
	}
	parts := make([]string, 0, len(list.items))
	for _, it := range list.items {
		if it.kind == vNoValue {
			continue
		}
		s, u := l.knownString(it, n, "an item of Fn::Join")
		if u != nil {
			return u
		}
		parts = append(parts, s)
	}
	return scalarVal(n, strings.Join(parts, delim))
}

// selectFn evaluates Fn::Select [index, list].
func (l *loader) selectFn(n, arg *yaml.Node, sc *scope) *value {
	args, ok := l.args("Fn::Select", n, arg, 2, 2)
	if !ok {
		return unknownVal(n, "invalid Fn::Select")
	}
	idx := l.eval(args[0], sc)
	s, u := l.knownString(idx, n, "the index of Fn::Select")
	if u != nil {
		return u
	}
	i, ok := parseNumber(strings.TrimSpace(s))
	k, isInt := i.(int64)
	if !ok || !isInt || k < 0 {
		return l.fail(args[0], "the index of Fn::Select must be a non-negative integer")
	}
	list := l.eval(args[1], sc)
	switch {
	case list.kind == vUnknown:
		return unknownVal(n, list.reason)
	case list.ref != nil:
		// a list attribute (!GetAtt ENI.SecondaryPrivateIpAddresses)
		return unknownVal(n, "Fn::Select from "+list.s.(string)+", a list known only at deploy time")
	case list.kind != vList:
		return l.fail(n, "the second argument of Fn::Select must be a list, not %s", valueKind(list))
	}
	items := make([]*value, 0, len(list.items))
	for _, it := range list.items {
		if it.kind != vNoValue {
			items = append(items, it)
		}
	}
	if k >= int64(len(items)) {
		return l.fail(n, "Fn::Select index %d is out of range for a list of %d items", k, len(items))
	}
	it := items[k]
	if it.node == list.node {
		// The list came from a parameter or function: point at Fn::Select.
		return repoint(it, n)
	}
	return it
}

// split evaluates Fn::Split [delimiter, string].
func (l *loader) split(n, arg *yaml.Node, sc *scope) *value {
	args, ok := l.args("Fn::Split", n, arg, 2, 2)
	if !ok {
		return unknownVal(n, "invalid Fn::Split")
	}
	delim, u := l.knownString(l.eval(args[0], sc), n, "the delimiter of Fn::Split")
	if u != nil {
		return u
	}
	if delim == "" {
		return l.fail(args[0], "the delimiter of Fn::Split must not be empty")
	}
	src := l.eval(args[1], sc)
	if src.ref != nil {
		return unknownVal(n, "Fn::Split of "+src.s.(string)+", which is known only at deploy time")
	}
	s, u := l.knownString(src, n, "the string of Fn::Split")
	if u != nil {
		return u
	}
	parts := strings.Split(s, delim)
	out := &value{kind: vList, node: n, items: make([]*value, 0, len(parts))}
	for _, p := range parts {
		if !l.spend(n) {
			return unknownVal(n, "template evaluation stopped")
		}
		out.items = append(out.items, scalarVal(n, p))
	}
	return out
}

// findInMap evaluates Fn::FindInMap [MapName, TopKey, SecondKey] with the
// optional fourth argument {DefaultValue: v} of AWS::LanguageExtensions.
func (l *loader) findInMap(n, arg *yaml.Node, sc *scope) *value {
	args, ok := l.args("Fn::FindInMap", n, arg, 3, 4)
	if !ok {
		return unknownVal(n, "invalid Fn::FindInMap")
	}
	var keys [3]string
	for i := range keys {
		v := l.eval(args[i], sc)
		if v.ref != nil {
			return unknownVal(n, "Fn::FindInMap key "+v.s.(string)+" is known only at deploy time")
		}
		s, u := l.knownString(v, n, "a key of Fn::FindInMap")
		if u != nil {
			return u
		}
		keys[i] = s
	}
	var def *yaml.Node
	if len(args) == 4 {
		if def = mapGet(args[3], "DefaultValue"); def == nil {
			return l.fail(args[3], "the fourth argument of Fn::FindInMap must be {DefaultValue: value}")
		}
	}
	m := mapGet(l.mappings, keys[0])
	if m == nil {
		if l.mappingsIncluded != "" {
			return unknownVal(n, "Fn::FindInMap: mapping "+keys[0]+" may come from "+l.mappingsIncluded)
		}
		return l.fail(n, "Fn::FindInMap: mapping %s is not defined in Mappings", keys[0])
	}
	v := mapGet(mapGet(m, keys[1]), keys[2])
	if v == nil {
		if def != nil {
			return repoint(l.eval(def, sc), n)
		}
		return l.fail(n, "Fn::FindInMap: mapping %s has no value for %s / %s", keys[0], keys[1], keys[2])
	}
	return repoint(l.eval(v, sc), n)
}

// writeJSON writes a fully known value as compact JSON, keeping the keys of
// mappings in template order, as Fn::ToJsonString does.
func writeJSON(b *strings.Builder, v *value) error {
	switch v.kind {
	case vList:
		b.WriteByte('[')
		first := true
		for _, it := range v.items {
			if it.kind == vNoValue {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			if err := writeJSON(b, it); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case vMap:
		b.WriteByte('{')
		first := true
		for _, f := range v.fields {
			if f.val.kind == vNoValue {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			k, err := json.Marshal(f.key)
			if err != nil {
				return err
			}
			b.Write(k)
			b.WriteByte(':')
			if err := writeJSON(b, f.val); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	}
	x, err := json.Marshal(v.plain())
	if err != nil {
		return err
	}
	b.Write(x)
	return nil
}
