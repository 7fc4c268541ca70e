package hooks

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

// Response is the hook's answer, as the CloudFormation Hooks User Guide
// documents it ("Create a Lambda function to evaluate resources",
// response).
type Response struct {
	// HookStatus is SUCCESS, FAILED or IN_PROGRESS.
	HookStatus string `json:"hookStatus"`
	// ErrorCode is NonCompliant (the check ran and refuses) or
	// InternalFailure (the check could not run) when HookStatus is FAILED.
	ErrorCode string `json:"errorCode,omitempty"`
	// Message leads with the most important finding; CloudFormation keeps
	// 4,096 characters of it, Cloud Control 1,024.
	Message string `json:"message,omitempty"`
	// ClientRequestToken echoes the request's.
	ClientRequestToken string `json:"clientRequestToken"`
	// CallbackContext is handed back in the next invocation's
	// requestContext.callbackContext (IN_PROGRESS).
	CallbackContext map[string]any `json:"callbackContext,omitempty"`
	// CallbackDelaySeconds is the wait before that invocation.
	CallbackDelaySeconds int `json:"callbackDelaySeconds,omitempty"`
	// Annotations hold one result per rule evaluated, for the hook's
	// invocation results (GetHookResult, the console).
	Annotations []Annotation `json:"annotations,omitempty"`
}

// Annotation is the result of one rule.
type Annotation struct {
	AnnotationName     string `json:"annotationName"`
	Status             string `json:"status"`
	StatusMessage      string `json:"statusMessage,omitempty"`
	RemediationMessage string `json:"remediationMessage,omitempty"`
	RemediationLink    string `json:"remediationLink,omitempty"`
	SeverityLevel      string `json:"severityLevel,omitempty"`
}

// Hook statuses, error codes and annotation statuses.
const (
	StatusSuccess    = "SUCCESS"
	StatusFailed     = "FAILED"
	StatusInProgress = "IN_PROGRESS"

	ErrorNonCompliant    = "NonCompliant"
	ErrorInternalFailure = "InternalFailure"

	AnnotationPassed  = "PASSED"
	AnnotationFailed  = "FAILED"
	AnnotationSkipped = "SKIPPED"
)

// Message limits.
const (
	MaxMessage             = 4096
	MaxCloudControlMessage = 1024
	// maxAnnotationText bounds each annotation text.
	maxAnnotationText = 1024
)

// severityLevel maps a rule severity to the annotation's.
func severityLevel(s string) string {
	switch s {
	case model.SeverityCritical:
		return "CRITICAL"
	case model.SeverityHigh:
		return "HIGH"
	case model.SeverityMedium:
		return "MEDIUM"
	case model.SeverityLow:
		return "LOW"
	}
	return "INFORMATIONAL"
}

// rank orders findings for the message: blocking first, then failing
// before unknown, then by severity, rule and resource.
func rank(fs []model.Finding) []model.Finding {
	out := slices.Clone(fs)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Blocking != b.Blocking:
			return a.Blocking
		case a.Status != b.Status:
			return a.Status == model.StatusFail
		case model.SeverityRank(a.Severity) != model.SeverityRank(b.Severity):
			return model.SeverityRank(a.Severity) > model.SeverityRank(b.Severity)
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		}
		return a.Resource < b.Resource
	})
	return out
}

// findingsMessage says what the findings are, most important first: the
// first finding with its fix, the others one line each, and "and N more"
// for what does not fit in limit bytes.
func findingsMessage(head string, fs []model.Finding, limit int) string {
	var b strings.Builder
	b.WriteString(head)
	for i, f := range fs {
		entry := " [" + f.Rule + ", " + f.Severity + "] " + strings.TrimSpace(f.Message)
		if fix := firstParagraph(f.Remediation); i == 0 && fix != "" {
			entry += " Fix: " + fix
		}
		more := ""
		if rest := len(fs) - i - 1; rest > 0 {
			more = fmt.Sprintf(" ... and %d more", rest)
		}
		if b.Len()+len(entry)+len(more) > limit {
			left := len(fs) - i
			tail := fmt.Sprintf(" ... and %d more", left)
			if i == 0 {
				// The most important finding is shown, cut to fit.
				tail = ""
				if left > 1 {
					tail = fmt.Sprintf(" ... and %d more", left-1)
				}
				b.WriteString(truncate(entry, limit-b.Len()-len(tail)))
			}
			b.WriteString(tail)
			return truncate(b.String(), limit)
		}
		b.WriteString(entry)
	}
	return truncate(b.String(), limit)
}

