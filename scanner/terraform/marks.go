package terraform

import (
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// reasonMark is a cty mark saying why a value is unknown. Marks travel with
// values through expressions, function calls, locals and module inputs and
// outputs, so an unknown leaf still knows where it came from.
type reasonMark struct{ text string }

// sensitiveMark marks values of sensitive variables.
type sensitiveMark struct{}

// unknownBecause returns an unknown value of type ty that carries reason.
func unknownBecause(ty cty.Type, reason string) cty.Value {
	return cty.UnknownVal(ty).Mark(reasonMark{reason})
}

// reasonsOf returns the reasons among marks, sorted.
func reasonsOf(marks cty.ValueMarks) []string {
	var out []string
	for m := range marks {
		if r, ok := m.(reasonMark); ok {
			out = append(out, r.text)
		}
	}
	sort.Strings(out)
	return out
}

// joinReasons renders reasons for an Unknown entry.
func joinReasons(rs []string) string {
	if len(rs) == 0 {
		return "value is not known statically"
	}
	const max = 3
	if len(rs) > max {
		return strings.Join(rs[:max], "; ") + "; …"
	}
	return strings.Join(rs, "; ")
}

// isSensitive reports whether marks hold the sensitive mark.
func isSensitive(marks cty.ValueMarks) bool {
	_, ok := marks[sensitiveMark{}]
	return ok
}

// firstReason returns a value's reason for being unknown, looking at its
// marks and, for collections, its elements' marks.
func firstReason(v cty.Value) string {
	_, pvm := v.UnmarkDeepWithPaths()
	set := map[string]struct{}{}
	for _, p := range pvm {
		for _, r := range reasonsOf(p.Marks) {
			set[r] = struct{}{}
		}
	}
	var rs []string
	for r := range set {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return joinReasons(rs)
}
