package model

import (
	"reflect"
	"sort"
)

// DiffPaths lists, in order, the leaf paths where a and b differ. A leaf
// is a scalar or null; an empty collection has no leaves, so null and {}
// (tags unset, tags empty) do not differ. Lists compare by index, except
// lists of objects whose length changes, which are matched by value.
// Paths in unknownAfter (values that become unknown) are changes even
// though b holds nothing there.
func DiffPaths(a, b any, unknownAfter []string) []string {
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
				walk(AppendKey(p, k), e, bm[k])
			}
			for k, e := range bm {
				if _, ok := am[k]; !ok {
					walk(AppendKey(p, k), nil, e)
				}
			}
		case aIsList && bIsList && len(al) != len(bl) && len(al)*len(bl) <= maxMatch && allObjects(al) && allObjects(bl):
			// Blocks added to or removed from a list: most such lists are
			// sets (security group rules) whose order means nothing, so
			// elements are matched by value and only the unmatched ones
			// differ, at their own index.
			am, bm := unmatched(al, bl), unmatched(bl, al)
			for _, i := range am {
				walk(AppendIndex(p, i), al[i], nil)
			}
			for _, i := range bm {
				walk(AppendIndex(p, i), nil, bl[i])
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
				walk(AppendIndex(p, i), x, y)
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
