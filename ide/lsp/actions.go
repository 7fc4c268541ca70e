package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/stackgate/stackgate/policies/model"
)

// codeActions offers, for each finding in the range, the quick fix where
// the fix is mechanical and a suppression with a reason. Edits are made
// against the text the findings were computed from, so none is offered
// while a newer edit is being evaluated.
func (s *Server) codeActions(_ context.Context, p protocol.CodeActionParams) []protocol.CodeAction {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	var ev *evaluation
	var k kind
	var cur *text
	if d != nil {
		ev, k, cur = d.shown, d.kind, d.text
	}
	s.mu.Unlock()
	if ev == nil || ev.text != cur || ev.broken {
		return []protocol.CodeAction{}
	}
	lang := languageOf(d.path, cur)
	out := []protocol.CodeAction{}
	for _, sh := range ev.shown {
		if sh.stale || sh.f.Waived != nil || !overlaps(sh.rng, p.Range) {
			continue
		}
		fx := &fixer{t: cur, f: sh.f, lang: lang, kind: k}
		if title, edits := fx.fix(); len(edits) > 0 {
			out = append(out, protocol.CodeAction{
				Title: title, Kind: protocol.QuickFix, Diagnostics: []protocol.Diagnostic{sh.diag}, IsPreferred: true,
				Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{d.uri: edits}},
			})
		}
		if title, edits := fx.suppress(); len(edits) > 0 {
			out = append(out, protocol.CodeAction{
				Title: title, Kind: protocol.QuickFix, Diagnostics: []protocol.Diagnostic{sh.diag},
				Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{d.uri: edits}},
			})
		}
	}
	return out
}

func overlaps(a, b protocol.Range) bool {
	return contains(protocol.Range{Start: a.Start, End: a.End}, b.Start) || contains(b, a.Start) || contains(a, b.End)
}

// Source languages, as far as edits are concerned.
const (
	langYAML = "yaml"
	langJSON = "json"
	langHCL  = "hcl"
)

func languageOf(path string, t *text) string {
	switch {
	case strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tfvars"):
		return langHCL
	case strings.HasSuffix(path, ".json"):
		return langJSON
	}
	trim := strings.TrimSpace(string(t.src[:min(len(t.src), 64)]))
	if strings.HasPrefix(trim, "{") {
		return langJSON
	}
	return langYAML
}

// placeholders are what a fix cannot know and the developer must fill in.
const (
	placeholderKey    = "TODO-customer-managed-kms-key-arn"
	placeholderTag    = "TODO"
	placeholderReason = "TODO say why this finding does not apply"
)

