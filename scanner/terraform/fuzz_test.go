package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzLoad loads arbitrary input as the main.tf of a root module. Loading
// must return resources or an error, never panic or run away; the seeds
// are the realistic test cases and the corpus in testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	for _, c := range []string{"s3split/main.tf", "modules/main.tf", "dynamic_sg/main.tf", "functions/main.tf", "modules/modules/bucket/main.tf"} {
		src, err := os.ReadFile(filepath.Join("testdata", c))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		type result struct {
			m   *Module
			err error
		}
		done := make(chan result, 1)
		go func() {
			m, err := Load(dir, Options{MaxInstances: 100, MaxTotalInstances: 1000})
			done <- result{m, err}
		}()
		var m *Module
		var err error
		select {
		case r := <-done:
			m, err = r.m, r.err
		case <-time.After(10 * time.Second):
			t.Fatalf("Load ran for more than 10s on %q", src)
		}
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("panic while loading: %v", err)
			}
			return
		}
		for _, r := range m.Resources {
			if r.Address == "" || r.Type == "" {
				t.Fatalf("resource without address or type: %+v", r)
			}
		}
	})
}
