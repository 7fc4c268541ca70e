package vfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
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

// names lists the entries of a directory as "name" or "name/".
func names(entries []fs.DirEntry) []string {
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		out = append(out, n)
	}
	return out
}

func TestOSReadFile(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "small.tf"), "ok")
	write(t, filepath.Join(dir, "big.tf"), strings.Repeat("x", 101))
	write(t, filepath.Join(dir, "limit.tf"), strings.Repeat("x", 100))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.tf"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.tf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "small.tf"), filepath.Join(dir, "link.tf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		want    string
		wantErr error  // errors.Is
		msg     string // in the message
	}{
		{name: "small.tf", want: "ok"},
		{name: "limit.tf", want: strings.Repeat("x", 100)},
		{name: "link.tf", want: "ok"},
		{name: "big.tf", wantErr: ErrTooLarge, msg: "file is 101 bytes, over the limit of 100 bytes"},
		{name: "fifo.tf", wantErr: ErrNotRegular, msg: "not a regular file (a named pipe)"},
		{name: "zero.tf", wantErr: ErrNotRegular, msg: "not a regular file (a character device)"},
		{name: "sub", wantErr: ErrNotRegular, msg: "(a directory)"},
		{name: "missing.tf", wantErr: fs.ErrNotExist},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			done := make(chan struct{})
			var got []byte
			var err error
			go func() {
				defer close(done)
				got, err = OS(100).ReadFile(path)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadFile hangs")
			}
			if tt.wantErr == nil {
				if err != nil || string(got) != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not name %s and say %q", err, path, tt.msg)
			}
		})
	}
}

func TestSizeMessage(t *testing.T) {
	for n, want := range map[int64]string{8 << 20: "8 MiB", 1000: "1000 bytes", 2048: "2 KiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestOverlay(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.tf"), "disk")
	write(t, filepath.Join(dir, "vars.tf"), "disk vars")
	write(t, filepath.Join(dir, "modules", "a", "main.tf"), "module a")
	base := OS(100)
	fsys := WithOverlay(base, map[string][]byte{
		filepath.Join(dir, "main.tf"):                 []byte("buffer"),
		filepath.Join(dir, "new.tf"):                  []byte("added"),
		filepath.Join(dir, "x", "main.tf"):            []byte("only in the overlay"),
		filepath.Join(dir, "deep", "er", "main.tf"):   []byte("deep"),
		filepath.Join(dir, "modules", "b", "main.tf"): []byte("module b"),
		filepath.Join(dir, "big.tf"):                  []byte(strings.Repeat("x", 101)),
		dir + "/./y/../z.tf":                          []byte("cleaned key"),
	})
	reads := []struct {
		name    string
		want    string
		wantErr error
	}{
		{name: "main.tf", want: "buffer"},                // replaced
		{name: "vars.tf", want: "disk vars"},             // from base
		{name: "new.tf", want: "added"},                  // added in an existing directory
		{name: "x/main.tf", want: "only in the overlay"}, // in a directory only the overlay has
		{name: "modules/a/main.tf", want: "module a"},
		{name: "modules/b/main.tf", want: "module b"},
		{name: "z.tf", want: "cleaned key"},
		{name: "big.tf", wantErr: ErrTooLarge}, // base's limit applies to buffers
		{name: "x", wantErr: ErrNotRegular},
		{name: "x/nope.tf", wantErr: fs.ErrNotExist},
	}
	for _, tt := range reads {
		t.Run("read "+tt.name, func(t *testing.T) {
			got, err := fsys.ReadFile(filepath.Join(dir, filepath.FromSlash(tt.name)))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	dirs := []struct {
		name string
		want []string
	}{
		{name: ".", want: []string{"big.tf", "deep/", "main.tf", "modules/", "new.tf", "vars.tf", "x/", "z.tf"}},
		{name: "x", want: []string{"main.tf"}},
		{name: "deep", want: []string{"er/"}},
		{name: "modules", want: []string{"a/", "b/"}},
	}
	for _, tt := range dirs {
		t.Run("readdir "+tt.name, func(t *testing.T) {
			entries, err := fsys.ReadDir(filepath.Join(dir, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(entries); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	stats := []struct {
		name    string
		dir     bool
		size    int64
		wantErr error
	}{
		{name: "main.tf", size: 6},
		{name: "vars.tf", size: 9},
		{name: "x", dir: true},
		{name: "deep/er", dir: true},
		{name: "modules", dir: true},
		{name: "nope", wantErr: fs.ErrNotExist},
	}
	for _, tt := range stats {
		t.Run("stat "+tt.name, func(t *testing.T) {
			st, err := fsys.Stat(filepath.Join(dir, tt.name))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.IsDir() != tt.dir || (!tt.dir && (st.Size() != tt.size || !st.Mode().IsRegular())) {
				t.Errorf("stat: dir %v size %d mode %v", st.IsDir(), st.Size(), st.Mode())
			}
		})
	}
	// A relative path resolves against the working directory, as on disk.
	t.Chdir(dir)
	if got, err := fsys.ReadFile("x/main.tf"); err != nil || string(got) != "only in the overlay" {
		t.Errorf("relative path: %q, %v", got, err)
	}
	if p, err := EvalSymlinks(fsys, "x/main.tf"); err != nil || p != filepath.Join(dir, "x", "main.tf") {
		t.Errorf("EvalSymlinks: %q, %v", p, err)
	}
}

// The overlay does not see later changes to the caller's map.
func TestOverlayCopiesMap(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{filepath.Join(dir, "a.tf"): []byte("a")}
	fsys := WithOverlay(OS(0), files)
	files[filepath.Join(dir, "b.tf")] = []byte("b")
	if _, err := fsys.ReadFile(filepath.Join(dir, "b.tf")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("b.tf: %v", err)
	}
}

func TestEvalSymlinks(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "real", "f.txt"), "x")
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if p, err := EvalSymlinks(OS(0), filepath.Join(dir, "link", "f.txt")); err != nil || p != filepath.Join(dir, "real", "f.txt") {
		t.Errorf("OS: %q, %v", p, err)
	}
	ov := WithOverlay(OS(0), map[string][]byte{filepath.Join(dir, "link", "g.txt"): []byte("buffer")})
	if p, err := EvalSymlinks(ov, filepath.Join(dir, "link", "f.txt")); err != nil || p != filepath.Join(dir, "real", "f.txt") {
		t.Errorf("overlay, disk file: %q, %v", p, err)
	}
	if _, err := EvalSymlinks(ov, filepath.Join(dir, "nope")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestSub(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt"), "a")
	write(t, filepath.Join(dir, "d", "b.txt"), "b")
	fsys := WithOverlay(OS(0), map[string][]byte{
		filepath.Join(dir, "d", "c.txt"):   []byte("c"),
		filepath.Join(dir, "new", "e.txt"): []byte("e"),
	})
	if err := fstest.TestFS(Sub(fsys, dir), "a.txt", "d/b.txt", "d/c.txt", "new/e.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := Sub(fsys, dir).Open("../x"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("../x: %v", err)
	}
}

func TestWithoutPath(t *testing.T) {
	_, err := OS(0).ReadFile(filepath.Join(t.TempDir(), "nope"))
	if got := WithoutPath(err); !errors.Is(got, fs.ErrNotExist) || strings.Contains(got.Error(), "nope") {
		t.Errorf("WithoutPath: %v", got)
	}
}
