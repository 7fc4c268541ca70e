package model

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Redacted is what stands in for a value that is not shown.
const Redacted = "(sensitive)"

// secretName matches property names that hold secrets by their nature
// (MasterUserPassword, AuthToken, SecretString, PrivateKey, client_secret):
// their values are never shown, whether or not the source marks them
// sensitive. The word must end the name, so that names about secrets
// rather than holding one (HttpTokens: "required", SecretArn, PasswordLength)
// stay readable.
var secretName = regexp.MustCompile(`(?i)(password|passwd|passphrase|secret|secret_?string|secret_?value|token|private_?key|credentials?)$`)

// secretNames remembers secretName's answer for each property name seen:
// every finding's message is redacted against every resource of its
// document, so an editor matches the same few hundred names on every
// keystroke, and the regexp cost more than the rest of redaction. Bounded:
// cleared when it holds maxSecretNames names.
var (
	secretNamesMu sync.RWMutex
	secretNames   = map[string]bool{}
)

const maxSecretNames = 1 << 14

// isSecretName reports whether secretName matches k.
func isSecretName(k string) bool {
	secretNamesMu.RLock()
	is, ok := secretNames[k]
	secretNamesMu.RUnlock()
	if ok {
		return is
	}
	is = secretName.MatchString(k)
	secretNamesMu.Lock()
	if len(secretNames) >= maxSecretNames {
		clear(secretNames)
	}
	secretNames[k] = is
	secretNamesMu.Unlock()
	return is
}

// Redact returns a copy of r whose property values that are sensitive (its
// Sensitive paths and the values of secret-named properties) read
// Redacted, in Properties and in Change.Before. The copy shares nothing
// mutable with r.
func (r Resource) Redact() Resource {
	sensitive := make(map[string]bool, len(r.Sensitive))
	for _, p := range r.Sensitive {
		sensitive[p] = true
	}
	out := r
	out.Properties, _ = redactValue(r.Properties, "", sensitive).(map[string]any)
	if r.Change != nil {
		c := *r.Change
		c.Before, _ = redactValue(r.Change.Before, "", sensitive).(map[string]any)
		out.Change = &c
	}
	return out
}

func redactValue(v any, path string, sensitive map[string]bool) any {
	if path != "" && sensitive[path] {
		return Redacted
	}
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			if isSecretName(k) && e != nil {
				m[k] = Redacted
				continue
			}
			m[k] = redactValue(e, AppendKey(path, k), sensitive)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = redactValue(e, AppendIndex(path, i), sensitive)
		}
		return l
	}
	return v
}

// RedactedText is what stands in for a sensitive value inside prose (rule
// messages, unknown reasons), as Terraform words it.
const RedactedText = "(sensitive value)"

// SensitiveValues returns the text forms of r's sensitive values: every
// string and number at or below its Sensitive paths and below secret-named
// properties (the values Redact hides), in Properties and in Change.Before,
// longest first, without duplicates. Booleans are left out on purpose: a
// rule about a sensitive boolean discloses it by firing or not, and
// replacing "true" or "false" in a message would only garble it.
func (r Resource) SensitiveValues() []string {
	sensitive := make(map[string]bool, len(r.Sensitive))
	for _, p := range r.Sensitive {
		sensitive[p] = true
	}
	seen := map[string]bool{}
	collectSensitive(r.Properties, "", false, sensitive, seen)
	if r.Change != nil {
		collectSensitive(r.Change.Before, "", false, sensitive, seen)
	}
	if len(seen) == 0 {
		return nil
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sortLongestFirst(out)
	return out
}

// collectSensitive adds the text of the values at or below path in v that
// are sensitive (inside: below a sensitive path or secret-named key) to
// seen. It walks every value of every resource, so the paths below are
// made only while one of them may still be a sensitive path: not when
// the resource has none, nor inside a sensitive value.
func collectSensitive(v any, path string, inside bool, sensitive map[string]bool, seen map[string]bool) {
	if path != "" && sensitive[path] {
		inside = true
	}
	paths := len(sensitive) > 0 && !inside
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			var p string
			if paths {
				p = AppendKey(path, k)
			}
			collectSensitive(e, p, inside || isSecretName(k), sensitive, seen)
		}
	case []any:
		for i, e := range x {
			var p string
			if paths {
				p = AppendIndex(path, i)
			}
			collectSensitive(e, p, inside, sensitive, seen)
		}
	default:
		if !inside {
			return
		}
		if s := scalarText(x); strings.TrimSpace(s) != "" {
			seen[s] = true
		}
	}
}

// scalarText is how a rule's sprintf would print a scalar value ("" for
// nil and booleans, see SensitiveValues).
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return ""
}

func sortLongestFirst(l []string) {
	sort.Slice(l, func(i, j int) bool {
		if len(l[i]) != len(l[j]) {
			return len(l[i]) > len(l[j])
		}
		return l[i] < l[j]
	})
}

