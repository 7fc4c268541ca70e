package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// A local module source that leaves the scanned tree is loaded like any
// other; when it names nothing usable (no directory, a file, a directory
// without configuration) the error is a *model.Error at the module
// block's source attribute, where the path is written, never at the
// directory it names.
func TestModuleSourceOutsideTree(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   string // "" for no error
	}{
		{"outside the tree, with configuration", "../../outside", ""},
		{"outside the tree, empty", "../../empty", `module "m": source directory ` + filepath.Join("..", "empty") + ` holds no Terraform configuration files`},
		{"outside the tree, a file", "../../file.tf", `module "m": source ` + filepath.Join("..", "file.tf") + ` is a file, not a module directory`},
		{"outside the tree, missing", "../../../nope", `module "m": source directory ` + filepath.Join("..", "..", "nope") + ` does not exist`},
		{"inside, missing", "./nope", `module "m": source directory ` + filepath.Join("root", "nope") + ` does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			write(t, base, "a/outside/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n")
			if err := os.MkdirAll(filepath.Join(base, "a", "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, base, "a/empty/README.md", "not configuration\n")
			write(t, base, "a/file.tf", "resource \"aws_s3_bucket\" \"f\" {}\n")
			write(t, base, "a/b/root/main.tf", "locals {\n  x = 1\n}\n\nmodule \"m\" {\n    source = \""+tt.source+"\"\n}\n")
			t.Chdir(filepath.Join(base, "a", "b"))
			m, err := Load(t.Context(), "root", Options{})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				find(t, m, "module.m.aws_s3_bucket.b")
				return
			}
			var me *model.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v (%T) is not a *model.Error", err, err)
			}
			// line 6, column 14: the source expression, quote included
			want := &model.Error{File: filepath.Join("root", "main.tf"), Line: 6, Column: 14, Message: tt.want}
			if me.File != want.File || me.Line != want.Line || me.Column != want.Column || len(me.Message) < len(tt.want) || me.Message[:len(tt.want)] != tt.want {
				t.Errorf("error %q, want %q", me, want)
			}
		})
	}
}
