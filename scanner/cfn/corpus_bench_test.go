package cfn

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCorpus detects and loads every template file under the
// directory STACKGATE_BENCH_CORPUS names, as a scan does (skipped when
// unset).
func BenchmarkCorpus(b *testing.B) {
	dir := os.Getenv("STACKGATE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("STACKGATE_BENCH_CORPUS not set")
	}
	type file struct {
		name string
		src  []byte
	}
	var files []file
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json", ".template":
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files = append(files, file{p, src})
			total += int64(len(src))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if IsTemplate(f.src) {
				Load(f.name, f.src, Options{})
			}
		}
	}
}
