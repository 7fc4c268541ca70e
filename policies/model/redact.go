package model

import "regexp"

// Redacted is what stands in for a value that is not shown.
const Redacted = "(sensitive)"

// secretName matches property names that hold secrets by their nature
// (MasterUserPassword, AuthToken, SecretString, PrivateKey): their values
// are never shown, whether or not the source marks them sensitive.
var secretName = regexp.MustCompile(`(?i)(password|passwd|passphrase|secret|token|private_?key|credentials?$)`)

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
