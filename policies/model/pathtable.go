package model

import (
	"math"
	"slices"
	"strings"
)

// PathTable is a compact form of Origin.Paths for loaders of large inputs:
// the ranges of one resource's property paths in one file, as a sorted
// slice rather than a map of full Ranges. A map of a handful of paths
// costs about 700 bytes in Go; the table costs 40 bytes a path. Build it
// with Set, then Seal it; it is read-only after that and safe for
// concurrent readers.
//
// Origin.RangeFor, Origin.PathRange and Origin.AllPaths read Paths and
// the table alike; a loader fills one of them.
type PathTable struct {
	file    string
	entries []pathEntry
	// m holds every entry instead when one does not fit the compact
	// form (another file name, a position beyond int32).
	m      map[string]Range
	sealed bool
}

type pathEntry struct {
	path string
	// start and end line, column and byte; noFile marks a range with an
	// empty Filename (the zero range).
	sl, sc, sb, el, ec, eb int32
	noFile                 bool
}

// NewPathTable returns an empty table for ranges in file, with room for
// n paths.
func NewPathTable(file string, n int) *PathTable {
	return &PathTable{file: file, entries: make([]pathEntry, 0, n)}
}

func fits(p Pos) bool {
	return p.Line >= math.MinInt32 && p.Line <= math.MaxInt32 &&
		p.Column >= math.MinInt32 && p.Column <= math.MaxInt32 &&
		p.Byte >= math.MinInt32 && p.Byte <= math.MaxInt32
}

// Set records the range of path; a later Set of the same path wins, as
// with a map. Set after Seal panics.
func (t *PathTable) Set(path string, r Range) {
	if t.sealed {
		panic("model: PathTable.Set after Seal")
	}
	if t.m == nil && (r.Filename == t.file || r.Filename == "") && fits(r.Start) && fits(r.End) {
		t.entries = append(t.entries, pathEntry{path: path,
			sl: int32(r.Start.Line), sc: int32(r.Start.Column), sb: int32(r.Start.Byte),
			el: int32(r.End.Line), ec: int32(r.End.Column), eb: int32(r.End.Byte),
			noFile: r.Filename == ""})
		return
	}
	if t.m == nil {
		t.m = make(map[string]Range, len(t.entries)+1)
		for _, e := range t.entries {
			t.m[e.path] = t.rangeOf(e)
		}
		t.entries = nil
	}
	t.m[path] = r
}

// Seal sorts the table for lookups (keeping the last range Set for each
// path) and trims its storage.
func (t *PathTable) Seal() {
	if t.sealed {
		return
	}
	t.sealed = true
	if t.m != nil {
		return
	}
	// Stable, so that among equal paths the last Set is last.
	slices.SortStableFunc(t.entries, func(a, b pathEntry) int { return strings.Compare(a.path, b.path) })
	out := t.entries[:0]
	for i, e := range t.entries {
		if i+1 < len(t.entries) && t.entries[i+1].path == e.path {
			continue
		}
		out = append(out, e)
	}
	if cap(out) > len(out) {
		out = slices.Clone(out) // the table is kept as long as the resource
	}
	t.entries = out
}

func (t *PathTable) rangeOf(e pathEntry) Range {
	r := Range{
		Start: Pos{Line: int(e.sl), Column: int(e.sc), Byte: int(e.sb)},
		End:   Pos{Line: int(e.el), Column: int(e.ec), Byte: int(e.eb)},
	}
	if !e.noFile {
		r.Filename = t.file
	}
	return r
}

// Get returns the range recorded for exactly path.
func (t *PathTable) Get(path string) (Range, bool) {
	if t == nil {
		return Range{}, false
	}
	if t.m != nil {
		r, ok := t.m[path]
		return r, ok
	}
	if t.sealed {
		i, ok := slices.BinarySearchFunc(t.entries, path, func(e pathEntry, p string) int { return strings.Compare(e.path, p) })
		if !ok {
			return Range{}, false
		}
		return t.rangeOf(t.entries[i]), true
	}
	for i := len(t.entries) - 1; i >= 0; i-- {
		if t.entries[i].path == path {
			return t.rangeOf(t.entries[i]), true
		}
	}
	return Range{}, false
}

// Len returns the number of paths in the table.
func (t *PathTable) Len() int {
	if t == nil {
		return 0
	}
	if t.m != nil {
		return len(t.m)
	}
	if t.sealed {
		return len(t.entries)
	}
	return len(t.Map())
}

// Map returns the table as a map of paths to ranges.
func (t *PathTable) Map() map[string]Range {
	if t == nil {
		return nil
	}
	if t.m != nil {
		out := make(map[string]Range, len(t.m))
		for k, v := range t.m {
			out[k] = v
		}
		return out
	}
	out := make(map[string]Range, len(t.entries))
	for _, e := range t.entries {
		out[e.path] = t.rangeOf(e)
	}
	return out
}
