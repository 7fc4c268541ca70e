package model

import (
	"encoding/json"
	"regexp"
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
			if secretName.MatchString(k) && e != nil {
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

func collectSensitive(v any, path string, inside bool, sensitive map[string]bool, seen map[string]bool) {
	if path != "" && sensitive[path] {
		inside = true
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			collectSensitive(e, AppendKey(path, k), inside || secretName.MatchString(k), sensitive, seen)
		}
	case []any:
		for i, e := range x {
			collectSensitive(e, AppendIndex(path, i), inside, sensitive, seen)
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
		if v == "" || v == RedactedText {
			continue
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
	}
	return text
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
