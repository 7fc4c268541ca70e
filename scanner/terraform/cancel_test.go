package terraform

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stackgate/stackgate/scanner/vfs"
)

// cancellingFS counts the reads of files whose name ends in suffix and
// cancels the load's context at the after-th: a deterministic point in the
// middle of a load.
type cancellingFS struct {
	vfs.FS
	suffix string
	after  int
	cancel context.CancelFunc

	mu    sync.Mutex
	reads int
}

func (c *cancellingFS) ReadFile(name string) ([]byte, error) {
	if strings.HasSuffix(name, c.suffix) {
		c.mu.Lock()
		c.reads++
		if c.reads == c.after {
			c.cancel()
		}
		c.mu.Unlock()
	}
	return c.FS.ReadFile(name)
}

func TestLoadContextDone(t *testing.T) {
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	expired, cancel2 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, tt := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"canceled", canceled, context.Canceled},
		{"deadline", expired, context.DeadlineExceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(tt.ctx, "testdata/s3split", Options{})
			if !errors.Is(err, tt.want) || m != nil {
				t.Fatalf("Load = %v, %v; want %v", m, err, tt.want)
			}
			if !strings.Contains(err.Error(), "testdata/s3split") {
				t.Errorf("error %q does not name the module", err)
			}
		})
	}
}

// A context cancelled in the middle of a load stops it at the next file,
// module instance or resource instance.
func TestLoadCancelledMidway(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		suffix string // reads counted
		after  int    // cancel at this read
	}{
		{
			name:   "per file parsed",
			files:  manyFiles(40),
			suffix: ".tf",
			after:  3,
		},
		{
			name: "per resource instance",
			files: map[string]string{
				"main.tf":  "resource \"aws_sqs_queue\" \"q\" {\n  count = 1000\n  name  = \"${file(\"name.txt\")}-${count.index}\"\n}\n",
				"name.txt": "q",
			},
			suffix: "name.txt",
			after:  5,
		},
		{
			name: "per module instance",
			files: map[string]string{
				"main.tf":    "module \"m\" {\n  source = \"./m\"\n  count  = 200\n  index  = count.index\n}\n",
				"m/main.tf":  "variable \"index\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"${file(\"${path.module}/name.txt\")}-${var.index}\"\n}\n",
				"m/name.txt": "q",
			},
			suffix: "name.txt",
			after:  4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tt.files {
				write(t, dir, name, src)
			}
			// The fixture loads completely with a live context.
			if _, err := Load(t.Context(), dir, Options{}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			fsys := &cancellingFS{FS: vfs.OS(MaxFileBytes), suffix: tt.suffix, after: tt.after, cancel: cancel}
			m, err := Load(ctx, dir, Options{FS: fsys})
			if !errors.Is(err, context.Canceled) || m != nil {
				t.Fatalf("Load = %v, %v; want context.Canceled", m, err)
			}
			if fsys.reads != tt.after {
				t.Errorf("%d reads of *%s, want %d: the load went on after the context was cancelled", fsys.reads, tt.suffix, tt.after)
			}
		})
	}
}

// manyFiles is a module of n files of one resource each.
func manyFiles(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("r%02d.tf", i)] = fmt.Sprintf("resource \"aws_sqs_queue\" \"q%d\" {\n  name = \"q%d\"\n}\n", i, i)
	}
	return files
}

// Cancelling while loads run in parallel is safe (go test -race).
func TestLoadCancelConcurrent(t *testing.T) {
	dir := t.TempDir()
	for name, src := range manyFiles(30) {
		write(t, dir, name, src)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := Load(ctx, filepath.Clean(dir), Options{})
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Load: %v", err)
			}
		})
	}
	cancel()
	wg.Wait()
}
