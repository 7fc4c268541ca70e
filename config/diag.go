package config

import (
	"sort"

	"github.com/stackgate/stackgate/internal/suggest"
	"github.com/stackgate/stackgate/policies/model"
)

// sortedErrors orders problems by position and drops exact duplicates (the same
// message at the same place can be reached twice, e.g. through a bad key
// that is also a bad type).
func sortedErrors(es model.Errors) model.Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 {
			p := es[i-1]
			if p.Line == e.Line && p.Column == e.Column && p.Message == e.Message {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// didYouMean formats a suggestion as a message suffix.
func didYouMean(word string, candidates []string) string {
	if s := suggest.Closest(word, candidates); s != "" {
		return " (did you mean '" + s + "'?)"
	}
	return ""
}
