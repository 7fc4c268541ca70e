package model

import (
	"strconv"
	"strings"
)

// JoinPath builds a property path from segments: strings are keys, ints are
// list indexes.
func JoinPath(segs ...any) string {
	var b strings.Builder
	for _, s := range segs {
		switch v := s.(type) {
		case int:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(v))
			b.WriteByte(']')
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// AppendKey returns path extended by a map key.
func AppendKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// AppendIndex returns path extended by a list index.
func AppendIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// ParentPath returns the path of the value that contains path ("" for a
// top-level property and for "").
func ParentPath(path string) string {
	if path == "" {
		return ""
	}
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		if path[i] == '.' {
			return path[:i]
		}
	}
	return ""
}

// HasPrefixPath reports whether path equals prefix or lies inside it.
func HasPrefixPath(path, prefix string) bool {
	if prefix == "" || path == prefix {
		return true
	}
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	c := path[len(prefix)]
	return c == '.' || c == '['
}

// SplitPath splits a path into segments: strings for keys, ints for indexes.
func SplitPath(path string) []any {
	var segs []any
	for path != "" {
		switch {
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(segs, path)
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				segs = append(segs, path[1:end])
			} else {
				segs = append(segs, n)
			}
			path = path[end+1:]
		case path[0] == '.':
			path = path[1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			segs = append(segs, path[:end])
			path = path[end:]
		}
	}
	return segs
}

// Lookup returns the value at path inside props and whether it exists.
func Lookup(props map[string]any, path string) (any, bool) {
	var cur any = props
	for _, s := range SplitPath(path) {
		switch k := s.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			l, ok := cur.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil, false
			}
			cur = l[k]
		}
	}
	return cur, true
}
