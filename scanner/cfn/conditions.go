package cfn

import (
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
	for i := 0; i+1 < len(sec.Content); i += 2 {
		l.conds[sec.Content[i].Value] = &condState{node: sec.Content[i+1]}
	}
	for i := 0; i+1 < len(sec.Content); i += 2 {
		l.condition(sec.Content[i].Value, sec.Content[i], nil)
	}
}

// condition evaluates the named condition, used at node at.
func (l *loader) condition(name string, at *yaml.Node, sc *scope) tri {
	c, ok := l.conds[name]
	if !ok {
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
	r := l.evalCond(c.node, &scope{inCondition: true, bindings: sc.bindingsOrNil()})
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
