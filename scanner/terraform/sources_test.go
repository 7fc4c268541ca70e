package terraform

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// mayCallModule says no only where the file cannot hold a module block.
func TestMayCallModule(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"block", "module \"vpc\" {\n  source = \"./vpc\"\n}\n", true},
		{"identifier label", "module vpc {\n}\n", true},
		{"indented, tabs", "\t  module\t\"vpc\"   {}\n", true},
		{"comment before the label", "module /* the network */ \"vpc\" {\n}\n", true},
		{"at the end of the file", "locals {}\nmodule \"x\" {", true},
		{"CRLF", "locals {\r\n}\r\nmodule \"x\" {\r\n}\r\n", true},
		{"after a reference on the same line", "x = module.a.b\nmodule \"c\" {}\n", true},
		{"a comment that looks like one (parsed anyway)", "# module \"old\" {\n", true},
		{"references only", "output \"id\" {\n  value = module.vpc.id\n}\n", false},
		{"in a longer name", "variable \"create_module\" {\n}\nresource \"x\" \"submodule\" {}\n", false},
		{"the word in a description", "variable \"v\" {\n  description = \"Whether this module creates things\"\n}\n", false},
		{"the word at the end of the file", "# a module", false},
		{"a registry source in a string", "locals {\n  s = \"terraform-aws-modules/vpc/aws\"\n}\n", false},
		{"no word at all", "resource \"aws_s3_bucket\" \"b\" {}\n", false},
		{"unicode before the word", "résumémodule \"x\" {}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mayCallModule([]byte(tt.src), false); got != tt.want {
				t.Errorf("mayCallModule(%q) = %v, want %v", tt.src, got, tt.want)
			}
		})
	}
	if !mayCallModule([]byte(`{"module": {"b": {"source": "./b"}}}`), true) {
		t.Error("a JSON file with module blocks: no")
	}
	if mayCallModule([]byte(`{"resource": {"aws_s3_bucket": {"b": {}}}}`), true) {
		t.Error("a JSON file without the word: yes")
	}
}

// Over every native-syntax file in the repository's testdata, a file
// that parses with a module block is one mayCallModule says yes to.
func TestMayCallModuleTestdata(t *testing.T) {
	var files, withModules int
	for _, root := range []string{"testdata", filepath.Join("..", "..", "testdata")} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tf") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
			if diags.HasErrors() {
				return nil
			}
			files++
			content, _, _ := f.Body.PartialContent(moduleBlockSchema)
			if len(content.Blocks) == 0 {
				return nil
			}
			withModules++
			if !mayCallModule(src, false) {
				t.Errorf("%s has module blocks; mayCallModule says no", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 50 || withModules < 10 {
		t.Fatalf("only %d files, %d with module blocks: the testdata moved?", files, withModules)
	}
}
