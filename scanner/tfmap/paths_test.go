package tfmap

import (
	"reflect"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

var pathCases = []string{
	"", "a", "a.b", "a[0]", "a[0].b", "a[0][1]", "[0]", "[0].a", "[12].a[3].b_c", "a.b.c.d[10]",
	".a", "a.", "a..b", "a.[0]", "a[0]b", "a[", "a[]", "a[x]", "a[01]", "a[-1]", "a[+1]", "a[1234567890123]", "[x].a",
	"a]b.c", "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id", "tags.Name", "a[0]..b",
}

// TestFirstKey: firstKey is the first segment model.SplitPath gives,
// when it is a key.
func TestFirstKey(t *testing.T) {
	for _, p := range pathCases {
		segs := model.SplitPath(p)
		want := ""
		if len(segs) > 0 {
			want, _ = segs[0].(string)
		}
		if got := firstKey(p); got != want {
			t.Errorf("firstKey(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestCanonicalSegs: a path canonicalSegs accepts is what model.JoinPath
// makes of its segments, and every prefix of segments is a prefix of the
// text; ancestorRanges sets the same ranges either way.
func TestCanonicalSegs(t *testing.T) {
	for _, p := range pathCases {
		segs, ok := canonicalSegs(p, nil)
		split := model.SplitPath(p)
		if !ok {
			continue
		}
		if model.JoinPath(split...) != p || len(segs) != len(split) {
			t.Errorf("%q accepted, JoinPath gives %q", p, model.JoinPath(split...))
			continue
		}
		for k := range segs {
			_, isIndex := split[k].(int)
			if segs[k].index != isIndex || p[:segs[k].end] != model.JoinPath(split[:k+1]...) {
				t.Errorf("%q segment %d: %+v", p, k, segs[k])
			}
		}
	}
	for _, tfp := range pathCases {
		for _, cfnp := range []string{"A", "A.B", "A.B[0].C", "A[0].B", "X.Y.Z", "A.B.C[0]", "[0].A", "A..B"} {
			rng := func(line int) model.Range { return model.Range{Filename: "f", Start: model.Pos{Line: line}} }
			r := &Resource{NameRange: rng(1), Ranges: map[string]model.Range{}}
			for i, p := range pathCases {
				r.Ranges[p] = rng(10 + i)
			}
			fast, slow := newBuilder(), newBuilder()
			fast.paths["A.B"] = rng(99)
			slow.paths["A.B"] = rng(99)
			if !fast.ancestorRangesCanonical(r, tfp, cfnp) {
				continue // not canonical: ancestorRangesSplit does it
			}
			slow.ancestorRangesSplit(r, tfp, cfnp)
			if !reflect.DeepEqual(fast.paths, slow.paths) {
				t.Errorf("ancestorRanges(%q, %q): %v, split %v", tfp, cfnp, fast.paths, slow.paths)
			}
		}
	}
}

// TestLookupPathIsModelLookup checks lookupPath against model.Lookup on
// canonical paths and on paths model.SplitPath reads leniently.
func TestLookupPathIsModelLookup(t *testing.T) {
	props := map[string]any{
		"a":    map[string]any{"b": []any{"x", map[string]any{"c": int64(1)}}},
		"k[":   "open",
		"[-1]": "neg",
		"l":    []any{nil, "y"},
		"":     "empty",
	}
	paths := append([]string{"a.b[1].c", "a.b[+1].c", ".a.b[1]c", "k[", "l[1]", "l[0].z", "a.b[1].c.d", "a.b[01]"}, pathCases...)
	for _, p := range paths {
		want, wok := model.Lookup(props, p)
		got, gok := lookupPath(props, p)
		if gok != wok || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v %v, want %v %v", p, got, gok, want, wok)
		}
	}
}
