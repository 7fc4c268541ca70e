// Package suppress finds inline suppression comments in source files:
//
//	# stackgate:ignore s3-versioning scratch data is rebuilt nightly
//	// stackgate:ignore s3-versioning,s3-encryption-kms fixture bucket
//
// A comment on a line of its own applies to the next line of code; a
// trailing comment applies to its own line. When that line is where a
// resource is declared, the suppression covers the whole resource. Every
// suppression needs a reason; one without is reported, not applied.
package suppress

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// marker finds the directive after a # or // comment opener.
var marker = regexp.MustCompile(`(?:#|//)\s*stackgate:ignore(?:\s+(\S+))?(?:\s+(.*))?$`)

// Problem is a malformed suppression comment.
type Problem = model.Error

// Scan returns the suppressions in src and the malformed ones. It is cheap:
// files without the marker text are rejected with one bytes.Contains.
func Scan(file string, src []byte) ([]model.Suppression, []*model.Error) {
	if !bytes.Contains(src, []byte("stackgate:ignore")) {
		return nil, nil
	}
	lines := strings.Split(string(src), "\n")
	var out []model.Suppression
	var problems []*model.Error
	for i, line := range lines {
		loc := marker.FindStringSubmatchIndex(line)
		if loc == nil {
			continue
		}
		m := marker.FindStringSubmatch(line)
		rules, reason := m[1], strings.TrimSpace(m[2])
		lineNo := i + 1
		if rules == "" {
			problems = append(problems, model.Errorf(file, lineNo, loc[0]+1, "stackgate:ignore needs a rule id and a reason: # stackgate:ignore <rule-id> <reason>"))
			continue
		}
		if reason == "" {
			problems = append(problems, model.Errorf(file, lineNo, loc[0]+1, "stackgate:ignore %s has no reason; say why the finding does not apply: # stackgate:ignore %s <reason>", rules, rules))
			continue
		}
		target := lineNo
		if strings.TrimSpace(line[:loc[0]]) == "" {
			target = nextCodeLine(lines, i+1)
		}
		for _, rule := range strings.Split(rules, ",") {
			if rule = strings.TrimSpace(rule); rule != "" {
				out = append(out, model.Suppression{Rule: rule, Reason: reason, File: file, Line: lineNo, Target: target})
			}
		}
	}
	return out, problems
}

// nextCodeLine returns the 1-based number of the first line at or after
// index i that is neither blank nor a comment (0 if none).
func nextCodeLine(lines []string, i int) int {
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
			continue
		}
		return i + 1
	}
	return 0
}
