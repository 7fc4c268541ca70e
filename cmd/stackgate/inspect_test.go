package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/internal/golden"
)

// inspect prints the rule input, with sensitive values hidden.
func TestInspect(t *testing.T) {
	code, stdout, stderr := runCLI(t, "inspect", "cmd/stackgate/testdata/inspect")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, secret := range []string{"correct-horse-battery-staple", "k-1234567890"} {
		if strings.Contains(stdout, secret) || strings.Contains(stderr, secret) {
			t.Errorf("output shows the sensitive value %q", secret)
		}
	}
	golden.Check(t, filepath.Join(repoRoot, "cmd", "stackgate", "testdata", "golden", "inspect.json"), []byte(stdout))
}

func TestInspectRejectsFormat(t *testing.T) {
	code, _, stderr := runCLI(t, "inspect", "--format", "sarif", "cmd/stackgate/testdata/inspect")
	if code != exitError || !strings.Contains(stderr, "--format") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
