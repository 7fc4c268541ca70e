// Package suggest finds the likely intended word for a misspelt name (a
// configuration key, a rule id, a parameter), the one "did you mean"
// every part of stackgate offers.
package suggest

// Closest returns the candidate closest to word when it is close enough to
// be a plausible typo ("enforcment" -> "enforcement"), else "". Ties go to
// the alphabetically first candidate, so the answer does not depend on the
// candidates' order.
func Closest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := Distance(word, c)
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

// Distance is the Levenshtein distance between a and b, counted in bytes
// (keys, rule ids and parameter names are ASCII).
func Distance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		// Not a typo of any name: avoid quadratic work on hostile input.
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
