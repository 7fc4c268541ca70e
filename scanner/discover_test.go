package scanner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		".gitignore":                  "build/\n*.generated.yaml\n!keep.generated.yaml\n",
		"app/stack.yaml":              "",
		"app/stack.generated.yaml":    "",
		"app/keep.generated.yaml":     "",
		"app/params.json":             "",
		"app/README.md":               "",
		"build/out.yaml":              "",
		"legacy/old.template":         "",
		"legacy/.gitignore":           "secret.yml\n",
		"legacy/secret.yml":           "",
		"node_modules/pkg/x.yaml":     "",
		".terraform/modules/m/x.json": "",
		"vendor/third/party.yml":      "",
		"deep/a/b/c/d/template.YAML":  "",
		".git/config.yaml":            "",
		"sandbox/.gitignore":          "# comment only\n\n",
		"sandbox/try.yml":             "",
	}
	writeTree(t, root, files)
	rel := func(cs []Candidate) []string {
		var out []string
		for _, c := range cs {
			r, _ := filepath.Rel(root, c.Path)
			out = append(out, filepath.ToSlash(r))
		}
		return out
	}
	tests := []struct {
		name string
		opts DiscoverOptions
		want []string
	}{
		{"gitignore and skip dirs", DiscoverOptions{}, []string{
			"app/keep.generated.yaml", "app/params.json", "app/stack.yaml", "deep/a/b/c/d/template.YAML",
			"legacy/old.template", "sandbox/try.yml", "vendor/third/party.yml",
		}},
		{"exclude globs", DiscoverOptions{Exclude: []string{"vendor/**", "**/*.template"}}, []string{
			"app/keep.generated.yaml", "app/params.json", "app/stack.yaml", "deep/a/b/c/d/template.YAML", "sandbox/try.yml",
		}},
		{"no gitignore", DiscoverOptions{NoGitignore: true}, []string{
			"app/keep.generated.yaml", "app/params.json", "app/stack.generated.yaml", "app/stack.yaml", "build/out.yaml",
			"deep/a/b/c/d/template.YAML", "legacy/old.template", "legacy/secret.yml", "sandbox/try.yml", "vendor/third/party.yml",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discover([]string{root}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, rel(got)); d != "" {
				t.Errorf("candidates (-want +got):\n%s", d)
			}
		})
	}
}

func TestDiscoverExplicitFileAndErrors(t *testing.T) {
	root := t.TempDir()
	f := filepath.Join(root, "notes.txt")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Discover([]string{f, f}, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Explicit {
		t.Errorf("explicit file: got %+v", got)
	}
	if _, err := Discover([]string{filepath.Join(root, "missing")}, DiscoverOptions{}); err == nil {
		t.Error("missing path accepted")
	}
	if _, err := Discover([]string{root}, DiscoverOptions{Exclude: []string{"[unclosed"}}); err == nil {
		t.Error("bad glob accepted")
	}
}

// writeTree writes files (slash-separated paths relative to root).
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
