package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "repo", "stackgate.yaml"), "version: 1\n")
	write(t, filepath.Join(root, "repo", "envs", "prod", "main.tf"), "")
	write(t, filepath.Join(root, "repo", "nested", ".stackgate.yaml"), "version: 1\n")
	write(t, filepath.Join(root, "repo", "nested", "stackgate.yml"), "version: 1\n")
	write(t, filepath.Join(root, "repo", "nested", "deep", "a", "b.yaml"), "")
	write(t, filepath.Join(root, "repo", "hidden", ".stackgate.yaml"), "version: 1\n")
	if err := os.MkdirAll(filepath.Join(root, "repo", "dironly", "stackgate.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "bare", "x.tf"), "")

	tests := []struct {
		start string
		want  string
	}{
		{"repo/envs/prod/main.tf", "repo/stackgate.yaml"},
		{"repo/envs/prod", "repo/stackgate.yaml"},
		{"repo", "repo/stackgate.yaml"},
		{"repo/stackgate.yaml", "repo/stackgate.yaml"},
		{"repo/envs/prod/unsaved.tf", "repo/stackgate.yaml"},       // does not exist yet
		{"repo/nested/deep/a/b.yaml", "repo/nested/stackgate.yml"}, // stackgate.yml before .stackgate.yaml
		{"repo/hidden/x.tf", "repo/hidden/.stackgate.yaml"},
		{"repo/dironly/x.tf", "repo/stackgate.yaml"}, // a directory named stackgate.yaml is skipped
	}
	for _, tt := range tests {
		got, err := Find(filepath.Join(root, filepath.FromSlash(tt.start)))
		if err != nil {
			t.Errorf("Find(%s): %v", tt.start, err)
			continue
		}
		if want := filepath.Join(root, filepath.FromSlash(tt.want)); got != want {
			t.Errorf("Find(%s) = %s, want %s", tt.start, got, want)
		}
	}
	// Nothing above bare/ has a config unless the machine's own temp
	// ancestors do; only assert when they do not.
	if got, err := Find(filepath.Join(root, "bare", "x.tf")); err != nil {
		t.Errorf("Find(bare): %v", err)
	} else if got != "" && strings.HasPrefix(got, root) {
		t.Errorf("Find(bare) = %s, want none under %s", got, root)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stackgate.yaml")
	write(t, path, "version: 1\nenvironments:\n  dev: {enforcement: advise}\n")
	cfg, err := Load(path, testRules)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dir() != dir || cfg.ForPath(filepath.Join(dir, "x.tf")).Name != "default" {
		t.Errorf("Dir = %s", cfg.Dir())
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"), testRules)
	var errs model.Errors
	if !errors.As(err, &errs) || len(errs) != 1 || !strings.Contains(errs[0].Error(), "missing.yaml: cannot read config: no such file or directory") {
		t.Errorf("Load(missing) = %v", err)
	}

	big := filepath.Join(dir, "big.yaml")
	write(t, big, "version: 1\n#"+strings.Repeat("x", 3*MaxFileSize))
	if _, err := Load(big, testRules); err == nil || !strings.Contains(err.Error(), "over the limit of 1 MiB") {
		t.Errorf("Load(big) = %v", err)
	}
}

// TestLoadRefusesNonRegular: a config that is a FIFO (or a link to a
// device) is refused at once, never waited on or read without bound.
func TestLoadRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "stackgate.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := Load(fifo, testRules); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Load(fifo) = %v", err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(zero); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Read(link to /dev/zero) = %v", err)
	}
}
