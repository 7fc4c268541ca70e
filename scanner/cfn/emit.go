package cfn

import (
	"strconv"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfntypes"
)

// emitter writes an evaluated Properties value into a model.Resource:
// plain values with their types coerced, the source range of every path,
// unknown paths with their reasons, and references.
type emitter struct {
	l   *loader
	r   *model.Resource
	typ string // the resource type, for the declared property types
}

// emit returns the model value of v at path; keep is false for
// AWS::NoValue, which removes the key or list item.
func (e *emitter) emit(v *value, path string) (any, bool) {
	if v.kind == vNoValue {
		return nil, false
	}
	path = e.l.intern(path)
	e.r.Origin.PathTable.Set(path, e.l.src.rangeOf(v.node))
	switch v.kind {
	case vUnknown:
		e.r.UnknownPaths = append(e.r.UnknownPaths, model.Unknown{Path: path, Reason: v.reason})
		return nil, true
	case vList:
		out := make([]any, 0, len(v.items))
		parent := len(e.l.pattern)
		e.l.pattern = append(e.l.pattern, "[]"...)
		for _, it := range v.items {
			if x, keep := e.emit(it, model.AppendIndex(path, len(out))); keep {
				out = append(out, x)
			}
		}
		e.l.pattern = e.l.pattern[:parent]
		return out, true
	case vMap:
		return e.object(v, path), true
	}
	if v.ref != nil {
		e.r.References[path] = *v.ref
		return v.s, true
	}
	x := cfntypes.Coerce(v.s, cfntypes.TypeOfBytes(e.typ, e.l.pattern))
	if str, ok := x.(string); ok {
		return e.l.intern(str), true
	}
	return x, true
}

// field emits the value of one field of a mapping at path.
func (e *emitter) field(f field, path string) (any, bool) {
	parent := len(e.l.pattern)
	if parent > 0 {
		e.l.pattern = append(e.l.pattern, '.')
	}
	e.l.pattern = append(e.l.pattern, f.key...)
	x, keep := e.emit(f.val, model.AppendKey(path, f.key))
	e.l.pattern = e.l.pattern[:parent]
	return x, keep
}

// object emits the fields of a mapping value.
func (e *emitter) object(v *value, path string) map[string]any {
	if e.l.leaves == nil {
		out := make(map[string]any, len(v.fields))
		for _, f := range v.fields {
			if x, keep := e.field(f, path); keep {
				out[e.l.intern(f.key)] = x
			}
		}
		return out
	}
	// The fields first (their paths, references and unknowns are the
	// resource's own whatever the map is), then the map: a shared one
	// when it holds only scalars.
	var small [maxLeafFields]leafField
	kept := small[:0]
	for _, f := range v.fields {
		if x, keep := e.field(f, path); keep {
			kept = append(kept, leafField{e.l.intern(f.key), x})
		}
	}
	var arr [maxLeafKey + 64]byte
	key, leaf := leafKey(arr[:0], kept)
	if leaf {
		if m, ok := e.l.leaves[string(key)]; ok {
			return m
		}
	}
	out := make(map[string]any, len(kept))
	for _, f := range kept {
		out[f.key] = f.val
	}
	if leaf && len(e.l.leaves) < leafCap {
		e.l.leaves[string(key)] = out
	}
	return out
}

// leafField is one emitted field of a mapping.
type leafField struct {
	key string
	val any
}

// Bounds of leaf sharing: mappings of up to maxLeafFields scalars whose
// content key is at most maxLeafKey bytes, at most leafCap of them.
const (
	maxLeafFields = 8
	maxLeafKey    = 256
	leafCap       = 1 << 14
)

// leafKey encodes the content of a mapping of one to maxLeafFields
// scalars, or reports false when it is empty, larger, holds a value that
// is not a scalar or the key would be longer than maxLeafKey. Each value
// carries its type, so "true" the string and true the boolean, or 1 and
// 1.0, differ.
//
// On a large generated template most resources repeat the same small
// mappings ({Status: Enabled}, a public access block of four trues, a
// tag), each otherwise a map of its own: a fifth of the memory the
// model keeps. Equal ones are one map (object).
func leafKey(buf []byte, fields []leafField) ([]byte, bool) {
	if len(fields) == 0 || len(fields) > maxLeafFields {
		return buf, false
	}
	for _, f := range fields {
		buf = strconv.AppendInt(buf, int64(len(f.key)), 10)
		buf = append(buf, ':')
		buf = append(buf, f.key...)
		switch x := f.val.(type) {
		case nil:
			buf = append(buf, 'n')
		case string:
			buf = append(buf, 's')
			buf = strconv.AppendInt(buf, int64(len(x)), 10)
			buf = append(buf, ':')
			buf = append(buf, x...)
		case bool:
			buf = append(buf, 'b')
			buf = strconv.AppendBool(buf, x)
		case int64:
			buf = append(buf, 'i')
			buf = strconv.AppendInt(buf, x, 10)
			buf = append(buf, ';')
		case float64:
			if x != x {
				return buf, false
			}
			buf = append(buf, 'f')
			buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
			buf = append(buf, ';')
		default:
			return buf, false
		}
		if len(buf) > maxLeafKey {
			return buf, false
		}
	}
	return buf, true
}

// Interning bounds: strings up to maxIntern bytes, at most internCap of
// them, so that a template of unique strings cannot grow the table
// without limit.
const (
	maxIntern = 64
	internCap = 1 << 16
)

// intern returns s, or an equal string already kept: the resources of a
// large template repeat the same keys, paths and values thousands of
// times, each otherwise a string of its own. A small template (l.strs
// nil) keeps its strings: the few it would share are not worth a table
// per template, which on a corpus of small ones costs more time than
// interning saves memory.
func (l *loader) intern(s string) string {
	if l.strs == nil || len(s) > maxIntern {
		return s
	}
	if v, ok := l.strs[s]; ok {
		return v
	}
	if len(l.strs) < internCap {
		l.strs[s] = s
	}
	return s
}
