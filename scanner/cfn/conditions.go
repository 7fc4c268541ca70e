package cfn

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// tri is the outcome of a condition: true, false, or undecided because it
// depends on a value not known before deployment (reason says which).
type tri struct {
	known  bool
	val    bool
	reason string
}

func decided(b bool) tri { return tri{known: true, val: b} }

// condState memoises one named condition of the Conditions section.
type condState struct {
	node     *yaml.Node
	key      *yaml.Node
	bindings map[string]string // Fn::ForEach identifiers, for expanded conditions
	done     bool
	visiting bool
	result   tri
}

// loadConditions records the Conditions section and evaluates every
// condition once, so errors in unused conditions are reported too.
func (l *loader) loadConditions(sec *yaml.Node) {
	l.conds = map[string]*condState{}
	if isNull(sec) {
		return
	}
	if sec.Kind != yaml.MappingNode {
		l.errorf(sec, "Conditions must be a mapping of condition names to conditions, not %s", kindName(sec))
		return
	}
	var order []string
	l.declareConds(sec, nil, 0, &order)
	for _, name := range order {
		l.condition(name, l.conds[name].key, nil)
	}
}

// condPattern matches the names of the conditions an Fn::ForEach loop
// declares when its collection is not known.
type condPattern struct {
	re     *regexp.Regexp
	reason string
}

// declareConds records the conditions of a Conditions mapping (or of the
// output mapping of a Fn::ForEach loop in it), in order.
func (l *loader) declareConds(sec *yaml.Node, bindings map[string]string, depth int, order *[]string) {
	for i := 0; i+1 < len(sec.Content); i += 2 {
		k, v := sec.Content[i], sec.Content[i+1]
		switch {
		case strings.HasPrefix(k.Value, "Fn::ForEach::"):
			l.condForEach(k, v, bindings, depth, order)
		case k.Value == "Fn::Transform" && bindings == nil:
			l.condsIncluded = l.sectionTransform("Conditions", k, v)
		default:
			name := expandKey(k.Value, bindings)
			if _, dup := l.conds[name]; dup {
				l.errorf(k, "condition %s is declared more than once", name)
				continue
			}
			l.conds[name] = &condState{node: v, key: k, bindings: bindings}
			*order = append(*order, name)
		}
	}
}

// condForEach expands a Fn::ForEach loop of the Conditions section, as
// AWS::LanguageExtensions does: one condition per item and output key,
// with the identifier bound. When the collection is not known, the
// conditions it would declare are undecided.
func (l *loader) condForEach(key, n *yaml.Node, bindings map[string]string, depth int, order *[]string) {
	loop := key.Value
	if depth >= 5 {
		l.errorf(key, "%s: Fn::ForEach loops nest more than 5 deep", loop)
		return
	}
	args, ok := l.args(loop, key, n, 3, 3)
	if !ok {
		return
	}
	idNode, outputs := args[0], args[2]
	if idNode.Kind != yaml.ScalarNode || idNode.Value == "" {
		l.errorf(idNode, "%s: the identifier must be a name", loop)
		return
	}
	if outputs.Kind != yaml.MappingNode {
		l.errorf(outputs, "%s: the third argument must be a mapping of condition names to conditions", loop)
		return
	}
	coll := l.eval(args[1], &scope{inCondition: true, bindings: bindings})
	var items []string
	reason := ""
	switch {
	case coll.kind == vUnknown:
		reason = coll.reason
	case coll.kind != vList:
		l.errorf(args[1], "%s: the collection must be a list, not %s", loop, valueKind(coll))
		return
	default:
		for _, it := range coll.items {
			if it.kind == vNoValue {
				continue
			}
			if it.kind == vUnknown {
				reason = it.reason
				break
			}
			s, u := l.knownString(it, args[1], loop+" collection item")
			if u != nil {
				return
			}
			items = append(items, s)
		}
	}
	if reason != "" {
		reason = loop + " declares it over a collection that is not known (" + reason + ")"
		for i := 0; i+1 < len(outputs.Content); i += 2 {
			l.condPatterns = append(l.condPatterns, condPattern{re: keyPattern(outputs.Content[i].Value, bindings), reason: reason})
		}
		l.noteAt(key, "%s: its collection is not known, so the conditions it declares are undecided", loop)
		return
	}
	for _, item := range items {
		if l.fatal || !l.spend(key) {
			return
		}
		b := make(map[string]string, len(bindings)+1)
		for k, v := range bindings {
			b[k] = v
		}
		b[idNode.Value] = item
		l.declareConds(outputs, b, depth+1, order)
	}
}

