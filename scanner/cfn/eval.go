package cfn

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfntypes"
)

// scope is the evaluation context of one value.
type scope struct {
	// inCondition is set inside the Conditions section: resource
	// references are not allowed there, and NoEcho parameters are read
	// (their value decides a condition but is never copied out).
	inCondition bool
	// bindings holds the Fn::ForEach loop identifiers in effect.
	bindings map[string]string
}

func (s *scope) bindingsOrNil() map[string]string {
	if s == nil {
		return nil
	}
	return s.bindings
}

// errorf records a template error at node n.
func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	if len(l.errs) >= maxErrors {
		l.fatal = true
		return
	}
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	l.errs = append(l.errs, model.Errorf(l.src.file, line, col, format, args...))
}

// fail records an error and returns an unknown value in its place, so
// evaluation continues and reports further problems.
func (l *loader) fail(n *yaml.Node, format string, args ...any) *value {
	l.errorf(n, format, args...)
	return unknownVal(n, "invalid template: "+fmt.Sprintf(format, args...))
}

// spend counts one produced value against the expansion budget.
func (l *loader) spend(n *yaml.Node) bool {
	l.values++
	if l.values <= l.budget {
		return true
	}
	if !l.fatal {
		l.errorf(n, "template expands to more than %d values (Fn::FindInMap, Fn::ForEach and Fn::Cidr copies included); refusing to evaluate it", l.budget)
		l.fatal = true
	}
	return false
}

// eval evaluates node n: literals become values, intrinsic functions are
// applied.
func (l *loader) eval(n *yaml.Node, sc *scope) *value {
	if !l.spend(n) || l.fatal {
		return unknownVal(n, "template evaluation stopped")
	}
	if fn, arg, ok := l.intrinsic(n, sc); ok {
		return l.call(fn, n, arg, sc)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalarVal(n, scalarOf(n))
	case yaml.SequenceNode:
		v := &value{kind: vList, node: n, items: make([]*value, 0, len(n.Content))}
		for _, c := range n.Content {
			v.items = append(v.items, l.eval(c, sc))
		}
		return v
	case yaml.MappingNode:
		if t := mapGet(n, "Fn::Transform"); t != nil {
			// A macro call beside other keys replaces the whole mapping.
			return l.transformVal(n, t)
		}
		v := &value{kind: vMap, node: n, fields: make([]field, 0, len(n.Content)/2)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if strings.HasPrefix(k, "Fn::ForEach::") {
				return unknownVal(n, k+" is expanded only in Resources; this value is not evaluated")
			}
			v.fields = append(v.fields, field{key: k, val: l.eval(n.Content[i+1], sc)})
		}
		return v
	}
	return scalarVal(n, nil)
}

// scalarOf returns the typed value of a scalar node: YAML true is a bool,
// 5432 an int64, a quoted "5432" stays a string. Values that have no JSON
// form (.inf, .nan, out-of-range integers) stay strings.
func scalarOf(n *yaml.Node) any {
	switch n.ShortTag() {
	case yamltag.Null:
		return nil
	case yamltag.Bool:
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			return b
		}
	case yamltag.Int:
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case yamltag.Float:
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !isNaNOrInf(f) {
			return f
		}
	}
	return n.Value
}

func isNaNOrInf(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }

// scalarString is the string form CloudFormation uses for a scalar.
func scalarString(s any) (string, bool) { return cfntypes.ScalarString(s) }

// shortForms maps the YAML short-form tags to their function names.
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!If": "Fn::If",
	"!Equals": "Fn::Equals", "!Not": "Fn::Not", "!And": "Fn::And", "!Or": "Fn::Or",
	"!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split",
	"!FindInMap": "Fn::FindInMap", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
	"!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue",
	"!Transform": "Fn::Transform", "!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

// intrinsic reports whether n is an intrinsic function call, in short form
// (a tagged node: !Ref Name) or long form (a single-key mapping:
// {Ref: Name}), and returns the function name and its argument node.
// "Condition" as a single key is a function only inside conditions; in
// properties it is an ordinary key (IAM policy statements have one).
func (l *loader) intrinsic(n *yaml.Node, sc *scope) (string, *yaml.Node, bool) {
	if t := n.Tag; len(t) > 1 && t[0] == '!' && t[1] != '!' {
		fn, ok := shortForms[t]
		if !ok {
			fn = t
		}
		arg := *n
		arg.Tag = ""
		arg.Style &^= yaml.TaggedStyle
		return fn, &arg, true
	}
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return "", nil, false
	}
	k := n.Content[0].Value
	if k == "Ref" || (strings.HasPrefix(k, "Fn::") && !strings.HasPrefix(k, "Fn::ForEach::")) || (k == "Condition" && sc != nil && sc.inCondition) {
		return k, n.Content[1], true
	}
	if strings.HasPrefix(k, "Rain::") {
		return "!" + k, n.Content[1], true // the JSON form of a rain directive
	}
	return "", nil, false
}

// args checks the argument list of fn: a list of min..max items.
func (l *loader) args(fn string, n, arg *yaml.Node, lo, hi int) ([]*yaml.Node, bool) {
	if arg.Kind != yaml.SequenceNode {
		l.errorf(n, "%s takes a list of %s, not %s", fn, arity(lo, hi), kindName(arg))
		return nil, false
	}
	if len(arg.Content) < lo || len(arg.Content) > hi {
		l.errorf(n, "%s takes %s, got %d", fn, arity(lo, hi), len(arg.Content))
		return nil, false
	}
	return arg.Content, true
}

func arity(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return strconv.Itoa(lo) + " arguments"
	}
	return strconv.Itoa(lo) + " to " + strconv.Itoa(hi) + " arguments"
}

// knownString returns v as a string, or an unknown value (for v unknown, or
// after recording an error when v is not a scalar).
func (l *loader) knownString(v *value, n *yaml.Node, what string) (string, *value) {
	switch v.kind {
	case vUnknown:
		return "", unknownVal(n, v.reason)
	case vScalar:
		s, _ := scalarString(v.s)
		return s, nil
	}
	return "", l.fail(n, "%s must be a string, not %s", what, valueKind(v))
}

func valueKind(v *value) string {
	switch v.kind {
	case vList:
		return "a list"
	case vMap:
		return "a mapping"
	case vNoValue:
		return "AWS::NoValue"
	}
	return "a scalar"
}

// refVal is the placeholder for a reference to resource id (attr empty for
// a plain Ref).
func (l *loader) refVal(n *yaml.Node, id, attr string) *value {
	ph := "${" + id + "}"
	if attr != "" {
		ph = "${" + id + "." + attr + "}"
	}
	return &value{kind: vScalar, node: n, s: ph, ref: &model.Reference{Address: id, Type: l.types[id], Attribute: attr}}
}
