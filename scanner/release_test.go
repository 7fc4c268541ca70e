package scanner

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/scanner/terraform"
)

// With ReleaseModules a module's parsed files leave the cache when the
// last root module that calls it is loaded, and not before: a module two
// examples call stays until both are loaded. What is loaded is the same
// as without it.
func TestReleaseModules(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"examples/a/main.tf":           "module \"shared\" {\n  source = \"../../modules/shared\"\n}\nmodule \"only\" {\n  source = \"../../modules/only-a\"\n}\n",
		"examples/b/main.tf":           "module \"shared\" {\n  source = \"../../modules/shared/\"\n  name   = \"b\"\n}\n",
		"modules/shared/main.tf":       "variable \"name\" {\n  default = \"a\"\n}\nmodule \"inner\" {\n  source = \"./inner\"\n}\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n",
		"modules/shared/inner/main.tf": "resource \"aws_sqs_queue\" \"q\" {}\n",
		"modules/only-a/main.tf":       "resource \"aws_sns_topic\" \"t\" {}\n",
		"stack/main.tf":                "resource \"aws_s3_bucket\" \"logs\" {}\n",
	})
	t.Chdir(root)
	cands, err := Discover([]string{"."}, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var dirs, modules []string
	for _, c := range cands {
		dirs = append(dirs, filepath.ToSlash(c.Path))
		for _, m := range c.Modules {
			modules = append(modules, filepath.ToSlash(c.Path)+" > "+filepath.ToSlash(m))
		}
	}
	if d := cmp.Diff([]string{"examples/a", "examples/b", "stack"}, dirs); d != "" {
		t.Fatalf("roots (-want +got):\n%s", d)
	}
	wantModules := []string{
		"examples/a > examples/a", "examples/a > modules/shared", "examples/a > modules/only-a", "examples/a > modules/shared/inner",
		"examples/b > examples/b", "examples/b > modules/shared", "examples/b > modules/shared/inner",
		"stack > stack",
	}
	if d := cmp.Diff(wantModules, modules); d != "" {
		t.Fatalf("modules (-want +got):\n%s", d)
	}

	load := func(release bool, workers int) ([]Loaded, [][]string) {
		terraform.ClearCaches()
		cands, err := Discover([]string{"."}, DiscoverOptions{}) // parses the callers' files
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var cached [][]string
		units := Load(context.Background(), cands, LoadOptions{Workers: workers, ReleaseModules: release, Then: func(i int, l *Loaded) {
			var names []string
			for _, n := range terraform.CachedFiles() {
				names = append(names, filepath.ToSlash(n))
			}
			mu.Lock()
			cached = append(cached, names)
			mu.Unlock()
		}})
		return units, cached
	}
	kept, cachedKept := load(false, 1)
	released, cachedReleased := load(true, 1)
	parallel, _ := load(true, 3) // under -race: releases while others load
	all := []string{"examples/a/main.tf", "examples/b/main.tf", "modules/only-a/main.tf", "modules/shared/inner/main.tf", "modules/shared/main.tf", "stack/main.tf"}
	if d := cmp.Diff([][]string{all[:5], all[:5], all}, cachedKept); d != "" {
		t.Errorf("cached without ReleaseModules (-want +got):\n%s", d)
	}
	want := [][]string{
		// after examples/a: examples/b, not loaded yet, keeps its own
		// file (parsed by discovery) and the shared module
		{"examples/b/main.tf", "modules/shared/inner/main.tf", "modules/shared/main.tf"},
		{},
		{},
	}
	if d := cmp.Diff(want, cachedReleased, cmp.Transformer("nil", func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	})); d != "" {
		t.Errorf("cached with ReleaseModules, after each unit (-want +got):\n%s", d)
	}
	summary := func(units []Loaded) []string {
		var out []string
		for _, u := range units {
			if u.Err != nil {
				t.Fatalf("%s: %v", u.File, u.Err)
			}
			for _, r := range u.Resources {
				out = append(out, u.File+" "+r.Address)
			}
		}
		return out
	}
	if d := cmp.Diff(summary(kept), summary(released)); d != "" {
		t.Errorf("resources with ReleaseModules (-without +with):\n%s", d)
	}
	if d := cmp.Diff(summary(kept), summary(parallel)); d != "" {
		t.Errorf("resources with ReleaseModules, 3 workers (-without +with):\n%s", d)
	}
	if len(summary(kept)) != 6 {
		t.Errorf("resources: %v", summary(kept))
	}
	terraform.ClearCaches()
}

// A root module's directories include those outside the scanned paths:
// reach reads them, and what they call.
func TestModulesOutsideScan(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"examples/a/main.tf":           "module \"shared\" {\n  source = \"../../modules/shared\"\n}\n",
		"modules/shared/main.tf":       "module \"inner\" {\n  source = \"./inner\"\n}\n",
		"modules/shared/inner/main.tf": "resource \"aws_sqs_queue\" \"q\" {}\n",
	})
	t.Chdir(root)
	cands, err := Discover([]string{"examples"}, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 1 {
		t.Fatalf("candidates: %v", cands)
	}
	var got []string
	for _, m := range cands[0].Modules {
		got = append(got, filepath.ToSlash(m))
	}
	if d := cmp.Diff([]string{"examples/a", "modules/shared", "modules/shared/inner"}, got); d != "" {
		t.Errorf("modules (-want +got):\n%s", d)
	}
}
