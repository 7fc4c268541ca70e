package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/policies/model"
)

// TestReadFileTooLarge: a plan file over MaxSize is refused from its size,
// without reading it, with an error naming the file, its size and the
// limit.
func TestReadFileTooLarge(t *testing.T) {
	name := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSize + 1); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	_, err = ReadFile(name)
	var me *model.Error
	if !errors.As(err, &me) || me.File != name {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"268435457 bytes", "256.0 MiB", "limit of 256 MiB"} {
		if !strings.Contains(me.Message, want) {
			t.Errorf("message %q lacks %q", me.Message, want)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: the file was read", d)
	}
	_, src := readFixture(t, "tags")
	small := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(small, src, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(small); err != nil || string(got) != string(src) {
		t.Errorf("ReadFile of a small plan: %v", err)
	}
}
