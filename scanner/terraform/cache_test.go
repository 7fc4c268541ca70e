package terraform

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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

// TestGetOrComputeOnce: loads that need the same value at once compute it
// once and share it; a computation that panics leaves the others to
// compute the value themselves.
func TestGetOrComputeOnce(t *testing.T) {
	c := newLatest[string, int]()
	var computed atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = c.getOrCompute("k", "v1", func() int {
				computed.Add(1)
				<-release
				return 42
			})
		}()
	}
	time.Sleep(10 * time.Millisecond) // let the others find the first computation
	close(release)
	wg.Wait()
	for i, v := range got {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}

	started := make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		c.getOrCompute("p", "v1", func() int {
			close(started)
			time.Sleep(10 * time.Millisecond)
			panic("boom")
		})
	}()
	<-started
	if v := c.getOrCompute("p", "v1", func() int { return 7 }); v != 7 {
		t.Errorf("after a panicking computation got %d, want 7", v)
	}
}
