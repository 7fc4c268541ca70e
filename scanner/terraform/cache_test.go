package terraform

import (
	"fmt"
	"testing"
)

// TestParseCacheKeepsLatestVersion: a buffer edited on every keystroke
// keeps one parsed tree, not one per version; an unchanged file is parsed
// once and shared.
func TestParseCacheKeepsLatestVersion(t *testing.T) {
	parseCache.clear()
	t.Cleanup(parseCache.clear)
	name := "/ws/main.tf"
	var first *parsedFile
	for i := range 100 {
		src := fmt.Appendf(nil, "locals {\n  n = %d\n}\n", i)
		pf, errs := parseSource(name, src)
		if len(errs) > 0 || pf == nil {
			t.Fatalf("version %d: %v", i, errs)
		}
		if i == 0 {
			first = pf
		}
	}
	if n := len(parseCache.entries); n != 1 {
		t.Errorf("after 100 versions of one file the cache holds %d entries, want 1", n)
	}
	again, _ := parseSource(name, []byte("locals {\n  n = 99\n}\n"))
	if again2, _ := parseSource(name, []byte("locals {\n  n = 99\n}\n")); again != again2 {
		t.Error("the same content was parsed twice")
	}
	if back, _ := parseSource(name, []byte("locals {\n  n = 0\n}\n")); back == first {
		t.Error("an old version was kept after newer ones")
	}
}
