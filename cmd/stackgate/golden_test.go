package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

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
			golden := filepath.Join("cmd", "stackgate", "testdata", "golden", "examples."+format)
			if *update {
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/stackgate -run TestScanGolden -update)", err)
			}
			if d := cmp.Diff(string(want), stdout); d != "" {
				t.Errorf("scan --format %s differs from %s (-want +got):\n%s", format, golden, d)
			}
		})
	}
}
