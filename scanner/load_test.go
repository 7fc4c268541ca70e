package scanner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// TestLoadNotTemplates: files the loader cannot or need not check are
// skipped with a note, never passed over in silence, while a template over
// the size limit is still an error.
func TestLoadNotTemplates(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const limit = 1 << 10
	big := strings.Repeat("- item: some data that is not a template\n", 100)
	bigTemplate := "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Metadata:\n" + strings.Repeat("      # padding\n", 100)
	src, err := os.ReadFile(filepath.Join("cfn", "testdata", "constructs", "utf16.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		explicit   bool
		skipped    bool
		note, err  string
	}{
		{name: "oversize data", file: write("data.yaml", []byte(big)), skipped: true, note: "over the 1024 byte limit for a template, and not a CloudFormation template"},
		{name: "oversize template", file: write("big.yaml", []byte(bigTemplate)), err: "over the 1024 byte limit for a template"},
		{name: "utf-16 template", file: write("utf16.yaml", src), skipped: true, note: "utf16.yaml: the file is UTF-16; save it as UTF-8 to have it checked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := LoadOptions{CloudFormation: cfn.Options{MaxBytes: limit}, FS: vfs.OS(limit)}
			out := Load(context.Background(), []Candidate{{Path: tc.file, Explicit: tc.explicit}}, opts)[0]
			if tc.err != "" {
				if out.Err == nil || !strings.Contains(out.Err.Error(), tc.err) {
					t.Fatalf("Err = %v, want %q", out.Err, tc.err)
				}
				return
			}
			if out.Err != nil {
				t.Fatalf("Err = %v", out.Err)
			}
			if out.Skipped != tc.skipped {
				t.Errorf("Skipped = %v, want %v", out.Skipped, tc.skipped)
			}
			if !strings.Contains(strings.Join(out.Notes, "\n"), tc.note) {
				t.Errorf("Notes = %q, want one containing %q", out.Notes, tc.note)
			}
		})
	}
}
