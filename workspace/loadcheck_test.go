package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
)

// TestLoadAndCheck: checking each unit as it loads (and dropping its
// model) gives the result of loading everything and then checking it, on
// trees with templates, Terraform roots, plans, user rules, files that do
// not load and files that are skipped; and the units it returns hold no
// resources any more. With DropSources, the result is the same but for
// the files' contents, which it does not hold.
func TestLoadAndCheck(t *testing.T) {
	for _, rel := range []string{"testdata/conformance", "examples", "testdata/hostile", "testdata/cfn"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			ctx := context.Background()
			dir, ws := openTree(t, rel)
			copts := CheckOptions{Layer: model.RuleLayerCI}
			units, err := ws.LoadPaths(ctx, []string{dir}, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := ws.Check(ctx, units, copts)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Findings)+len(want.Errors) == 0 {
				t.Fatal("no findings and no errors: the tree was not loaded")
			}
			for _, drop := range []bool{false, true} {
				streamed, got, err := ws.LoadAndCheck(ctx, []string{dir}, LoadOptions{Workers: 3, DropSources: drop}, copts)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want.Findings, got.Findings, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("DropSources %v: findings differ (-load then check +load and check):\n%s", drop, diff)
				}
				if diff := cmp.Diff(errorTexts(want.Errors), errorTexts(got.Errors)); diff != "" {
					t.Errorf("DropSources %v: errors differ (-load then check +load and check):\n%s", drop, diff)
				}
				if diff := cmp.Diff(want.Notes, got.Notes, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("DropSources %v: notes differ:\n%s", drop, diff)
				}
				if got.Blocking != want.Blocking || got.Files != want.Files || got.Resources != want.Resources {
					t.Errorf("DropSources %v: blocking %v, %d files, %d resources; want %v, %d, %d",
						drop, got.Blocking, got.Files, got.Resources, want.Blocking, want.Files, want.Resources)
				}
				// Dropped, every file read is still named, with no contents.
				wantSources := want.Sources
				if drop {
					wantSources = namesOnly(want.Sources)
				}
				if diff := cmp.Diff(wantSources, got.Sources); diff != "" {
					t.Errorf("DropSources %v: sources differ:\n%s", drop, diff)
				}
				if len(streamed) != len(units) {
					t.Fatalf("%d units returned; LoadPaths loads %d", len(streamed), len(units))
				}
				for _, u := range streamed {
					if len(u.Resources) > 0 {
						t.Errorf("%s: %d resources still held after its check", u.File, len(u.Resources))
					}
				}
			}
		})
	}
}

// TestLoadAndCheckConfigError: a configuration that does not compile is
// the error returned, before anything else, and nothing is checked.
func TestLoadAndCheckConfigError(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "stackgate.yaml")
	for name, src := range map[string]string{
		cfg:                          "rules:\n  no-such-rule: {}\n",
		filepath.Join(dir, "t.yaml"): "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
	} {
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := Open(Options{Start: dir, ConfigFile: cfg})
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := ws.LoadAndCheck(context.Background(), []string{dir}, LoadOptions{}, CheckOptions{Layer: model.RuleLayerCI})
	if err == nil || res != nil {
		t.Fatalf("LoadAndCheck = %v, %v; want the configuration's error and no result", res, err)
	}
	if _, gerr := ws.Gate(); gerr == nil || gerr.Error() != err.Error() {
		t.Errorf("error %q; want the gate's %v", err, gerr)
	}
}

func errorTexts(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprint(e)
	}
	return out
}

// openTree opens the workspace of a tree of the repository (rel to its
// root), as a scan started there would.
func openTree(t *testing.T, rel string) (dir string, ws *Workspace) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", rel))
	if err != nil {
		t.Fatal(err)
	}
	ws, err = Open(Options{Start: dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir, ws
}

// TestLoadAndCheckAhead: units loaded while the rules compile are held
// and checked once they are ready, with the result of checking each as it
// loads: the gate here opens only after the first unit, half of them, or
// all of them have loaded (then every unit is checked after the load).
func TestLoadAndCheckAhead(t *testing.T) {
	for _, rel := range []string{"testdata/conformance", "examples", "testdata/cfn"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			ctx := context.Background()
			dir, ws := openTree(t, rel)
			copts := CheckOptions{Layer: model.RuleLayerCI}
			_, want, err := ws.LoadAndCheck(ctx, []string{dir}, LoadOptions{}, copts)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Findings) == 0 {
				t.Fatal("no findings: the tree was not checked")
			}
			for _, at := range []string{"first", "half", "all"} {
				compiled := ws.ready
				ws.ready = make(chan struct{})
				var once sync.Once
				open := func() { once.Do(func() { close(ws.ready) }) }
				progress := func(done, total int) {
					if at == "first" || (at == "half" && done >= total/2) || (at == "all" && done == total) {
						open()
					}
				}
				_, got, err := ws.LoadAndCheck(ctx, []string{dir}, LoadOptions{Workers: 2, Progress: progress}, copts)
				open()
				ws.ready = compiled
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want.Findings, got.Findings, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("gate ready after %s: findings differ (-ready at once +held):\n%s", at, diff)
				}
				if diff := cmp.Diff(errorTexts(want.Errors), errorTexts(got.Errors)); diff != "" {
					t.Errorf("gate ready after %s: errors differ:\n%s", at, diff)
				}
				if got.Resources != want.Resources || got.Files != want.Files {
					t.Errorf("gate ready after %s: %d resources, %d files; want %d, %d", at, got.Resources, got.Files, want.Resources, want.Files)
				}
			}
		})
	}
}

// TestLoadAheadBound: units are held only while the rules compile, and only
// up to maxAheadResources resources; take hands them over in the order
// held.
func TestLoadAheadBound(t *testing.T) {
	ready := make(chan struct{})
	a := &loadAhead{ready: ready}
	unit := func(i, resources int) loadedUnit {
		return loadedUnit{i, &scanner.Loaded{Resources: make([]model.Resource, resources)}}
	}
	if !a.hold(unit(0, maxAheadResources-10)) || !a.hold(unit(1, 10)) {
		t.Fatal("units within the bound were not held")
	}
	if a.hold(unit(2, 1)) {
		t.Fatal("a unit past the bound was held")
	}
	got := a.take()
	if len(got) != 2 || got[0].index != 0 || got[1].index != 1 {
		t.Fatalf("take = %v; want units 0 and 1", got)
	}
	if !a.hold(unit(3, 1)) {
		t.Fatal("after take, a unit was not held")
	}
	close(ready)
	if a.hold(unit(4, 1)) {
		t.Fatal("a unit was held after the rules were ready")
	}
	if got := a.take(); len(got) != 1 || got[0].index != 3 {
		t.Fatalf("take = %v; want unit 3", got)
	}
}
