package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stackgate/stackgate/policies/model"
)

// The JSON shape documented in json.md, mirrored field by field: decoding
// with DisallowUnknownFields fails on any key the document does not list.
type jsonDoc struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
	Summary  struct {
		Files        int            `json:"files"`
		Resources    int            `json:"resources"`
		Findings     int            `json:"findings"`
		Blocking     int            `json:"blocking"`
		Failed       int            `json:"failed"`
		Unknown      int            `json:"unknown"`
		Waived       int            `json:"waived"`
		BySeverity   map[string]int `json:"by_severity"`
		Environments []string       `json:"environments"`
	} `json:"summary"`
	Errors []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Column  int    `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	Notes []string `json:"notes"`
}

type jsonFinding struct {
	Rule          string `json:"rule"`
	Title         string `json:"title"`
	Severity      string `json:"severity"`
	Status        string `json:"status"`
	Resource      string `json:"resource"`
	ResourceType  string `json:"resource_type"`
	Root          string `json:"root"`
	File          string `json:"file"`
	Line          int    `json:"line"`
	Column        int    `json:"column"`
	EndLine       int    `json:"end_line"`
	EndColumn     int    `json:"end_column"`
	Path          string `json:"path"`
	Message       string `json:"message"`
	UnknownReason string `json:"unknown_reason"`
	Remediation   string `json:"remediation"`
	Environment   string `json:"environment"`
	Enforcement   string `json:"enforcement"`
	Blocking      bool   `json:"blocking"`
	Related       []struct {
		File      string `json:"file"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		EndLine   int    `json:"end_line"`
		EndColumn int    `json:"end_column"`
		Message   string `json:"message"`
	} `json:"related"`
	Waived *struct {
		Kind    string `json:"kind"`
		Reason  string `json:"reason"`
		Owner   string `json:"owner"`
		Expires string `json:"expires"`
	} `json:"waived"`
}

func TestJSONShape(t *testing.T) {
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			res := loadCase(t, name)
			out := render(t, "json", res, Options{})
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.DisallowUnknownFields()
			var doc jsonDoc
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("output does not match the documented shape: %v", err)
			}
			if doc.Version != 1 {
				t.Errorf("version %d, want 1", doc.Version)
			}
			if !bytes.Contains(out, []byte(`"findings": [`)) || doc.Findings == nil {
				t.Error("findings is not an array")
			}
			if !bytes.Contains(out, []byte(`"errors": [`)) || doc.Errors == nil {
				t.Error("errors is not an array")
			}
			if len(doc.Errors) != len(res.Errors) {
				t.Errorf("%d errors, want %d", len(doc.Errors), len(res.Errors))
			}
			for i, e := range doc.Errors {
				if r := res.Errors[i]; e.File != r.File || e.Line != r.Line || e.Column != r.Column || e.Message != r.Message {
					t.Errorf("error %d: %+v, want %+v", i, e, r)
				}
			}
			if doc.Summary.Environments == nil {
				t.Error("environments is null, want an array")
			}
			for _, sev := range []string{"critical", "high", "medium", "low"} {
				if _, ok := doc.Summary.BySeverity[sev]; !ok {
					t.Errorf("by_severity lacks %s", sev)
				}
			}
			s := res.Summary
			got := []int{doc.Summary.Files, doc.Summary.Resources, doc.Summary.Findings, doc.Summary.Blocking, doc.Summary.Failed, doc.Summary.Unknown, doc.Summary.Waived}
			want := []int{s.Files, s.Resources, s.Findings, s.Blocking, s.Failed, s.Unknown, s.Waived}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("summary counts (-want +got):\n%s", diff)
			}
			// The findings round-trip into model.Finding unchanged.
			var back struct {
				Findings []model.Finding `json:"findings"`
			}
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatal(err)
			}
			want2 := res.Findings
			if want2 == nil {
				want2 = []model.Finding{}
			}
			if diff := cmp.Diff(want2, back.Findings); diff != "" {
				t.Errorf("findings do not round-trip (-want +got):\n%s", diff)
			}
		})
	}
}
