package plan

import (
	"encoding/json"
	"math"
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
	if raw, ok := skel.(skeleton); ok {
		skel = decodeSkeleton(raw)
	}
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
