package report

import (
	"sort"

	"github.com/stackgate/stackgate/policies/model"
)

// severities in the order reports list them, most severe first.
var severities = []string{model.SeverityCritical, model.SeverityHigh, model.SeverityMedium, model.SeverityLow}

// Summarize counts findings. It fills every count but Files and Resources,
// which only the caller knows; Environments lists the environments named by
// the findings, sorted.
func Summarize(findings []model.Finding) Summary {
	s := Summary{BySeverity: map[string]int{}}
	envs := map[string]bool{}
	for _, f := range findings {
		s.Findings++
		if f.Environment != "" {
			envs[f.Environment] = true
		}
		if f.Waived != nil {
			s.Waived++
			continue
		}
		if f.Blocking {
			s.Blocking++
		}
		if f.Status == model.StatusUnknown {
			s.Unknown++
		} else {
			s.Failed++
		}
		s.BySeverity[f.Severity]++
	}
	s.Environments = make([]string, 0, len(envs))
	for e := range envs {
		s.Environments = append(s.Environments, e)
	}
	sort.Strings(s.Environments)
	return s
}

// severityKeys returns the keys of a BySeverity map in report order: the
// four known severities first, then any other (user rules may carry an
// unexpected value) alphabetically.
func severityKeys(m map[string]int) []string {
	keys := append([]string(nil), severities...)
	var other []string
	for k := range m {
		if model.SeverityRank(k) == 0 {
			other = append(other, k)
		}
	}
	sort.Strings(other)
	return append(keys, other...)
}
