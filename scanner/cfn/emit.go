package cfn

import (
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
// AWS::NoValue, which removes the key or list item. pattern is path with
// list indexes written as [], the form the type table uses.
func (e *emitter) emit(v *value, path, pattern string) (any, bool) {
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
		for _, it := range v.items {
			if x, keep := e.emit(it, model.AppendIndex(path, len(out)), pattern+"[]"); keep {
				out = append(out, x)
			}
		}
		return out, true
	case vMap:
		return e.object(v, path, pattern), true
	}
	if v.ref != nil {
		e.r.References[path] = *v.ref
		return v.s, true
	}
	x := cfntypes.Coerce(v.s, cfntypes.TypeOf(e.typ, pattern))
	if str, ok := x.(string); ok {
		return e.l.intern(str), true
	}
	return x, true
}

// object emits the fields of a mapping value.
func (e *emitter) object(v *value, path, pattern string) map[string]any {
	out := make(map[string]any, len(v.fields))
	for _, f := range v.fields {
		if x, keep := e.emit(f.val, model.AppendKey(path, f.key), model.AppendKey(pattern, f.key)); keep {
			out[e.l.intern(f.key)] = x
		}
	}
	return out
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
// times, each otherwise a string of its own.
func (l *loader) intern(s string) string {
	if len(s) > maxIntern {
		return s
	}
	if v, ok := l.strs[s]; ok {
		return v
	}
	if l.strs == nil {
		l.strs = make(map[string]string, 256)
	}
	if len(l.strs) < internCap {
		l.strs[s] = s
	}
	return s
}
