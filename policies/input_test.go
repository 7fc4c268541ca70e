package policies

import (
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
