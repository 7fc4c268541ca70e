package plan

import (
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strconv"

	"github.com/stackgate/stackgate/policies/model"
)

// normalize converts a decoded JSON value to the model's value types:
// json.Number becomes int64 when integral and in range, else float64.
// Maps and lists are converted in place (the decoder made them fresh).
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) {
			return string(x)
		}
		if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
			return int64(f)
		}
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	}
	return v
}

// asObject returns v as an attribute map, or nil.
func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// flagged lists the paths where a skeleton such as after_unknown or
// after_sensitive holds true. The skeleton mirrors the value: objects and
// lists of flags, true at a flagged value, false or absent elsewhere. A
// skeleton that is true as a whole flags the resource itself, path "".
func flagged(skel any) []string {
	var out []string
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch x := v.(type) {
		case bool:
			if x {
				out = append(out, p)
			}
		case map[string]any:
			for k, e := range x {
				walk(model.AppendKey(p, k), e)
			}
		case []any:
			for i, e := range x {
				walk(model.AppendIndex(p, i), e)
			}
		}
	}
	walk("", skel)
	sort.Strings(out)
	return out
}

// diffPaths lists, in order, the leaf paths where a and b differ. A leaf
// is a scalar or null; an empty collection has no leaves, so null and {}
// (tags unset, tags empty) do not differ. Lists compare by index.
// Paths in unknownAfter (values that become unknown) are changes even
// though b holds nothing there.
func diffPaths(a, b any, unknownAfter []string) []string {
	set := map[string]bool{}
	var walk func(p string, a, b any)
	walk = func(p string, a, b any) {
		am, aIsMap := a.(map[string]any)
		bm, bIsMap := b.(map[string]any)
		al, aIsList := a.([]any)
		bl, bIsList := b.([]any)
		switch {
		case (aIsMap || a == nil) && (bIsMap || b == nil) && (aIsMap || bIsMap):
			for k, e := range am {
				walk(model.AppendKey(p, k), e, bm[k])
			}
			for k, e := range bm {
				if _, ok := am[k]; !ok {
					walk(model.AppendKey(p, k), nil, e)
				}
			}
		case aIsList && bIsList && len(al) != len(bl) && len(al)*len(bl) <= maxMatch && allObjects(al) && allObjects(bl):
			// Blocks added to or removed from a list: most such lists are
			// sets (security group rules) whose order means nothing, so
			// elements are matched by value and only the unmatched ones
			// differ, at their own index.
			am, bm := unmatched(al, bl), unmatched(bl, al)
			for _, i := range am {
				walk(model.AppendIndex(p, i), al[i], nil)
			}
			for _, i := range bm {
				walk(model.AppendIndex(p, i), nil, bl[i])
			}
		case (aIsList || a == nil) && (bIsList || b == nil) && (aIsList || bIsList):
			for i := range max(len(al), len(bl)) {
				var x, y any
				if i < len(al) {
					x = al[i]
				}
				if i < len(bl) {
					y = bl[i]
				}
				walk(model.AppendIndex(p, i), x, y)
			}
		case aIsMap || bIsMap || aIsList || bIsList:
			// A collection replaced by a scalar or another kind.
			n := len(set)
			walk(p, a, nil)
			walk(p, nil, b)
			if len(set) == n {
				set[p] = true
			}
		default:
			if a != b {
				set[p] = true
			}
		}
	}
	walk("", a, b)
	for _, p := range unknownAfter {
		set[p] = true
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// maxMatch bounds the element comparisons of matching two lists by value
// (quadratic); larger lists, which no real resource has, compare by index.
const maxMatch = 1 << 16

func allObjects(l []any) bool {
	for _, e := range l {
		if _, ok := e.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// unmatched returns the indexes of the elements of a that have no equal
// element in b, each element of b matching at most once.
func unmatched(a, b []any) []int {
	used := make([]bool, len(b))
	var out []int
next:
	for i, x := range a {
		for j, y := range b {
			if !used[j] && reflect.DeepEqual(x, y) {
				used[j] = true
				continue next
			}
		}
		out = append(out, i)
	}
	return out
}

// underAny reports whether path equals or lies inside one of the paths
// in set.
func underAny(path string, set map[string]bool) bool {
	for p := path; ; p = model.ParentPath(p) {
		if set[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

// replacePaths converts Terraform's replace_paths ([["rule", 0, "x"]]) to
// model paths. Elements that are neither strings nor numbers end the path.
func replacePaths(raw []any) []string {
	var out []string
	for _, r := range raw {
		segs, ok := r.([]any)
		if !ok {
			continue
		}
		p := ""
	seg:
		for _, s := range segs {
			switch v := normalize(s).(type) {
			case string:
				p = model.AppendKey(p, v)
			case int64:
				p = model.AppendIndex(p, int(v))
			default:
				break seg
			}
		}
		if p != "" {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return compact(out)
}

// compact removes adjacent duplicates from a sorted slice.
func compact(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
