package cfn

import (
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
)

// vkind is the kind of an evaluated template value.
type vkind uint8

const (
	vScalar  vkind = iota // s holds nil, bool, int64, float64 or string
	vList                 // items
	vMap                  // fields, in source order
	vUnknown              // not known before deployment; reason says why
	vNoValue              // AWS::NoValue: the enclosing key or item is removed
)

// value is a template value after intrinsic functions have been applied.
// It keeps the node it came from, so every property path can point at its
// source: a literal's own node, or the intrinsic function that produced it.
type value struct {
	kind   vkind
	node   *yaml.Node
	s      any
	items  []*value
	fields []field
	reason string
	// ref is set on a placeholder string ("${Key.Arn}") that stands for a
	// reference to another resource.
	ref *model.Reference
}

// field is one key of a mapping value.
type field struct {
	key string
	val *value
}

func scalarVal(n *yaml.Node, s any) *value { return &value{kind: vScalar, node: n, s: s} }

func unknownVal(n *yaml.Node, reason string) *value {
	return &value{kind: vUnknown, node: n, reason: reason}
}

// firstUnknown returns the first unknown value inside v (v itself
// included), or nil when v is fully known.
func (v *value) firstUnknown() *value {
	switch v.kind {
	case vUnknown:
		return v
	case vList:
		for _, it := range v.items {
			if u := it.firstUnknown(); u != nil {
				return u
			}
		}
	case vMap:
		for _, f := range v.fields {
			if u := f.val.firstUnknown(); u != nil {
				return u
			}
		}
	}
	return nil
}

// paths returns how many paths the emitter records for the values inside
// v: one for each that is not AWS::NoValue, and those inside it.
func (v *value) paths() int {
	n := 0
	for _, it := range v.items {
		if it.kind != vNoValue {
			n += 1 + it.paths()
		}
	}
	for _, f := range v.fields {
		if f.val.kind != vNoValue {
			n += 1 + f.val.paths()
		}
	}
	return n
}

// repoint makes v and everything inside it point at node n: values copied
// out of Mappings or parameters are reported at the intrinsic that used
// them, not at their definition.
func repoint(v *value, n *yaml.Node) *value {
	c := *v
	c.node = n
	if len(v.items) > 0 {
		c.items = make([]*value, len(v.items))
		for i, it := range v.items {
			c.items[i] = repoint(it, n)
		}
	}
	if len(v.fields) > 0 {
		c.fields = make([]field, len(v.fields))
		for i, f := range v.fields {
			c.fields[i] = field{key: f.key, val: repoint(f.val, n)}
		}
	}
	return &c
}

// plain converts a fully known value to plain Go data (references as their
// placeholder strings); NoValue entries are dropped.
func (v *value) plain() any {
	switch v.kind {
	case vList:
		out := make([]any, 0, len(v.items))
		for _, it := range v.items {
			if it.kind != vNoValue {
				out = append(out, it.plain())
			}
		}
		return out
	case vMap:
		out := make(map[string]any, len(v.fields))
		for _, f := range v.fields {
			if f.val.kind != vNoValue {
				out[f.key] = f.val.plain()
			}
		}
		return out
	case vScalar:
		return v.s
	}
	return nil
}
