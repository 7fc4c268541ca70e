package lsp

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"go.lsp.dev/protocol"
)

// ---- YAML templates ----

// yamlLine is line i of the text.
func (x *fixer) yamlLine(i int) string { return string(x.t.src[x.t.lines[i]:x.t.lineEnd(i)]) }

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

func blankOrComment(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, "#")
}

// yamlResource is the line of the resource's logical id, -1 if not found.
func (x *fixer) yamlResource() int {
	re := regexp.MustCompile(`^\s+["']?` + regexp.QuoteMeta(x.f.Resource) + `["']?\s*:\s*$`)
	for i := range x.t.lines {
		if re.MatchString(x.yamlLine(i)) {
			return i
		}
	}
	return -1
}

// yamlChild finds key name among the children of the mapping at line
// parent. It returns the child's line (-1 if absent), the last line of the
// parent's block and the indentation of its children (-1 without any).
func (x *fixer) yamlChild(parent int, name string) (child, last, indent int) {
	pi := indentOf(x.yamlLine(parent))
	child, last, indent = -1, parent, -1
	re := regexp.MustCompile(`^\s*["']?` + regexp.QuoteMeta(name) + `["']?\s*:(\s|$)`)
	for i := parent + 1; i < len(x.t.lines); i++ {
		l := x.yamlLine(i)
		if blankOrComment(l) {
			continue
		}
		in := indentOf(l)
		if in <= pi {
			break
		}
		last = i
		if indent < 0 {
			indent = in
		}
		if in == indent && child < 0 && re.MatchString(l) {
			child = i
		}
	}
	return child, last, indent
}

// insertYAML adds settings (paths under Properties) to the resource,
// below the deepest mapping of their path that exists, indented as its
// siblings are.
func (x *fixer) insertYAML(settings []kv) (string, []protocol.TextEdit) {
	cur := x.yamlResource()
	if cur < 0 {
		return "", nil
	}
	segs := append([]string{"Properties"}, strings.Split(settings[0].k, ".")...)
	depth := 0
	for depth < len(segs)-1 {
		child, _, _ := x.yamlChild(cur, segs[depth])
		if child < 0 {
			break
		}
		if v := strings.TrimSpace(strings.SplitN(x.yamlLine(child), ":", 2)[1]); v != "" && !strings.HasPrefix(v, "#") {
			return "", nil // a flow collection or a scalar: not mechanical
		}
		cur = child
		depth++
	}
	_, last, indent := x.yamlChild(cur, "")
	step := 2
	if indent < 0 {
		indent = indentOf(x.yamlLine(cur)) + step
	} else {
		step = max(2, indent-indentOf(x.yamlLine(cur)))
	}
	var b strings.Builder
	written := map[string]bool{}
	for _, s := range settings {
		parts := append([]string{"Properties"}, strings.Split(s.k, ".")...)[depth:]
		for j, p := range parts {
			key := strings.Join(parts[:j+1], ".")
			if written[key] {
				continue
			}
			written[key] = true
			pad := strings.Repeat(" ", indent+j*step)
			if j == len(parts)-1 {
				fmt.Fprintf(&b, "\n%s%s: %s", pad, p, literal(langYAML, s.v, 0))
			} else {
				fmt.Fprintf(&b, "\n%s%s:", pad, p)
			}
		}
	}
	end := x.t.lineEnd(last)
	return "Add " + settings[0].k + fmt.Sprintf(" (%d setting(s))", len(settings)), []protocol.TextEdit{x.edit(end, end, b.String())}
}

func (x *fixer) fixTag() (string, []protocol.TextEdit) {
	m := missingTagRe.FindStringSubmatch(x.f.Message)
	if m == nil {
		return "", nil
	}
	name := m[1]
	title := fmt.Sprintf("Add the %s tag (placeholder value %s)", name, placeholderTag)
	switch x.lang {
	case langYAML:
		res := x.yamlResource()
		if res < 0 {
			return "", nil
		}
		props, _, _ := x.yamlChild(res, "Properties")
		if props < 0 {
			return "", nil
		}
		tags, last, indent := x.yamlChild(props, "Tags")
		if tags < 0 {
			pad := strings.Repeat(" ", max(indent, indentOf(x.yamlLine(props))+2))
			end := x.t.lineEnd(last)
			return title, []protocol.TextEdit{x.edit(end, end, fmt.Sprintf("\n%sTags:\n%s  - Key: %s\n%s    Value: %s", pad, pad, name, pad, placeholderTag))}
		}
		_, tlast, tindent := x.yamlChild(tags, "")
		if tindent < 0 {
			return "", nil
		}
		first := x.yamlLine(tags + 1)
		if !strings.HasPrefix(strings.TrimSpace(first), "- ") {
			return "", nil
		}
		pad := strings.Repeat(" ", tindent)
		end := x.t.lineEnd(tlast)
		return title, []protocol.TextEdit{x.edit(end, end, fmt.Sprintf("\n%s- Key: %s\n%s  Value: %s", pad, name, pad, placeholderTag))}
	case langHCL:
		return x.editHCL(title, func(body *hclwrite.Body, typ, rname string) bool {
			if !strings.HasPrefix(typ, "aws_") {
				return false
			}
			attr := body.GetAttribute("tags")
			if attr == nil {
				body.SetAttributeValue("tags", cty.ObjectVal(map[string]cty.Value{name: cty.StringVal(placeholderTag)}))
				return true
			}
			toks := attr.Expr().BuildTokens(nil)
			if len(toks) < 2 || toks[0].Type != hclsyntax.TokenOBrace || toks[len(toks)-1].Type != hclsyntax.TokenCBrace {
				return false
			}
			items := hclwrite.Tokens{}
			items = append(items, toks[:len(toks)-1]...)
			items = append(items,
				&hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
				&hclwrite.Token{Type: hclsyntax.TokenIdent, Bytes: []byte(name)},
				&hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("=")},
			)
			items = append(items, hclwrite.TokensForValue(cty.StringVal(placeholderTag))...)
			items = append(items, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")}, toks[len(toks)-1])
			body.SetAttributeRaw("tags", items)
			return true
		})
	}
	return "", nil
}

