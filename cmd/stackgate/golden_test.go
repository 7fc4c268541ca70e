package main

import (
	"path/filepath"
	"testing"

	"github.com/stackgate/stackgate/internal/golden"
)

// TestScanGolden pins the end-to-end output of `stackgate scan examples/` in
// every format: the same findings through the whole pipeline (discovery,
// loader, engine, gate, reporter).
func TestScanGolden(t *testing.T) {
	version = "test"
	for _, format := range []string{"text", "json", "sarif", "junit", "github"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "scan", "--color", "never", "--format", format, "examples/")
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			golden.Check(t, filepath.Join(repoRoot, "cmd", "stackgate", "testdata", "golden", "examples."+format), []byte(stdout))
		})
	}
}
