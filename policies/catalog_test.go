package policies

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
)

// wrapFS wraps every Open error with %w, the way a layered FS (an overlay,
// a loader) reports where it looked.
type wrapFS struct{ fs.FS }

func (w wrapFS) Open(name string) (fs.File, error) {
	f, err := w.FS.Open(name)
	if err != nil {
		return nil, fmt.Errorf("policy overlay: %w", err)
	}
	return f, nil
}

// failFS fails every Open with an error that is not "does not exist".
type failFS struct{}

func (failFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

func TestReadExamplesMissing(t *testing.T) {
	dir := t.TempDir()
	for name, fsys := range map[string]fs.FS{
		"embed":   builtin,
		"dir":     os.DirFS(dir),
		"map":     fstest.MapFS{},
		"wrapped": wrapFS{fstest.MapFS{}},
	} {
		ex, ok, err := readExamples(fsys, "rules/none/examples.yaml")
		if err != nil || ok || ex.TerraformGood != "" {
			t.Errorf("%s: readExamples(missing) = %+v, %v, %v; want no examples and no error", name, ex, ok, err)
		}
	}
	if _, _, err := readExamples(failFS{}, "rules/x/examples.yaml"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("readExamples(unreadable) error = %v, want fs.ErrPermission", err)
	}
	fsys := fstest.MapFS{"rules/x/examples.yaml": {Data: []byte("terraform:\n  good: |\n    ok\n")}}
	if ex, ok, err := readExamples(fsys, "rules/x/examples.yaml"); err != nil || !ok || ex.TerraformGood != "ok\n" {
		t.Errorf("readExamples(present) = %+v, %v, %v", ex, ok, err)
	}
}
