package report

import (
	"strings"
	"unicode/utf8"
)

// clean makes text safe to print on a terminal or in a one-line format:
// invalid UTF-8 becomes U+FFFD, and control characters other than newline
// and tab, plus the Unicode bidirectional overrides used in "Trojan
// Source" attacks, become '?'. Findings quote resource addresses and source
// lines from untrusted templates; an escape sequence in a for_each key must
// not repaint the terminal of the person reading the report.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unsafeRune(r) {
			return '?'
		}
		return r
	}, s)
}

// isClean reports whether clean would return s unchanged; the common case
// costs one pass and no allocation.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune reports control characters and bidirectional formatting
// characters.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
