package report

import (
	"github.com/stackgate/stackgate/policies/model"
)

// The machine formats each have three levels of attention; these helpers
// map a finding onto them in one place so the formats agree. The inputs
// are the finding's Blocking flag (the gate's decision), its status and
// the enforcement of its environment.

// sarifLevel is the SARIF result level: blocking failures (and waived ones
// that would block) are errors, warn and failures that do not block are
// warnings, advise and unknown values (which the deploy-time hook decides)
// are notes.
func sarifLevel(f *model.Finding) string {
	switch {
	case f.Blocking:
		return "error"
	case f.Status == model.StatusUnknown:
		return "note"
	}
	switch f.Enforcement {
	case model.EnforcementWarn:
		return "warning"
	case model.EnforcementAdvise:
		return "note"
	}
	// block, or no environment, where every rule blocks: a waived failure
	// keeps the level it would have had; a failure that does not block
	// (waiver-expired) is a warning, never an error.
	if f.Waived != nil {
		return "error"
	}
	return "warning"
}

// githubLevel is the workflow command of a GitHub Actions annotation:
// error for blocking findings (and only those), notice for advise, warning
// for everything else.
func githubLevel(f *model.Finding) string {
	switch {
	case f.Blocking:
		return "error"
	case f.Enforcement == model.EnforcementAdvise:
		return "notice"
	}
	// warn, unknown values, and a failure that does not block in a
	// blocking environment (waiver-expired): only blocking is an error.
	return "warning"
}

// severityLevel is the SARIF default level of a rule of the given severity,
// used for rules' defaultConfiguration.
func severityLevel(severity string) string {
	switch severity {
	case model.SeverityCritical, model.SeverityHigh:
		return "error"
	case model.SeverityMedium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub code scanning reads from a
// rule's properties["security-severity"] to show critical/high/medium/low.
func securitySeverity(severity string) string {
	switch severity {
	case model.SeverityCritical:
		return "9.5"
	case model.SeverityHigh:
		return "8.0"
	case model.SeverityMedium:
		return "5.5"
	}
	return "3.0"
}

// catalogue indexes rules by id.
type catalogue map[string]*model.Rule

func newCatalogue(rules []model.Rule) catalogue {
	c := make(catalogue, len(rules))
	for i := range rules {
		c[rules[i].ID] = &rules[i]
	}
	return c
}

// title returns the finding's title, or its rule's, or the rule id.
func (c catalogue) title(f *model.Finding) string {
	if f.Title != "" {
		return f.Title
	}
	if r := c[f.Rule]; r != nil && r.Title != "" {
		return r.Title
	}
	return f.Rule
}
