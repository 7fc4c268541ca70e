package terraform

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
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

// TestGetOrComputeUnlessPending: a caller that would wait for another's
// computation of the same version gets false at once; one of another
// version, or with nothing pending, computes or finds the value.
func TestGetOrComputeUnlessPending(t *testing.T) {
	c := newLatest[string, int]()
	release, started := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		done <- c.getOrCompute("k", "v1", func() int {
			close(started)
			<-release
			return 1
		})
	}()
	<-started
	if v, ok := c.getOrComputeUnlessPending("k", "v1", func() int { t.Error("computed while pending"); return 0 }); ok || v != 0 {
		t.Errorf("pending at the same version: got %d, %v; want 0, false", v, ok)
	}
	if v, ok := c.getOrComputeUnlessPending("k", "v2", func() int { return 2 }); !ok || v != 2 {
		t.Errorf("pending at another version: got %d, %v; want 2, true", v, ok)
	}
	close(release)
	if v := <-done; v != 1 {
		t.Fatalf("the first computation gave %d", v)
	}
	if v, ok := c.getOrComputeUnlessPending("k", "v1", func() int { t.Error("computed a cached value"); return 0 }); !ok || v != 1 {
		t.Errorf("cached: got %d, %v; want 1, true", v, ok)
	}
	if v, ok := c.getOrComputeUnlessPending("new", "v1", func() int { return 3 }); !ok || v != 3 {
		t.Errorf("absent: got %d, %v; want 3, true", v, ok)
	}
}

// TestParseWhenFree: a load that needs a file another load is parsing
// parses, meanwhile, the configuration files of Options.Ahead that no load
// has parsed nor is parsing, each once, and then returns the other load's
// parse of the file.
func TestParseWhenFree(t *testing.T) {
	parseCache.clear()
	t.Cleanup(parseCache.clear)
	dir := t.TempDir()
	busy := write(t, dir, "shared/main.tf", "resource \"x_y\" \"a\" {}\n")
	for _, n := range []string{"shared/vars.tf", "m1/main.tf", "m2/main.tf"} {
		write(t, dir, n, "variable \"v\" {}\n")
	}
	write(t, dir, "m2/README.md", "not configuration\n")
	if _, errs := parseSource(filepath.Join(dir, "shared", "vars.tf"), []byte("variable \"v\" {}\n")); errs != nil {
		t.Fatal(errs) // parsed already: not parsed again
	}

	// another load parses shared/main.tf until release is closed
	src := []byte("resource \"x_y\" \"a\" {}\n")
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var other *parsedFile
	go func() {
		defer close(done)
		sum := sha256.Sum256(src)
		c, _ := parseCache.getOrComputeUnlessPending(busy, string(sum[:]), func() parsed {
			close(started)
			<-release
			pf, errs := parseUncached(busy, src)
			return parsed{pf, errs}
		})
		other = c.file
	}()
	<-started
	// release it once everything else is parsed (or after a while, so
	// that a load that waits instead fails the test rather than hangs)
	go func() {
		for deadline := time.Now().Add(10 * time.Second); len(CachedFiles()) < 3 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		close(release)
	}()
	l := &loader{ctx: t.Context(), fs: orDisk(nil), opts: Options{Ahead: []string{
		filepath.Join(dir, "shared"), filepath.Join(dir, "m1"), filepath.Join(dir, "m2"), filepath.Join(dir, "gone")}}}
	pf, errs := l.parseWhenFree(busy, src)
	<-done
	if pf == nil || errs != nil || pf != other {
		t.Fatalf("parseWhenFree = %v, %v; want the other load's parse %v", pf, errs, other)
	}
	want := []string{filepath.Join(dir, "m1", "main.tf"), filepath.Join(dir, "m2", "main.tf"), busy, filepath.Join(dir, "shared", "vars.tf")}
	sort.Strings(want)
	if got := CachedFiles(); !slices.Equal(got, want) {
		t.Errorf("cached %q, want %q", got, want)
	}
	if l.parseAhead() {
		t.Error("parseAhead found a file to parse after parsing them all")
	}
}