// keyPattern matches the keys an output key of Fn::ForEach expands to, for
// any value of the identifiers not yet bound.
func keyPattern(key string, bindings map[string]string) *regexp.Regexp {
	key = expandKey(key, bindings)
	var b strings.Builder
	b.WriteString("^")
	for key != "" {
		i := strings.IndexAny(key, "$&")
		if i < 0 || i+1 >= len(key) || key[i+1] != '{' {
			if i < 0 {
				b.WriteString(regexp.QuoteMeta(key))
				break
			}
			b.WriteString(regexp.QuoteMeta(key[:i+1]))
			key = key[i+1:]
			continue
		}
		j := strings.IndexByte(key[i:], '}')
		if j < 0 {
			b.WriteString(regexp.QuoteMeta(key))
			break
		}
		b.WriteString(regexp.QuoteMeta(key[:i]))
		if key[i] == '&' {
			b.WriteString("[A-Za-z0-9]*")
		} else {
			b.WriteString(".*")
		}
		key = key[i+j+1:]
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// condition evaluates the named condition, used at node at.
func (l *loader) condition(name string, at *yaml.Node, sc *scope) tri {
	c, ok := l.conds[name]
	if !ok {
		for _, p := range l.condPatterns {
			if p.re.MatchString(name) {
				return tri{reason: "condition " + name + " cannot be decided: " + p.reason}
			}
		}
		if l.condsIncluded != "" {
			return tri{reason: "condition " + name + " is not in the template; " + l.condsIncluded}
		}
		l.errorf(at, "condition %s is not defined in Conditions", name)
		return tri{reason: "condition " + name + " is not defined"}
	}
	if c.done {
		return c.result
	}
	if c.visiting {
		l.errorf(at, "condition %s depends on itself", name)
		return tri{reason: "condition " + name + " depends on itself"}
	}
	c.visiting = true
	b := c.bindings
	if b == nil {
		b = sc.bindingsOrNil()
	}
	r := l.evalCond(c.node, &scope{inCondition: true, bindings: b})
	if !r.known && !strings.HasPrefix(r.reason, "condition ") {
		r.reason = "condition " + name + " cannot be decided: " + r.reason
	}
	c.visiting, c.done, c.result = false, true, r
	return r
}

// evalCond evaluates a condition expression: Fn::Equals, Fn::And, Fn::Or,
// Fn::Not or Condition.
func (l *loader) evalCond(n *yaml.Node, sc *scope) tri {
	fn, arg, ok := l.intrinsic(n, sc)
	if !ok {
		l.errorf(n, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, not %s", kindName(n))
		return tri{reason: "invalid condition"}
	}
	switch fn {
	case "Condition":
		if arg.Kind != yaml.ScalarNode {
			l.errorf(n, "Condition takes the name of a condition")
			return tri{reason: "invalid condition"}
		}
		return l.condition(arg.Value, n, sc)
	case "Fn::Not":
		args, ok := l.args(fn, n, arg, 1, 1)
		if !ok {
			return tri{reason: "invalid condition"}
		}
		r := l.evalCond(args[0], sc)
		if r.known {
			r.val = !r.val
		}
		return r
	case "Fn::And", "Fn::Or":
		args, ok := l.args(fn, n, arg, 2, 10)
		if !ok {
			return tri{reason: "invalid condition"}
		}
		// Short-circuit value: false decides And, true decides Or.
		short := fn == "Fn::Or"
		var undecided *tri
		for _, a := range args {
			r := l.evalCond(a, sc)
			if !r.known {
				if undecided == nil {
					undecided = &r
				}
				continue
			}
			if r.val == short {
				return decided(short)
			}
		}
		if undecided != nil {
			return *undecided
		}
		return decided(!short)
	case "Fn::Equals":
		args, ok := l.args(fn, n, arg, 2, 2)
		if !ok {
			return tri{reason: "invalid condition"}
		}
		a, b := l.eval(args[0], sc), l.eval(args[1], sc)
		for _, v := range []*value{a, b} {
			if u := v.firstUnknown(); u != nil {
				return tri{reason: u.reason}
			}
		}
		return decided(equalValues(a, b))
	}
	l.errorf(n, "%s cannot be used as a condition; use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", fn)
	return tri{reason: "invalid condition"}
}

// equalValues compares two known values the way Fn::Equals does: scalars
// by their string form ("5" equals 5), lists element by element.
func equalValues(a, b *value) bool {
	if a.kind == vScalar && b.kind == vScalar {
		as, _ := scalarString(a.s)
		bs, _ := scalarString(b.s)
		return as == bs
	}
	if a.kind == vList && b.kind == vList {
		if len(a.items) != len(b.items) {
			return false
		}
		for i := range a.items {
			if !equalValues(a.items[i], b.items[i]) {
				return false
			}
		}
		return true
	}
	return a.kind == b.kind && a.kind == vNoValue
}
