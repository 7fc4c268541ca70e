package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCatalogueIsGenerated: the rule table in README.md is the output
// of `stackgate rules --format markdown`, never edited by hand (make readme).
func TestReadmeCatalogueIsGenerated(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the rules:begin / rules:end markers")
	}
	code, stdout, _ := runCLI(t, "rules", "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := s[i+len(begin) : j]; got != stdout {
		t.Errorf("the rule catalogue in README.md is stale; run make readme.\nREADME:\n%s\ngenerated:\n%s", got, stdout)
	}
}
