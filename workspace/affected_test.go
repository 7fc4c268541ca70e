package workspace

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestLoadTerraformFile(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, src string) string {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mod := write("modules/bucket/main.tf", `resource "aws_s3_bucket" "b" { bucket = "x" }`+"\n")
	write("modules/wrap/main.tf", `module "b" { source = "../bucket" }`+"\n")
	write("live/a/main.tf", `module "w" { source = "../../modules/wrap" }`+"\n")
	write("live/b/main.tf", `module "b" { source = "../../modules/bucket" }`+"\n")
	other := write("live/c/main.tf", `resource "aws_s3_bucket" "c" { bucket = "c" }`+"\n")
	write("template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n")
	ws, err := Open(Options{Start: dir, NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	roots := func(file string) []string {
		units, err := ws.LoadTerraformFile(context.Background(), []string{dir}, file, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range units {
			rel, _ := filepath.Rel(dir, u.File)
			out = append(out, filepath.ToSlash(rel))
		}
		slices.Sort(out)
		return out
	}
	if got, want := roots(mod), []string{"live/a", "live/b"}; !slices.Equal(got, want) {
		t.Errorf("module: roots %q, want %q", got, want)
	}
	if got, want := roots(other), []string{"live/c"}; !slices.Equal(got, want) {
		t.Errorf("root: roots %q, want %q", got, want)
	}
	// A directory no root reaches: every root, as LoadPaths has them.
	if got, want := roots(filepath.Join(dir, "nowhere", "x.tf")), []string{"live/a", "live/b", "live/c"}; !slices.Equal(got, want) {
		t.Errorf("elsewhere: roots %q, want %q", got, want)
	}
}
