package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// TestJSONStreamingSame: writing the findings one at a time gives exactly
// the bytes a json.Encoder writes for the whole document (no HTML
// escaping, two-space indent), with every kind of member a finding has.
func TestJSONStreamingSame(t *testing.T) {
	f := model.Finding{Rule: "r<1>", Title: "A & B", Severity: "high", Status: "fail", Resource: "Bucket",
		ResourceType: "AWS::S3::Bucket", File: "t.yaml", Line: 3, Column: 3, EndLine: 3, EndColumn: 9,
		Path: "Tags[0].Value", Message: "line\nbreak \"quoted\" \u2028 é", Remediation: "<b>x</b>",
		Environment: "prod", Enforcement: "block", Blocking: true,
		Waived:  &model.Waiver{Kind: "inline", Reason: "ok"},
		Related: []model.Location{{File: "m.tf", Line: 1, Column: 1, EndLine: 1, EndColumn: 2, Message: "module call"}}}
	g := f
	g.Waived, g.Related, g.UnknownReason, g.Status = nil, nil, "var.x has no value", "unknown"
	for _, findings := range [][]model.Finding{{f}, {f, g, f}} {
		doc := jsonReport{Version: jsonVersion, Findings: findings,
			Summary: jsonSummary{Findings: len(findings), BySeverity: map[string]int{"high": len(findings)}, Environments: []string{"prod"}},
			Errors:  []Error{{File: "x.yaml", Line: 2, Message: "bad"}}, Notes: []string{"a note"}}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeJSONStreaming(&got, doc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d findings: streamed JSON differs:\n%s\nwant:\n%s", len(findings), got.Bytes(), want.Bytes())
		}
	}
}
