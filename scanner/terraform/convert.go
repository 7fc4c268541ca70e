package terraform

import (
	"math/big"
	"sort"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/zclconf/go-cty/cty"
)

// converter turns cty values into plain Go values, recording unknown
// leaves (with their reasons) and sensitive paths.
type converter struct {
	marks     map[string]cty.ValueMarks // marks by path
	unknown   map[string]string
	sensitive map[string]bool
}

// toGo converts an object value of a resource into its attributes. Marks
// are taken off first (cty refuses to walk marked values) and looked up by
// path; a leaf's reasons are its own and those of every enclosing value.
func toGo(v cty.Value) (map[string]any, map[string]string, []string) {
	unmarked, pvm := v.UnmarkDeepWithPaths()
	c := &converter{marks: map[string]cty.ValueMarks{}, unknown: map[string]string{}, sensitive: map[string]bool{}}
	for _, p := range pvm {
		key := pathString(p.Path)
		if c.marks[key] == nil {
			c.marks[key] = cty.ValueMarks{}
		}
		for m := range p.Marks {
			c.marks[key][m] = struct{}{}
		}
	}
	attrs := map[string]any{}
	if unmarked.IsKnown() && !unmarked.IsNull() && unmarked.Type().IsObjectType() {
		for name, av := range unmarked.AsValueMap() {
			attrs[name] = c.value(av, name, c.marks[""])
		}
	}
	var sens []string
	for p := range c.sensitive {
		sens = append(sens, p)
	}
	sort.Strings(sens)
	return attrs, c.unknown, sens
}

func (c *converter) value(v cty.Value, path string, inherited cty.ValueMarks) any {
	marks := inherited
	if own := c.marks[path]; len(own) > 0 {
		marks = cty.ValueMarks{}
		for m := range inherited {
			marks[m] = struct{}{}
		}
		for m := range own {
			marks[m] = struct{}{}
		}
	}
	if isSensitive(c.marks[path]) {
		c.sensitive[path] = true
	}
	if !v.IsKnown() {
		rs := reasonsOf(c.marks[path])
		if len(rs) == 0 {
			rs = reasonsOf(marks)
		}
		c.unknown[path] = joinReasons(rs)
		return nil
	}
	if v.IsNull() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Bool:
		return v.True()
	case ty == cty.Number:
		return number(v.AsBigFloat())
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		i := 0
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out = append(out, c.value(ev, model.AppendIndex(path, i), marks))
			i++
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out[k.AsString()] = c.value(ev, model.AppendKey(path, k.AsString()), marks)
		}
		return out
	}
	return nil
}

// number returns an int64 when f is integral and fits, else a float64.
func number(f *big.Float) any {
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return i
		}
	}
	x, _ := f.Float64()
	return x
}

// pathString renders a cty path in the model's syntax. Set elements have
// no stable index in cty paths; they render as their parent.
func pathString(p cty.Path) string {
	s := ""
	for _, step := range p {
		switch st := step.(type) {
		case cty.GetAttrStep:
			s = model.AppendKey(s, st.Name)
		case cty.IndexStep:
			switch {
			case st.Key.Type() == cty.String && st.Key.IsKnown():
				s = model.AppendKey(s, st.Key.AsString())
			case st.Key.Type() == cty.Number && st.Key.IsKnown():
				i, _ := st.Key.AsBigFloat().Int64()
				s = model.AppendIndex(s, int(i))
			}
		}
	}
	return s
}
