package config

import "time"

// Waiver exempts one resource from one rule until an expiry date, with a
// reason and an owner who answers for it.
type Waiver struct {
	Rule string
	// Resource is the Terraform address or CloudFormation logical id the
	// waiver covers. A '*' in it matches any run of characters (see
	// Matches); every other character is literal.
	Resource string
	// Environment limits the waiver to one environment; "" means all.
	Environment string
	Reason      string
	Owner       string
	// Expires is the last day the waiver is valid, at 00:00 UTC.
	Expires time.Time
	// File and Line locate the waiver entry, so that an expired waiver can
	// be reported where it is written.
	File string
	Line int
}

// Expired reports whether the waiver no longer applies at now. The expiry
// is a date and the waiver is valid through the end of that day in UTC, so
// "expires: 2027-03-31" still waives at 2027-03-31T23:59:59Z.
func (w Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// ExpiresString is the expiry date as written in the config (YYYY-MM-DD).
func (w Waiver) ExpiresString() string { return w.Expires.Format(dateLayout) }

// Matches reports whether the waiver names this rule, resource and
// environment. It does not look at the expiry: callers check Expired, so
// that an expired waiver can be reported instead of silently ignored.
//
// The resource is compared literally except that '*' matches any run of
// characters, dots and brackets included: "module.legacy.*" covers every
// resource of that module, `aws_s3_bucket.logs["*"]` every instance. Globs
// in the doublestar sense are deliberately not used: Terraform addresses
// contain '[', ']' and '"', which doublestar would read as character
// classes, so a literal address would silently fail to match.
func (w Waiver) Matches(rule, resource, env string) bool {
	if w.Rule != rule {
		return false
	}
	if w.Environment != "" && w.Environment != env {
		return false
	}
	return wildcardMatch(w.Resource, resource)
}

// wildcardMatch matches s against pattern, where '*' matches any run of
// characters and everything else is literal. It runs in O(len(pattern) *
// len(s)) worst case with no recursion.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
