package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stackgate/stackgate/policies/model"
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