// leafFixes are the mechanical fixes: rule → property (CloudFormation
// name, the last segment of a finding's path) → the value that passes.
var leafFixes = map[string]map[string]any{
	"ec2-imdsv2":               {"HttpTokens": "required"},
	"kms-key-rotation":         {"EnableKeyRotation": true},
	"s3-public-access-block":   {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
	"s3-versioning":            {"Status": "Enabled"},
	"s3-dual-layer-encryption": {"SSEAlgorithm": "aws:kms:dsse"},
	"s3-encryption-kms":        {"SSEAlgorithm": "aws:kms"},
}

// containers are the properties whose absence a rule reports by naming
// them, with the settings a fix puts in them (path relative to the
// container, value), in order.
var containers = map[string]map[string][]kv{
	"s3-public-access-block": {"PublicAccessBlockConfiguration": {{"BlockPublicAcls", true}, {"BlockPublicPolicy", true}, {"IgnorePublicAcls", true}, {"RestrictPublicBuckets", true}}},
	"s3-versioning":          {"VersioningConfiguration": {{"Status", "Enabled"}}},
	"ec2-imdsv2":             {"MetadataOptions": {{"HttpTokens", "required"}}},
}

type kv struct {
	k string
	v any
}

type fixer struct {
	t    *text
	f    model.Finding
	lang string
	kind kind
}

var indexRe = regexp.MustCompile(`\[\d+\]`)

// segments is the finding's path without list indices.
func (x *fixer) segments() []string {
	p := indexRe.ReplaceAllString(x.f.Path, "")
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

func (x *fixer) fix() (string, []protocol.TextEdit) {
	segs := x.segments()
	if x.f.Rule == "required-tags" {
		return x.fixTag()
	}
	if len(segs) == 0 {
		return "", nil
	}
	leaf := segs[len(segs)-1]
	if want, ok := leafFixes[x.f.Rule][leaf]; ok {
		if title, edits := x.replaceLeaf(leaf, want); len(edits) > 0 {
			return title, edits
		}
	}
	// The property is missing: insert it.
	var settings []kv
	if want, ok := leafFixes[x.f.Rule][leaf]; ok {
		settings = []kv{{strings.Join(segs, "."), want}}
	} else if c, ok := containers[x.f.Rule][leaf]; ok {
		for _, s := range c {
			settings = append(settings, kv{strings.Join(segs, ".") + "." + s.k, s.v})
		}
	}
	if len(settings) == 0 {
		return "", nil
	}
	if x.lang == langHCL {
		return x.insertHCL(settings)
	}
	if x.lang == langYAML {
		return x.insertYAML(settings)
	}
	return "", nil
}

// edit is a text edit of bytes [a, b) of the text.
func (x *fixer) edit(a, b int, repl string) protocol.TextEdit {
	return protocol.TextEdit{Range: protocol.Range{Start: x.t.position(a), End: x.t.position(b)}, NewText: repl}
}

// byteRange is the finding's range in bytes of x.t.
func (x *fixer) byteRange() (int, int) {
	r := rangeOf(x.t, x.f)
	return x.t.offset(r.Start), x.t.offset(r.End)
}

func (x *fixer) lineOf(off int) (start, end int) {
	pos := x.t.position(off)
	return x.t.lines[pos.Line], x.t.lineEnd(int(pos.Line))
}

// literal renders v as a scalar of the file's language; quote is the
// quote character the value it replaces used, if any.
func literal(lang string, v any, quote byte) string {
	switch v := v.(type) {
	case string:
		switch {
		case lang == langYAML && quote == 0:
			return v
		case lang == langYAML && quote == '\'':
			return "'" + v + "'"
		}
		b, _ := json.Marshal(v)
		return string(b)
	default:
		return fmt.Sprint(v)
	}
}

// replaceLeaf replaces the flagged value when the finding's range is the
// scalar at its path (YAML/JSON: the value after "Leaf:"; HCL: the
// literal of "leaf = ..."). It returns nothing when the value is not a
// literal (a reference, an expression), which a fix must not overwrite.
func (x *fixer) replaceLeaf(leaf string, want any) (string, []protocol.TextEdit) {
	a, b := x.byteRange()
	if a >= b || b > len(x.t.src) {
		return "", nil
	}
	val := string(x.t.src[a:b])
	if strings.Contains(val, "\n") {
		return "", nil
	}
	ls, le := x.lineOf(a)
	var edits []protocol.TextEdit
	name := leaf
	switch x.lang {
	case langHCL:
		name = snake(leaf)
		m := regexp.MustCompile(`^(` + regexp.QuoteMeta(name) + `\s*=\s*)(.*)$`).FindStringSubmatch(val)
		if m != nil {
			a += len(m[1])
			val = m[2]
		} else if !regexp.MustCompile(regexp.QuoteMeta(name) + `\s*=\s*$`).MatchString(string(x.t.src[ls:a])) {
			return "", nil
		}
		if !isHCLLiteral(val) {
			return "", nil
		}
		b = a + len(val)
		edits = append(edits, x.edit(a, b, literal(langHCL, want, '"')))
	default:
		prefix := string(x.t.src[ls:a])
		if !regexp.MustCompile(`^\s*(-\s+)?["']?` + regexp.QuoteMeta(leaf) + `["']?\s*:\s*$`).MatchString(prefix) {
			return "", nil
		}
		if strings.HasPrefix(val, "!") || strings.HasPrefix(val, "{") || strings.HasPrefix(val, "[") {
			return "", nil // an intrinsic function or a collection
		}
		var q byte
		if len(val) > 0 && (val[0] == '"' || val[0] == '\'') {
			q = val[0]
		}
		edits = append(edits, x.edit(a, b, literal(x.lang, want, q)))
	}
	title := fmt.Sprintf("Set %s to %v", name, want)
	// Dual-layer encryption needs a customer managed key beside it.
	if x.f.Rule == "s3-dual-layer-encryption" && leaf == "SSEAlgorithm" {
		if e, ok := x.addSibling(ls, le, "KMSMasterKeyID", placeholderKey); ok {
			edits = append(edits, e)
			title += " with a KMS key"
		}
	}
	return title, edits
}

func isHCLLiteral(v string) bool {
	v = strings.TrimSpace(v)
	if v == "true" || v == "false" {
		return true
	}
	if regexp.MustCompile(`^-?[0-9.]+$`).MatchString(v) {
		return true
	}
	return len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && !strings.Contains(v, "${") && !strings.Contains(v[1:len(v)-1], `"`)
}

// addSibling inserts "key: value" after the line [ls, le), at its
// indentation, unless a sibling of that name is already in the block.
func (x *fixer) addSibling(ls, le int, key string, value any) (protocol.TextEdit, bool) {
	line := string(x.t.src[ls:le])
	indent := leadingSpace(line)
	if x.lang == langYAML && strings.HasPrefix(strings.TrimSpace(line), "- ") {
		indent += strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " "))-len(indent)+2)
	}
	name := key
	if x.lang == langHCL {
		name = snake(key)
	}
	// Look at the block's lines: same indentation, until one less indented.
	pos := x.t.position(ls)
	for i := int(pos.Line) - 1; i >= 0 && i >= int(pos.Line)-20; i-- {
		l := string(x.t.src[x.t.lines[i]:x.t.lineEnd(i)])
		if len(leadingSpace(l)) < len(indent) || strings.Contains(l, name) {
			if strings.Contains(l, name) {
				return protocol.TextEdit{}, false
			}
			break
		}
	}
	for i := int(pos.Line) + 1; i < len(x.t.lines) && i <= int(pos.Line)+20; i++ {
		l := string(x.t.src[x.t.lines[i]:x.t.lineEnd(i)])
		if strings.Contains(l, name) && len(leadingSpace(l)) >= len(indent) {
			return protocol.TextEdit{}, false
		}
		if strings.TrimSpace(l) != "" && len(leadingSpace(l)) < len(indent) {
			break
		}
	}
	var ins string
	switch x.lang {
	case langHCL:
		ins = fmt.Sprintf("\n%s%s = %s", indent, name, literal(langHCL, value, '"'))
	case langJSON:
		ins = fmt.Sprintf(",\n%s%q: %s", indent, name, literal(langJSON, value, '"'))
		// before a trailing comma of the line, keep JSON valid
		if strings.HasSuffix(strings.TrimRight(line, " "), ",") {
			ins = fmt.Sprintf("\n%s%q: %s,", indent, name, literal(langJSON, value, '"'))
		}
	default:
		ins = fmt.Sprintf("\n%s%s: %s", indent, name, literal(langYAML, value, 0))
	}
	return x.edit(le, le, ins), true
}

