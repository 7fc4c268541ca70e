package policies

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stackgate/stackgate/policies/model"
)

// TestUnknownIndex checks the index lib.unknown and lib.unknown_within read
// against the one policies/lib/lib_test.rego writes by hand (and checks
// against a scan of unknown_paths).
func TestUnknownIndex(t *testing.T) {
	got := unknownIndexTerm([]model.Unknown{{Path: "A.B[2]", Reason: "x"}, {Path: "C", Reason: "y"}})
	want := ast.MustParseTerm(`{
		"prefixes": ["A.B[2].", "A.B[2][", "C.", "C["],
		"within": {"": true, "A": true, "A.B": true, "A.B[2]": true, "C": true},
	}`)
	if !got.Equal(want) {
		t.Errorf("unknown index = %v, want %v", got, want)
	}
	got = unknownIndexTerm([]model.Unknown{{Path: "", Reason: "x"}})
	want = ast.MustParseTerm(`{"prefixes": [""], "within": {"": true}}`)
	if !got.Equal(want) {
		t.Errorf("unknown index of the whole properties = %v, want %v", got, want)
	}
	r := resourceTerm(&model.Resource{Address: "R", Type: "AWS::S3::Bucket"})
	if r.Get(ast.StringTerm("unknown_index")) != nil {
		t.Errorf("a resource without unknown paths has an unknown_index: %v", r)
	}
}

// TestTermBuilderValue: values built with shared terms and the builder's
// stacks equal OPA's own conversion (ast.InterfaceToValue), for nested
// objects whose keys repeat at every depth, and one builder serves many
// values in a row, as it does for a chunk.
func TestTermBuilderValue(t *testing.T) {
	long := strings.Repeat("x", maxSharedString+1)
	values := []any{
		nil, true, false, "", "Enabled", long, 0, int64(-3), int64(1 << 40), 2.5, json.Number("1e400"),
		[]any{}, map[string]any{}, []string{"a", "b", "a"},
		map[string]any{"b": 1, "a": map[string]any{"b": map[string]any{"a": "b", "c": []any{map[string]any{"a": nil}}}}, "c": []any{"a", long, map[string]any{}}},
		map[string]any{"Key": "k", "Value": map[string]any{"Key": map[string]any{"Key": "Value", "Value": []string{"Key"}}}, "z": true, "y": false},
	}
	b := newTermBuilder()
	for round := range 2 {
		for _, v := range values {
			want, err := ast.InterfaceToValue(v)
			if err != nil {
				t.Fatalf("InterfaceToValue(%#v): %v", v, err)
			}
			got := b.value(v)
			if ast.Compare(got.Value, want) != 0 {
				t.Errorf("round %d: value(%#v) = %v, want %v", round, v, got, want)
			}
		}
	}
	if len(b.keys) != 0 || len(b.items) != 0 {
		t.Errorf("stacks left with %d keys, %d items", len(b.keys), len(b.items))
	}
}
