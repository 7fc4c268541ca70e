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

// toGo converts an object value of a resource into its attributes. A
// leaf's reasons are its own and those of every enclosing value. The
// marks are gathered by path first (gatherMarks) and looked up by path
// as the value is converted, so values whose paths render alike (a key
// "a.b" and a nested b in a) share their marks. Neither walk makes an
// unmarked copy of the value: UnmarkDeepWithPaths rebuilt every object
// and tuple holding a marked value (most resources hold unknown, marked
// attributes), a tenth of the conversion's allocations.
func toGo(v cty.Value) (map[string]any, map[string]string, []string) {
	c := &converter{marks: map[string]cty.ValueMarks{}, unknown: map[string]string{}, sensitive: map[string]bool{}}
	c.gatherMarks(v, make([]pathStep, 0, 8)) // room for the usual depth
	top := unmarkedShallow(v)
	attrs := map[string]any{}
	if top.IsKnown() && !top.IsNull() && top.Type().IsObjectType() {
		for name := range top.Type().AttributeTypes() {
			attrs[name] = c.value(top.GetAttr(name), name, c.marks[""])
		}
	}
	var sens []string
	for p := range c.sensitive {
		sens = append(sens, p)
	}
	sort.Strings(sens)
	return attrs, c.unknown, sens
}

// pathStep is one step of the path gatherMarks is at: a key (attribute
// or map key) or an index.
type pathStep struct {
	key   string
	index int
	isKey bool
}

// renderPath renders steps as the conversion renders the same path.
func renderPath(steps []pathStep) string {
	s := ""
	for _, st := range steps {
		if st.isKey {
			s = model.AppendKey(s, st.key)
		} else {
			s = model.AppendIndex(s, st.index)
		}
	}
	return s
}

// gatherMarks adds the marks of v and of the values nested in it to
// c.marks, by path; steps is the path of v, rendered only where a value
// is marked. The elements of a set are never marked (cty.SetVal moves
// their marks to the set), so sets are not entered.
func (c *converter) gatherMarks(v cty.Value, steps []pathStep) {
	if v.IsMarked() {
		uv, marks := v.Unmark() // marks is a copy: it can be kept
		key := renderPath(steps)
		if own, ok := c.marks[key]; ok {
			for m := range marks {
				own[m] = struct{}{}
			}
		} else {
			c.marks[key] = marks
		}
		v = uv
	}
	if !v.IsKnown() || v.IsNull() {
		return
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			c.gatherMarks(v.GetAttr(name), append(steps, pathStep{key: name, isKey: true}))
		}
	case ty.IsMapType():
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			c.gatherMarks(ev, append(steps, pathStep{key: k.AsString(), isKey: true}))
		}
	case ty.IsListType() || ty.IsTupleType():
		i := 0
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			c.gatherMarks(ev, append(steps, pathStep{index: i}))
			i++
		}
	}
}

// unmarkedShallow is v without its own marks; the values nested in it
// keep theirs.
func unmarkedShallow(v cty.Value) cty.Value {
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	return v
}

func (c *converter) value(v cty.Value, path string, inherited cty.ValueMarks) any {
	v = unmarkedShallow(v)
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
	case ty.IsObjectType():
		// by name, not ElementIterator, which makes a string value of
		// each name
		out := make(map[string]any, len(ty.AttributeTypes()))
		for name := range ty.AttributeTypes() {
			out[name] = c.value(v.GetAttr(name), model.AppendKey(path, name), marks)
		}
		return out
	case ty.IsMapType():
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