func leadingSpace(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// snake is the Terraform spelling of a CloudFormation property name:
// HttpTokens → http_tokens, SSEAlgorithm → sse_algorithm, KMSMasterKeyID →
// kms_master_key_id.
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		upper := c >= 'A' && c <= 'Z'
		if upper && i > 0 {
			prevLower := r[i-1] >= 'a' && r[i-1] <= 'z'
			nextLower := i+1 < len(r) && r[i+1] >= 'a' && r[i+1] <= 'z'
			if prevLower || (nextLower && r[i-1] >= 'A' && r[i-1] <= 'Z') {
				b.WriteByte('_')
			}
		}
		if upper {
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

var missingTagRe = regexp.MustCompile(`has no (\S+) tag`)

// suppress inserts the inline suppression for the finding: a comment
// above the flagged line in YAML and HCL; in a JSON template, which cannot
// hold comments, the resource's Metadata.stackgate.ignore entry.
func (x *fixer) suppress() (string, []protocol.TextEdit) {
	title := fmt.Sprintf("Suppress %s here (with a reason)", x.f.Rule)
	a, _ := x.byteRange()
	ls, le := x.lineOf(a)
	switch x.lang {
	case langJSON:
		return x.suppressJSON(title)
	case langHCL:
		if x.kind == kindTerraform && strings.HasSuffix(x.f.File, ".json") {
			return "", nil
		}
	}
	line := string(x.t.src[ls:le])
	indent := leadingSpace(line)
	comment := fmt.Sprintf("%s# stackgate:ignore %s %s\n", indent, x.f.Rule, placeholderReason)
	return title, []protocol.TextEdit{x.edit(ls, ls, comment)}
}

func (x *fixer) suppressJSON(title string) (string, []protocol.TextEdit) {
	id := x.f.Resource
	re := regexp.MustCompile(`(?m)^([ \t]*)"` + regexp.QuoteMeta(id) + `"\s*:\s*\{`)
	m := re.FindSubmatchIndex(x.t.src)
	if m == nil {
		return "", nil
	}
	open := m[1]
	// Only when the resource has no Metadata yet (merging is not mechanical).
	end := min(len(x.t.src), open+4096)
	if strings.Contains(string(x.t.src[open:end]), `"Metadata"`) {
		return "", nil
	}
	indent := string(x.t.src[m[2]:m[3]])
	inner := indent + "  "
	entry, _ := json.Marshal(map[string]any{"stackgate": map[string]any{"ignore": []map[string]string{{"rule": x.f.Rule, "reason": placeholderReason}}}})
	ins := fmt.Sprintf("\n%s\"Metadata\": %s,", inner, entry)
	return title, []protocol.TextEdit{x.edit(open, open, ins)}
}
