package workspace

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
)

// TestLoadPlanDropSources: a plan loaded with DropSources is checked the
// same (findings, notes, files counted) as one loaded without, and its
// unit names every file read (the plan and the configuration's .tf
// files) with no contents.
func TestLoadPlanDropSources(t *testing.T) {
	for _, name := range []string{"create", "module", "update"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dir, ws := openTree(t, filepath.Join("testdata", "plan", name))
			file := filepath.Join(dir, "plan.json")
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			check := func(drop bool) (scanner.Loaded, *Result) {
				unit, err := ws.LoadPlan(ctx, file, src, PlanOptions{DropSources: drop})
				if err != nil {
					t.Fatal(err)
				}
				sources := unit.Sources
				res, err := ws.Check(ctx, []scanner.Loaded{unit}, CheckOptions{Layer: model.RuleLayerCI})
				if err != nil {
					t.Fatal(err)
				}
				unit.Sources = sources
				return unit, res
			}
			keptUnit, kept := check(false)
			droppedUnit, dropped := check(true)
			if len(kept.Findings) == 0 {
				t.Fatal("no findings: the plan was not checked")
			}
			if !bytes.Equal(keptUnit.Sources[file], src) || len(keptUnit.Sources) < 2 {
				t.Fatalf("kept sources %v: want the plan's text and its configuration's", slices.Sorted(maps.Keys(keptUnit.Sources)))
			}
			if diff := cmp.Diff(namesOnly(keptUnit.Sources), droppedUnit.Sources); diff != "" {
				t.Errorf("dropped sources (-names of the kept +dropped):\n%s", diff)
			}
			if diff := cmp.Diff(kept.Findings, dropped.Findings); diff != "" {
				t.Errorf("findings differ (-kept +dropped):\n%s", diff)
			}
			if diff := cmp.Diff(kept.Notes, dropped.Notes); diff != "" {
				t.Errorf("notes differ (-kept +dropped):\n%s", diff)
			}
			if kept.Files != dropped.Files || kept.Resources != dropped.Resources || kept.Blocking != dropped.Blocking {
				t.Errorf("dropped: %d files, %d resources, blocking %v; kept: %d, %d, %v",
					dropped.Files, dropped.Resources, dropped.Blocking, kept.Files, kept.Resources, kept.Blocking)
			}
		})
	}
}
