package terraform

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/stackgate/stackgate/scanner/vfs"
	"github.com/zclconf/go-cty/cty"
)

// moduleBlockSchema finds module blocks.
var moduleBlockSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "module", LabelNames: []string{"name"}}}}

// LocalModuleSources returns the literal local sources ("./x", "../x") of
// the module blocks in the configuration files of dir in fsys (nil: the
// disk), for telling root
// modules from the modules they call. Files that cannot be read or parsed
// are skipped here: Load reports them with their position. The parsed
// files stay in the parse cache, for Load to reuse.
func LocalModuleSources(fsys vfs.FS, dir string) []string {
	fsys = orDisk(fsys)
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !isFileEntry(fsys, dir, e) || !isConfigFile(e.Name()) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		src, err := readFile(fsys, name)
		if err != nil || !bytes.Contains(src, []byte("module")) {
			continue
		}
		pf, errs := parseSource(name, src)
		if pf == nil || len(errs) > 0 {
			continue
		}
		content, _, _ := pf.file.Body.PartialContent(moduleBlockSchema)
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
