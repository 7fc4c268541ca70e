package config

import (
	"sort"

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

// suggest returns the candidate closest to word when it is close enough to
// be a plausible typo ("enforcment" -> "enforcement"), else "".
func suggest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(word, c)
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	limit := max(2, len(word)/3)
	if bestDist < 0 || bestDist > limit || bestDist >= len(word) {
		return ""
	}
	return best
}

// didYouMean formats a suggestion as a message suffix.
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return " (did you mean '" + s + "'?)"
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, counted in
// bytes (config keys and rule ids are ASCII).
func editDistance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		// Not a typo of any key: avoid quadratic work on hostile input.
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
