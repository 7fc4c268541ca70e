package plan

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"

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
	if raw, ok := skel.(skeleton); ok {
		if out, ok := flaggedText(raw); ok {
			sort.Strings(out)
			return out
		}
		skel = decodeSkeleton(raw)
	}
	var out []string
	walkLeaves("", skel, func(p string, v any) {
		if b, _ := v.(bool); b {
			out = append(out, p)
		}
	})
	sort.Strings(out)
	return out
}

// walkLeaves calls leaf with the path and value of every value under v
// (v itself included) that is neither an object nor a list.
func walkLeaves(p string, v any, leaf func(p string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walkLeaves(model.AppendKey(p, k), e, leaf)
		}
	case []any:
		for i, e := range x {
			walkLeaves(model.AppendIndex(p, i), e, leaf)
		}
	default:
		leaf(p, v)
	}
}

// flaggedText is flagged for a skeleton's text: it walks the text and
// keeps only the flagged paths, where decoding it first made a map or list
// for every level of every skeleton of every resource (three a resource)
// only to walk them once. ok is false for what it does not decode as the
// decoder would: a member name with escapes or invalid UTF-8, or one that
// repeats (the decoded map keeps the last), or more than 256 members.
func flaggedText(b []byte) (out []string, ok bool) {
	path := make([]byte, 0, 64)
	var walk func(i int) (int, bool)
	walk = func(i int) (int, bool) {
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case 't':
			out = append(out, string(path))
			return i + 4, true
		case '{':
			// A key extends the path with a dot unless the path is ""
			// (model.AppendKey).
			mark := len(path)
			var kbuf [16][]byte
			keys := kbuf[:0]
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == '}' {
				return i + 1, true
			}
			for {
				if i >= len(b) || b[i] != '"' {
					return i, false
				}
				end := skipString(b, i)
				key := b[i+1 : end-1]
				if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) || len(keys) == 256 {
					return i, false
				}
				for _, k := range keys {
					if bytes.Equal(k, key) {
						return i, false
					}
				}
				keys = append(keys, key)
				if mark > 0 {
					path = append(path, '.')
				}
				path = append(path, key...)
				i = skipSpace(b, end)
				if i >= len(b) || b[i] != ':' {
					return i, false
				}
				var ok bool
				if i, ok = walk(i + 1); !ok {
					return i, false
				}
				path = path[:mark]
				var done bool
				if i, done, ok = nextElement(b, i, '}'); !ok || done {
					return i, ok
				}
				i = skipSpace(b, i)
			}
		case '[':
			mark := len(path)
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == ']' {
				return i + 1, true
			}
			for n := 0; ; n++ {
				path = append(path, '[')
				path = strconv.AppendInt(path, int64(n), 10)
				path = append(path, ']')
				var ok bool
				if i, ok = walk(i); !ok {
					return i, false
				}
				path = path[:mark]
				var done bool
				if i, done, ok = nextElement(b, i, ']'); !ok || done {
					return i, ok
				}
			}
		}
		return skipValue(b, i), true
	}
	end, ok := walk(0)
	return out, ok && skipSpace(b, end) == len(b)
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

// createdPaths is model.DiffPaths(before, after, unknown) for a before
// with nothing in it (a resource being created): every value after holds
// differs from nothing, so the paths are those of its scalars, with the
// unknown ones, sorted and each once. It lists them in a slice and sorts
// it rather than gathering them in a set first, as DiffPaths does for
// the general case; a plan creates most of its resources.
func createdPaths(after map[string]any, unknown []string) []string {
	out := make([]string, 0, len(after)+len(unknown))
	walkLeaves("", after, func(p string, v any) {
		if v != nil {
			out = append(out, p)
		}
	})
	out = append(out, unknown...)
	slices.Sort(out)
	out = slices.Compact(out) // two keys may make one path ("a.b" and a.b)
	if len(out) > 0 && out[0] == "" {
		out = out[1:] // DiffPaths drops the root
	}
	return out
}
