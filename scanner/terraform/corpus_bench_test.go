package terraform

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCorpus loads every root module under the directory
// STACKGATE_BENCH_CORPUS names (skipped when unset), as a scan does:
// the directories holding .tf files, less those another one calls as a
// local module. Each iteration starts with empty caches.
func BenchmarkCorpus(b *testing.B) {
	dir := os.Getenv("STACKGATE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("STACKGATE_BENCH_CORPUS not set")
	}
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".tf") && !seen[filepath.Dir(p)] {
			seen[filepath.Dir(p)] = true
			dirs = append(dirs, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ClearCaches()
		called := map[string]bool{}
		for _, d := range dirs {
			for _, src := range LocalModuleSources(nil, d) {
				called[filepath.Join(d, src)] = true
			}
		}
		for _, d := range dirs {
			if called[d] {
				continue
			}
			// errors are part of the work (examples use unset variables)
			_, _ = Load(b.Context(), d, Options{})
		}
	}
}
