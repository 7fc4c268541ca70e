package model

// Finding statuses.
const (
	StatusFail    = "fail"
	StatusUnknown = "unknown"
)

// Severities, most severe first.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
)

// SeverityRank orders severities: critical 4, high 3, medium 2, low 1, other 0.
func SeverityRank(s string) int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// Enforcement levels of an environment.
const (
	EnforcementAdvise = "advise"
	EnforcementWarn   = "warn"
	EnforcementBlock  = "block"
)

// Finding is one rule result, the same struct in every layer and every
// output format. Its JSON form is public interface (see DESIGN.md).
type Finding struct {
	Rule         string `json:"rule"`
	Title        string `json:"title"`
	Severity     string `json:"severity"`
	Status       string `json:"status"`
	Resource     string `json:"resource"`
	ResourceType string `json:"resource_type"`
	// Root is the Terraform root module directory the resource was
	// evaluated from; empty for CloudFormation and plans.
	Root      string `json:"root,omitempty"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Path      string `json:"path"`
	// Message is the whole text shown to the developer. For a finding
	// with status unknown it ends with what is unknown and who decides
	// (worded by the gate, once, for the layer that checked it).
	Message string `json:"message"`
	// UnknownReason says which value is unknown and why, for a finding
	// with status unknown ("parameter Versioning has no value"); empty
	// otherwise. It is part of Message too.
	UnknownReason string `json:"unknown_reason,omitempty"`
	Remediation   string `json:"remediation"`
	Environment   string `json:"environment"`
	Enforcement   string `json:"enforcement"`
	// Blocking is true when this finding alone makes the gate fail.
	Blocking bool `json:"blocking"`
	// Waived is set when a waiver or an inline suppression covers the
	// finding; nil otherwise.
	Waived *Waiver `json:"waived"`

	// Related are further places that explain the finding: the module
	// call through which a resource in a module is declared, or, when the
	// finding is moved to that call because the module's own files are not
	// the user's to edit (.terraform/modules), where the module declares it.
	Related []Location `json:"related,omitempty"`

	// Range is the full source range (with byte offsets) for editors.
	Range Range `json:"-"`
}

// Location is a place in a source file, with what it has to do with a
// finding.
type Location struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Message   string `json:"message"`
}

// LocationOf is the location of a range.
func LocationOf(r Range, message string) Location {
	return Location{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column,
		EndLine: r.End.Line, EndColumn: r.End.Column, Message: message}
}

// Waiver says why a finding does not count.
type Waiver struct {
	// Kind is "waiver" (stackgate.yaml) or "inline" (a stackgate:ignore comment).
	Kind    string `json:"kind"`
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"`
}
