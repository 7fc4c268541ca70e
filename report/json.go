package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/stackgate/stackgate/policies/model"
)

// jsonFormat writes {"version":1,"findings":[...],"summary":{...},"errors":[...]}. The
// shape is public interface, described in json.md; findings keep the JSON
// tags of model.Finding, in struct order.
type jsonFormat struct{}

func (jsonFormat) name() string      { return "json" }
func (jsonFormat) showsSource() bool { return false }

// jsonVersion is bumped only for an incompatible change of the shape.
const jsonVersion = 1

// jsonReport is the document; field order is output order.
type jsonReport struct {
	Version  int             `json:"version"`
	Findings []model.Finding `json:"findings"`
	Summary  jsonSummary     `json:"summary"`
	// Errors are the files that could not be checked and the broken
	// suppressions, each {file, line, column, message}; always an array.
	Errors []Error `json:"errors"`
	// Notes say what was not checked and why (a module not installed,
	// findings a filter hides).
	Notes []string `json:"notes,omitempty"`
}

// jsonSummary is Summary with snake_case keys.
type jsonSummary struct {
	Files        int            `json:"files"`
	Resources    int            `json:"resources"`
	Findings     int            `json:"findings"`
	Blocking     int            `json:"blocking"`
	Failed       int            `json:"failed"`
	Unknown      int            `json:"unknown"`
	Waived       int            `json:"waived"`
	BySeverity   map[string]int `json:"by_severity"`
	Environments []string       `json:"environments"`
}

func (jsonFormat) format(w io.Writer, res *Result, _ Options) error {
	s := res.Summary
	doc := jsonReport{
		Version:  jsonVersion,
		Findings: res.Findings,
		Summary: jsonSummary{
			Files: s.Files, Resources: s.Resources, Findings: s.Findings,
			Blocking: s.Blocking, Failed: s.Failed, Unknown: s.Unknown, Waived: s.Waived,
			BySeverity:   map[string]int{},
			Environments: s.Environments,
		},
		Errors: res.Errors,
		Notes:  res.Notes,
	}
	if doc.Errors == nil {
		doc.Errors = []Error{}
	}
	if doc.Findings == nil {
		doc.Findings = []model.Finding{}
	}
	if doc.Summary.Environments == nil {
		doc.Summary.Environments = []string{}
	}
	// Every known severity is always present, so consumers need no
	// defaulting; encoding/json sorts map keys, keeping output stable.
	for _, k := range severityKeys(s.BySeverity) {
		doc.Summary.BySeverity[k] = s.BySeverity[k]
	}
	if len(doc.Findings) == 0 {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	return writeJSONStreaming(w, doc)
}

// writeJSONStreaming writes doc exactly as a json.Encoder (no HTML
// escaping, two-space indent) would, encoding one finding at a time: a
// report of 220,000 findings is over 200 MB of JSON, which the encoder
// would otherwise build, and then indent into a second buffer, in memory
// before writing a byte. The document without its findings is encoded
// whole and the findings are spliced in at their place.
func writeJSONStreaming(w io.Writer, doc jsonReport) error {
	findings := doc.Findings
	doc.Findings = []model.Finding{}
	var frame bytes.Buffer
	enc := json.NewEncoder(&frame)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	// "version" comes first and is a number, so the first "findings"
	// member is the document's list.
	const empty = `"findings": []`
	head, tail, ok := bytes.Cut(frame.Bytes(), []byte(empty))
	if !ok {
		return fmt.Errorf("report: findings member not found in JSON frame")
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `"findings": [`); err != nil {
		return err
	}
	var one bytes.Buffer
	fenc := json.NewEncoder(&one)
	fenc.SetEscapeHTML(false)
	fenc.SetIndent("    ", "  ")
	for i := range findings {
		one.Reset()
		if i > 0 {
			one.WriteByte(',')
		}
		one.WriteString("\n    ")
		if err := fenc.Encode(&findings[i]); err != nil {
			return err
		}
		// Encode ends the value with a newline; the list goes on.
		if _, err := w.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, "\n  ]"); err != nil {
		return err
	}
	_, err := w.Write(tail)
	return err
}
