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
		if err != nil || !mayCallModule(src, strings.HasSuffix(name, ".json")) {
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

// mayCallModule reports whether src may hold a module block, so that
// LocalModuleSources parses (and the parse cache holds from discovery on)
// only the files that call modules: in terraform-aws-modules that is one
// file in three. A JSON file may if it has the word module anywhere.
// In native syntax a block's header, braces included, is on one line, so
// a module block needs the word module, not part of a longer name nor
// followed by a dot (module.x.y is a reference), with a { later on its
// line. The test errs toward yes: a comment or a string may pass it, and
// then the file is parsed, as every file was before.
func mayCallModule(src []byte, json bool) bool {
	word := []byte("module")
	if json {
		return bytes.Contains(src, word)
	}
	for i := 0; ; {
		k := bytes.Index(src[i:], word)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(word)
		i = end
		if start > 0 && isNameByte(src[start-1]) {
			continue
		}
		if end < len(src) && (isNameByte(src[end]) || src[end] == '.') {
			continue
		}
		line := src[end:]
		if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		if bytes.IndexByte(line, '{') >= 0 {
			return true
		}
	}
}

// isNameByte reports whether c may continue an HCL identifier (ASCII;
// any other byte of a UTF-8 letter is >= 0x80 and counts too).
func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