// firstParagraph is the first paragraph of a remediation, on one line:
// the sentence saying what to change, without the snippet after it (the
// annotation carries the whole remediation).
func firstParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n bytes at a character boundary, marking the
// cut with "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 3 {
		return s[:max(n, 0)]
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// annotations gives one annotation per rule evaluated in the environment
// (and per other rule that reported, such as waiver-expired): FAILED when
// a finding that is not waived fails it, SKIPPED when the rule could not
// decide, was waived, or applies to none of the resources, PASSED
// otherwise.
func annotations(enabled []string, rules []model.Rule, fs []model.Finding, types []string, scrub *model.Redactor) []Annotation {
	byID := make(map[string]model.Rule, len(rules))
	for _, r := range rules {
		byID[r.ID] = r
	}
	perRule := map[string][]model.Finding{}
	ids := slices.Clone(enabled)
	for _, f := range fs {
		if _, ok := perRule[f.Rule]; !ok && !slices.Contains(ids, f.Rule) {
			ids = append(ids, f.Rule)
		}
		perRule[f.Rule] = append(perRule[f.Rule], f)
	}
	sort.Strings(ids)
	out := make([]Annotation, 0, len(ids))
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			r = model.Rule{ID: id}
		}
		a := Annotation{
			AnnotationName:     id,
			RemediationMessage: truncate(scrub.Redact(r.Remediation.For(model.LayerCloudFormation)), maxAnnotationText),
			RemediationLink:    r.URL,
			SeverityLevel:      severityLevel(r.Severity),
		}
		a.Status, a.StatusMessage = ruleStatus(r, perRule[id], types)
		a.StatusMessage = truncate(scrub.Redact(a.StatusMessage), maxAnnotationText)
		out = append(out, a)
	}
	return out
}

// ruleStatus is one rule's annotation status and message.
func ruleStatus(r model.Rule, fs []model.Finding, types []string) (string, string) {
	var failed, unknown, waived []model.Finding
	for _, f := range rank(fs) {
		switch {
		case f.Waived != nil:
			waived = append(waived, f)
		case f.Status == model.StatusFail || f.Blocking:
			failed = append(failed, f)
		default:
			unknown = append(unknown, f)
		}
	}
	switch {
	case len(failed) > 0:
		return AnnotationFailed, summary(failed)
	case len(unknown) > 0:
		return AnnotationSkipped, "Not decided: " + summary(unknown)
	case len(waived) > 0:
		w := waived[0].Waived
		msg := fmt.Sprintf("Waived for %s (%s: %s", waived[0].Resource, w.Kind, w.Reason)
		if w.Owner != "" {
			msg += ", owner " + w.Owner
		}
		if w.Expires != "" {
			msg += ", expires " + w.Expires
		}
		msg += ")."
		if len(waived) > 1 {
			msg += fmt.Sprintf(" And %d more waived.", len(waived)-1)
		}
		return AnnotationSkipped, msg
	case !applies(r, types):
		return AnnotationSkipped, "Not applicable: no resource of the types this rule inspects."
	}
	return AnnotationPassed, "Compliant."
}

func summary(fs []model.Finding) string {
	msg := strings.TrimSpace(fs[0].Message)
	if len(fs) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(fs)-1)
	}
	return msg
}

// applies reports whether the rule inspects one of the resource types.
func applies(r model.Rule, types []string) bool {
	if len(r.ResourceTypes) == 0 {
		return len(types) > 0
	}
	for _, pattern := range r.ResourceTypes {
		for _, t := range types {
			if pattern == "*" || pattern == t {
				return true
			}
			if ok, _ := path.Match(pattern, t); ok {
				return true
			}
		}
	}
	return false
}