// longSecret is the length from which a sensitive value is replaced
// wherever it occurs in a text; a shorter one ("22", "AES256") only where
// it stands as a whole token, so that it does not garble other words.
const longSecret = 8

// RedactText replaces in text every occurrence of the given sensitive
// values (SensitiveValues) by RedactedText. Matching ignores case, so a
// value a rule lowercased or uppercased is caught too. Values of at least
// longSecret bytes are replaced anywhere; shorter ones only as whole
// tokens (not next to a letter, digit or underscore).
func RedactText(text string, values []string) string {
	if text == "" || len(values) == 0 {
		return text
	}
	values = append([]string(nil), values...)
	sortLongestFirst(values)
	for _, v := range values {
		text = redactOne(text, v)
	}
	return text
}

// redactOne replaces the occurrences of one value in text (RedactText).
func redactOne(text, v string) string {
	if v == "" || v == RedactedText {
		return text
	}
	re := redactPattern(v)
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(text, -1) {
		if len(v) < longSecret && (wordBefore(text, m[0]) || wordAfter(text, m[1])) {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(RedactedText)
		last = m[1]
	}
	if last > 0 {
		b.WriteString(text[last:])
		text = b.String()
	}
	return text
}

// A Redactor is RedactText over a fixed list of values, prepared once for
// many texts (every finding of a document): the values are sorted once,
// and a text is matched only against the values that occur in it, found
// through an index of their case-folded prefixes, instead of running one
// regular expression per value over every text. Redact(text) is exactly
// RedactText(text, values).
type Redactor struct {
	values []string // sorted longest first, without "" and RedactedText
	folded []string // foldText of each value
	// byPrefix[k] maps the first k bytes (k = 1..foldKey) of a folded
	// value of exactly k bytes or (k = foldKey) longer, to its indexes.
	byPrefix [foldKey + 1]map[string][]int32
}

const foldKey = 4

// NewRedactor prepares the values (SensitiveValues of any resources).
func NewRedactor(values []string) *Redactor {
	r := &Redactor{}
	for _, v := range values {
		if v != "" && v != RedactedText {
			r.values = append(r.values, v)
		}
	}
	sortLongestFirst(r.values)
	r.folded = make([]string, len(r.values))
	for i, v := range r.values {
		f := foldText(v)
		r.folded[i] = f
		k := min(len(f), foldKey)
		if r.byPrefix[k] == nil {
			r.byPrefix[k] = map[string][]int32{}
		}
		r.byPrefix[k][f[:k]] = append(r.byPrefix[k][f[:k]], int32(i))
	}
	return r
}

// Redact is RedactText(text, values).
func (r *Redactor) Redact(text string) string {
	if r == nil || text == "" || len(r.values) == 0 {
		return text
	}
	cands := r.candidates(text, nil)
	for len(cands) > 0 {
		i := cands[0]
		cands = cands[1:]
		next := redactOne(text, r.values[i])
		if next == text {
			continue
		}
		// The text changed: what the remaining values can match is
		// found again in the new text, as RedactText would see it.
		text = next
		cands = r.candidates(text, cands[:0])
		j := 0
		for _, c := range cands {
			if c > i {
				cands[j] = c
				j++
			}
		}
		cands = cands[:j]
	}
	return text
}

// candidates returns, ascending, the indexes of the values whose folded
// form occurs in the folded text: exactly those a case-insensitive
// literal match finds in text (a rune matches every rune of its simple
// case-folding orbit, which foldText maps to one representative).
func (r *Redactor) candidates(text string, out []int32) []int32 {
	ft := foldText(text)
	for p := 0; p < len(ft); p++ {
		for k := 1; k <= foldKey && p+k <= len(ft); k++ {
			m := r.byPrefix[k]
			if m == nil {
				continue
			}
			for _, i := range m[ft[p:p+k]] {
				if strings.HasPrefix(ft[p:], r.folded[i]) {
					out = append(out, i)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// foldText maps every rune to the smallest rune of its simple case-folding
// orbit (the runes (?i) matches it with); invalid UTF-8 bytes become
// utf8.RuneError, as regexp reads them.
func foldText(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A' // the orbit of an ASCII letter starts at its upper case
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, foldRune(r))
		i += n
	}
	return string(b)
}

func foldRune(c rune) rune {
	m := c
	for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
		if f < m {
			m = f
		}
	}
	return m
}

var (
	patternMu sync.Mutex
	patterns  = map[string]*regexp.Regexp{}
)

func redactPattern(v string) *regexp.Regexp {
	patternMu.Lock()
	defer patternMu.Unlock()
	re, ok := patterns[v]
	if !ok {
		if len(patterns) > 4096 {
			clear(patterns)
		}
		re = regexp.MustCompile(`(?i)` + regexp.QuoteMeta(v))
		patterns[v] = re
	}
	return re
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func wordBefore(s string, i int) bool {
	r, n := utf8.DecodeLastRuneInString(s[:i])
	return n > 0 && isWord(r)
}

func wordAfter(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return n > 0 && isWord(r)
}
