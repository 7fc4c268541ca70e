package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/workspace"
)

// TestParity: for every file of examples/ and testdata/conformance, the
// diagnostics the server publishes are the findings of ws.Check (editor
// layer) on LoadPaths of the same folder: rule, range and severity.
func TestParity(t *testing.T) {
	for _, dir := range []string{repoPath("examples"), repoPath("testdata", "conformance")} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ctx := context.Background()
			ws, err := workspace.Open(workspace.Options{Start: dir})
			if err != nil {
				t.Fatal(err)
			}
			units, err := ws.LoadPaths(ctx, []string{dir}, workspace.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := ws.Check(ctx, units, workspace.CheckOptions{Layer: model.RuleLayerEditor})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{}
			files := map[string]bool{}
			for f := range res.Sources {
				if k := kindOf(f); (k == kindTerraform && !strings.Contains(f, ".tfvars")) || k == kindTemplate {
					files[absPath(f)] = true
				}
			}
			for _, f := range res.Findings {
				p := absPath(f.File)
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				r := rangeOf(newText(src), f)
				want[p] = append(want[p], fmt.Sprintf("%s %d:%d-%d:%d %v", f.Rule, r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, severity(f)))
			}
			if len(files) < 3 || len(res.Findings) == 0 {
				t.Fatalf("fixture not loaded: %d files, %d findings", len(files), len(res.Findings))
			}
			c := startServer(t, Options{Debounce: time.Millisecond})
			c.initialize(dir)
			for p := range files {
				src, _ := os.ReadFile(p)
				uri := c.open(p, "", string(src))
				pub := c.waitDiags(uri, 1)
				var got []string
				for _, d := range pub.Diagnostics {
					got = append(got, fmt.Sprintf("%v %d:%d-%d:%d %v", d.Code, d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Severity))
				}
				sort.Strings(got)
				w := want[p]
				sort.Strings(w)
				if strings.Join(got, "\n") != strings.Join(w, "\n") {
					t.Errorf("%s:\n got %q\nwant %q", p, got, w)
				}
			}
			t.Logf("%d files, %d findings", len(files), len(res.Findings))
		})
	}
}
