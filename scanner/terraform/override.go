package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/policies/model"
)

// Override files (override.tf, *_override.tf) are merged into the blocks
// they override after every primary file is loaded, in lexical order, as
// Terraform does (https://developer.hashicorp.com/terraform/language/files/override):
// an argument replaces the argument of the same name; a nested block type
// replaces every nested block of that type, except a resource's lifecycle
// block, merged argument by argument; a local value replaces the local of
// the same name. Every block of an override file must have a base block.
//
// Parsed files are shared by the parse cache, so merging never changes
// them: a merged block is a new block over new bodies, and a file with a
// merged block is a new file value.

// blockKey identifies a top-level block: type and labels, and for a
// provider its alias.
func blockKey(b *hclsyntax.Block) string {
	key := b.Type + " " + strings.Join(b.Labels, ".")
	if b.Type == "provider" {
		if a := b.Body.Attributes["alias"]; a != nil {
			key += "." + keyword(a.Expr)
		}
	}
	return key
}

// blockDesc is how an error names a block: resource "aws_s3_bucket" "b".
func blockDesc(b *hclsyntax.Block) string {
	d := b.Type
	for _, l := range b.Labels {
		d += ` "` + l + `"`
	}
	return d
}

// blockRef locates a top-level block among the merged files.
type blockRef struct {
	file  int // index into files
	block int // index into the file's body blocks
}

// applyOverrides merges the override files into files and returns the
// merged files. A JSON file on either side is not merged (a note says so).
func applyOverrides(files, overrides []*parsedFile) ([]*parsedFile, []*model.Error, []string) {
	if len(overrides) == 0 {
		return files, nil, nil
	}
	var notes []string
	out := make([]*parsedFile, len(files))
	copy(out, files)
	copied := make([]bool, len(files)) // out[i] is already a private copy
	index := map[string]blockRef{}
	locals := map[string]blockRef{} // local name -> locals block that defines it
	for fi, pf := range out {
		body, ok := pf.file.Body.(*hclsyntax.Body)
		if !ok || pf.json {
			continue
		}
		for bi, b := range body.Blocks {
			if b.Type == "locals" {
				for name := range b.Body.Attributes {
					locals[name] = blockRef{fi, bi}
				}
				continue
			}
			if _, dup := index[blockKey(b)]; !dup {
				index[blockKey(b)] = blockRef{fi, bi}
			}
		}
	}
	// replace puts a merged block in place, copying the file first.
	replace := func(ref blockRef, merged *hclsyntax.Block) {
		if !copied[ref.file] {
			old := out[ref.file]
			body := *old.file.Body.(*hclsyntax.Body)
			body.Blocks = append([]*hclsyntax.Block(nil), body.Blocks...)
			file := *old.file
			file.Body = &body
			out[ref.file] = &parsedFile{name: old.name, file: &file, json: old.json}
			copied[ref.file] = true
		}
		out[ref.file].file.Body.(*hclsyntax.Body).Blocks[ref.block] = merged
	}
	block := func(ref blockRef) *hclsyntax.Block {
		return out[ref.file].file.Body.(*hclsyntax.Body).Blocks[ref.block]
	}
	var errs []*model.Error
	for _, ov := range overrides {
		body, ok := ov.file.Body.(*hclsyntax.Body)
		if !ok || ov.json {
			notes = append(notes, ov.name+": override file in JSON syntax not merged; its settings are not checked")
			continue
		}
		for _, b := range body.Blocks {
			switch b.Type {
			case "terraform", "moved", "import", "removed", "check":
				continue // nothing in them is checked
			case "locals":
				for name, a := range b.Body.Attributes {
					ref, ok := locals[name]
					if !ok {
						errs = append(errs, errAt(a.NameRange, "override file defines local value %q, which no primary file defines", name))
						continue
					}
					base := block(ref)
					merged := mergedBlock(base, &hclsyntax.Body{Attributes: hclsyntax.Attributes{name: a}}, false)
					replace(ref, merged)
				}
				continue
			}
			ref, ok := index[blockKey(b)]
			if !ok {
				errs = append(errs, errAt(b.DefRange(), "override file has %s, which no primary file declares", blockDesc(b)))
				continue
			}
			if out[ref.file].json {
				notes = append(notes, ov.name+": "+blockDesc(b)+" overrides a block in JSON syntax; not merged")
				continue
			}
			replace(ref, mergedBlock(block(ref), b.Body, b.Type == "resource" || b.Type == "data"))
		}
	}
	return out, errs, notes
}

// mergedBlock returns base with the arguments and nested blocks of over
// merged in. With lifecycle set, a lifecycle block is merged argument by
// argument instead of replaced.
func mergedBlock(base *hclsyntax.Block, over *hclsyntax.Body, lifecycle bool) *hclsyntax.Block {
	merged := *base
	merged.Body = mergeBody(base.Body, over, lifecycle)
	return &merged
}

func mergeBody(base, over *hclsyntax.Body, lifecycle bool) *hclsyntax.Body {
	body := *base
	body.Attributes = make(hclsyntax.Attributes, len(base.Attributes)+len(over.Attributes))
	for name, a := range base.Attributes {
		body.Attributes[name] = a
	}
	for name, a := range over.Attributes {
		body.Attributes[name] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[nestedType(b)] = true
	}
	if lifecycle && replaced["lifecycle"] {
		replaced["lifecycle"] = false
	}
	body.Blocks = nil
	var baseLifecycle *hclsyntax.Block
	for _, b := range base.Blocks {
		if lifecycle && b.Type == "lifecycle" && baseLifecycle == nil {
			baseLifecycle = b
		}
		if !replaced[nestedType(b)] && !(lifecycle && b.Type == "lifecycle" && hasBlock(over, "lifecycle")) {
			body.Blocks = append(body.Blocks, b)
		}
	}
	for _, b := range over.Blocks {
		if lifecycle && b.Type == "lifecycle" && baseLifecycle != nil {
			b = mergedBlock(baseLifecycle, b.Body, false)
		}
		body.Blocks = append(body.Blocks, b)
	}
	return &body
}

// nestedType is the block type a nested block contributes to: a dynamic
// "ingress" block replaces and is replaced like ingress blocks.
func nestedType(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

func hasBlock(body *hclsyntax.Body, typ string) bool {
	for _, b := range body.Blocks {
		if b.Type == typ {
			return true
		}
	}
	return false
}
