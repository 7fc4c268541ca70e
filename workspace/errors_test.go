package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
)

// Every error a unit can carry becomes report errors with the most exact
// place known: each *model.Error of a list on its own, others at the
// unit's file.
func TestReportErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []report.Error
	}{
		{"nil", nil, nil},
		{"model error", inFile("a.yaml", model.Errorf("a.yaml", 3, 5, "bad")),
			[]report.Error{{File: "a.yaml", Line: 3, Column: 5, Message: "bad"}}},
		{"model error without file", inFile("a.yaml", model.Errorf("", 0, 0, "--var x: no such variable")),
			[]report.Error{{File: "a.yaml", Message: "--var x: no such variable"}}},
		{"model error in another file", inFile("root", model.Errorf("modules/m/main.tf", 2, 1, "bad")),
			[]report.Error{{File: "modules/m/main.tf", Line: 2, Column: 1, Message: "bad"}}},
		{"list", inFile("root", model.Errors{model.Errorf("root/a.tf", 1, 1, "one"), model.Errorf("root/b.tf", 2, 2, "two")}),
			[]report.Error{{File: "root/a.tf", Line: 1, Column: 1, Message: "one"}, {File: "root/b.tf", Line: 2, Column: 2, Message: "two"}}},
		{"joined", inFile("x.yaml", errors.Join(model.Errorf("x.yaml", 5, 5, "no reason"), errors.New("other"))),
			[]report.Error{{File: "x.yaml", Line: 5, Column: 5, Message: "no reason"}, {File: "x.yaml", Message: "other"}}},
		{"wrapped model error", inFile("a.yaml", fmt.Errorf("evaluating: %w", model.Errorf("a.yaml", 7, 0, "rule failed"))),
			[]report.Error{{File: "a.yaml", Line: 7, Message: "rule failed"}}},
		{"plain error named by its file", inFile("a.yaml", fmt.Errorf("a.yaml: %w", fs.ErrPermission)),
			[]report.Error{{File: "a.yaml", Message: "permission denied"}}},
		{"plain error", inFile("a.yaml", errors.New("rego: timeout")),
			[]report.Error{{File: "a.yaml", Message: "rego: timeout"}}},
		{"no file", errors.New("boom"), []report.Error{{Message: "boom"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ReportErrors(tt.err)); diff != "" {
				t.Errorf("ReportErrors (-want +got):\n%s", diff)
			}
		})
	}
	// The error text (stderr, Verdict's callers) names the file once.
	if got := inFile("a.yaml", errors.New("boom")).Error(); got != "a.yaml: boom" {
		t.Errorf("Error() = %q", got)
	}
	if got := inFile("a.yaml", model.Errorf("a.yaml", 1, 2, "bad")).Error(); got != "a.yaml:1:2: bad" {
		t.Errorf("Error() = %q", got)
	}
}
