package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIIntegrationFiles: action.yml and .pre-commit-hooks.yaml are valid
// YAML, and the command the pre-commit hook runs works.
func TestCIIntegrationFiles(t *testing.T) {
	for _, name := range []string{"action.yml", ".pre-commit-hooks.yaml"} {
		src, err := os.ReadFile(filepath.Join(repoRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(src, &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	var hooks []struct {
		ID, Entry     string
		PassFilenames bool `yaml:"pass_filenames"`
	}
	src, _ := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err := yaml.Unmarshal(src, &hooks); err != nil || len(hooks) == 0 {
		t.Fatalf("hooks: %v", err)
	}
	if hooks[0].PassFilenames {
		t.Error("the hook must scan the repository: a module is judged through the roots that call it")
	}
	// pre-commit runs the entry in the repository root, with no paths.
	t.Chdir(filepath.Join(repoRoot, "testdata", "cli", "compliant"))
	var out, errb strings.Builder
	args := strings.Fields(hooks[0].Entry)[1:]
	if code := run(args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Errorf("pre-commit entry %v: exit %d\n%s\n%s", args, code, out.String(), errb.String())
	}
}