// ---- Terraform ----

// insertHCL adds settings to the resource: attributes, nested blocks for
// nested properties (aws provider), or, for an aws_s3_bucket, the
// companion resource the setting lives in.
func (x *fixer) insertHCL(settings []kv) (string, []protocol.TextEdit) {
	title := "Add " + snake(settings[0].k)
	return x.editHCL(title, func(body *hclwrite.Body, typ, name string) bool {
		top := strings.Split(settings[0].k, ".")[0]
		if typ == "aws_s3_bucket" {
			return false // handled below, as a new block after the bucket
		}
		if !strings.HasPrefix(typ, "aws_") && strings.Contains(settings[0].k, ".") {
			return false // awscc: nested objects are attribute values, not mechanical here
		}
		_ = top
		for _, s := range settings {
			segs := strings.Split(s.k, ".")
			if len(segs) > 0 && segs[0] == "LaunchTemplateData" && typ == "aws_launch_template" {
				segs = segs[1:]
			}
			b := body
			for _, seg := range segs[:len(segs)-1] {
				nb := b.FirstMatchingBlock(snake(seg), nil)
				if nb == nil {
					nb = b.AppendNewBlock(snake(seg), nil)
				}
				b = nb.Body()
			}
			b.SetAttributeValue(snake(segs[len(segs)-1]), ctyOf(s.v))
		}
		return true
	}, func(f *hclwrite.File, typ, name string) bool {
		if typ != "aws_s3_bucket" {
			return false
		}
		var companion string
		switch x.f.Rule {
		case "s3-public-access-block":
			companion = "aws_s3_bucket_public_access_block"
		case "s3-versioning":
			companion = "aws_s3_bucket_versioning"
		default:
			return false
		}
		f.Body().AppendNewline()
		blk := f.Body().AppendNewBlock("resource", []string{companion, name})
		blk.Body().SetAttributeTraversal("bucket", hcl.Traversal{hcl.TraverseRoot{Name: typ}, hcl.TraverseAttr{Name: name}, hcl.TraverseAttr{Name: "id"}})
		if companion == "aws_s3_bucket_versioning" {
			blk.Body().AppendNewBlock("versioning_configuration", nil).Body().SetAttributeValue("status", cty.StringVal("Enabled"))
		} else {
			for _, s := range settings {
				segs := strings.Split(s.k, ".")
				blk.Body().SetAttributeValue(snake(segs[len(segs)-1]), ctyOf(s.v))
			}
		}
		title = "Add resource " + companion + "." + name
		return true
	})
}

func ctyOf(v any) cty.Value {
	switch v := v.(type) {
	case bool:
		return cty.BoolVal(v)
	case string:
		return cty.StringVal(v)
	}
	return cty.StringVal(fmt.Sprint(v))
}

// editHCL parses the buffer with hclwrite, lets change edit the finding's
// resource block (or, with fileChange, the file), and turns the result into
// one minimal text edit; the output is formatted when the buffer was.
func (x *fixer) editHCL(title string, change func(body *hclwrite.Body, typ, name string) bool, fileChange ...func(f *hclwrite.File, typ, name string) bool) (string, []protocol.TextEdit) {
	f, diags := hclwrite.ParseConfig(x.t.src, "buffer.tf", hcl.InitialPos)
	if diags.HasErrors() {
		return "", nil
	}
	addr := strings.Split(x.f.Resource, ".")
	if len(addr) < 2 {
		return "", nil
	}
	typ, name := addr[len(addr)-2], addr[len(addr)-1]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	var blk *hclwrite.Block
	for _, b := range f.Body().Blocks() {
		if l := b.Labels(); b.Type() == "resource" && len(l) == 2 && l[0] == typ && l[1] == name {
			blk = b
			break
		}
	}
	if blk == nil {
		return "", nil
	}
	changed := change(blk.Body(), typ, name)
	for _, fc := range fileChange {
		if !changed {
			changed = fc(f, typ, name)
		}
	}
	if !changed {
		return "", nil
	}
	out := f.Bytes()
	if bytes.Equal(hclwrite.Format(x.t.src), x.t.src) {
		out = hclwrite.Format(out)
	}
	a, b, repl := minimalEdit(x.t.src, out)
	return title, []protocol.TextEdit{x.edit(a, b, repl)}
}

// minimalEdit is the single replacement that turns old into new: bytes
// [a, b) of old become repl (the common prefix and suffix are kept), cut
// at line starts so that the edit is whole lines.
func minimalEdit(old, new []byte) (int, int, string) {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	for p > 0 && old[p-1] != '\n' {
		p--
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	return p, len(old) - s, string(new[p : len(new)-s])
}
