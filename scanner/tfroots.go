package scanner

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// terraformRoots picks the root modules among directories holding .tf
// files: a directory that another scanned directory calls as a local module
// (source = "../modules/x") is evaluated as part of its caller, with the
// caller's inputs, rather than on its own with unset variables, and must
// not be reported twice. The rest are roots.
func terraformRoots(dirs []string) []string {
	called := map[string]bool{}
	for _, dir := range dirs {
		for _, src := range localModuleSources(dir) {
			called[filepath.Clean(filepath.Join(dir, src))] = true
		}
	}
	var roots []string
	for _, dir := range dirs {
		if !called[filepath.Clean(dir)] {
			roots = append(roots, dir)
		}
	}
	sort.Strings(roots)
	return roots
}

// moduleBlockSchema finds module blocks and their source argument.
var moduleBlockSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "module", LabelNames: []string{"name"}}}}

// localModuleSources returns the literal local sources ("./x", "../x") of
// the module blocks in a directory's .tf files. Files that do not parse are
// skipped here: the Terraform loader reports them with their position.
func localModuleSources(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || !strings.Contains(string(src), "module") {
			continue
		}
		f, diags := hclsyntax.ParseConfig(src, e.Name(), hcl.InitialPos)
		if diags.HasErrors() {
			continue
		}
		content, _, _ := f.Body.PartialContent(moduleBlockSchema)
		for _, b := range content.Blocks {
			attrs, _ := b.Body.JustAttributes()
			a, ok := attrs["source"]
			if !ok {
				continue
			}
			v, d := a.Expr.Value(nil)
			if d.HasErrors() || !v.Type().Equals(cty.String) || v.IsNull() || !v.IsKnown() {
				continue
			}
			if s := v.AsString(); strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
				out = append(out, s)
			}
		}
	}
	return out
}
