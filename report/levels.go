package report

import (
	"github.com/stackgate/stackgate/policies/model"
)

// The machine formats each have three levels of attention; these helpers
// map a finding onto them in one place so the formats agree. The inputs
// are the finding's Blocking flag (the gate's decision), its status and
// the enforcement of its environment.

// sarifLevel is the SARIF result level: blocking and block-enforced
// failures are errors, warn is a warning, advise and unknown values (which
// the deploy-time hook decides) are notes.
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
	// block (a waived failure keeps the level it would have) or no
	// environment, where every rule blocks.
	return "error"
}

// githubLevel is the workflow command of a GitHub Actions annotation:
// error for blocking findings, warning for warn and for unknown values,
// notice for advise.
func githubLevel(f *model.Finding) string {
	switch {
	case f.Blocking:
		return "error"
	case f.Enforcement == model.EnforcementAdvise:
		return "notice"
	case f.Status == model.StatusUnknown, f.Enforcement == model.EnforcementWarn:
		return "warning"
	}
	return "error"
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
