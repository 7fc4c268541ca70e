package workspace

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stackgate/stackgate/policies/model"
)

// TestIncrementalCheck: on the conformance corpus and the examples
// (templates, Terraform roots, plans, user rules), an incremental check
// finds what a full one finds, the first time (nothing remembered) and the
// second (everything remembered).
func TestIncrementalCheck(t *testing.T) {
	for _, rel := range []string{"testdata/conformance", "examples"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			ctx := context.Background()
			dir, ws := openTree(t, rel)
			units, err := ws.LoadPaths(ctx, []string{dir}, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			full, err := ws.Check(ctx, units, CheckOptions{Layer: model.RuleLayerEditor})
			if err != nil {
				t.Fatal(err)
			}
			if len(full.Findings) == 0 {
				t.Fatal("no findings: the corpus was not loaded")
			}
			for _, pass := range []string{"first", "second"} {
				inc, err := ws.Check(ctx, units, CheckOptions{Layer: model.RuleLayerEditor, Incremental: true})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(full.Findings, inc.Findings, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s incremental check differs (-full +incremental):\n%s", pass, diff)
				}
				if inc.Blocking != full.Blocking || len(inc.Errors) != len(full.Errors) {
					t.Errorf("%s incremental check: blocking %v, %d errors; full: %v, %d", pass, inc.Blocking, len(inc.Errors), full.Blocking, len(full.Errors))
				}
			}
		})
	}
}
