package workspace

import (
	"bytes"
	"cmp"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"
)

// Source excerpts never show a secret.
//
// The text report prints source lines around each finding; a line there
// may hold a secret literal that no finding is about: a CloudFormation
// NoEcho parameter's Default, the default of a Terraform variable declared
// sensitive, a tfvars value of such a variable, a literal given to a
// module's sensitive variable or returned by a sensitive output, or, in a
// plan's JSON, any value Terraform marks sensitive (a plan writes those in
// clear in after/before, planned_values, prior_state and variables). The
// report reads sources only through report.Result.Source; Report wraps it
// with maskedSources, which finds those values in the file itself (the
// same declarations the loaders read) and overwrites each with asterisks,
// character for character, so columns and line numbers of the excerpt
// stay true. Masking happens when a report first reads a file, so a run
// that prints no excerpt pays nothing. Every format that shows source text
// reads it here.

// maskRune stands in for each character of a masked value.
const maskRune = '*'

// maskedSources wraps read so that every file it returns has its sensitive
// literals masked. sources are the files of the check, whose Terraform
// configuration files say which variables are sensitive (for tfvars files,
// wherever they are).
func maskedSources(sources map[string][]byte, read func(string) ([]byte, error)) func(string) ([]byte, error) {
	var once sync.Once
	var sensitiveVars map[string]bool
	vars := func() map[string]bool {
		once.Do(func() { sensitiveVars = sensitiveVariableNames(sources) })
		return sensitiveVars
	}
	var mu sync.Mutex
	masked := map[string][]byte{}
	return func(file string) ([]byte, error) {
		mu.Lock()
		if b, ok := masked[file]; ok {
			mu.Unlock()
			return b, nil
		}
		mu.Unlock()
		src, err := read(file)
		if err != nil {
			return nil, err
		}
		out := maskSecrets(file, src, vars)
		mu.Lock()
		masked[file] = out
		mu.Unlock()
		return out, nil
	}
}

// maskSecrets returns src with its sensitive literals masked (a copy when
// anything is masked). vars gives the sensitive Terraform variable names.
func maskSecrets(file string, src []byte, vars func() map[string]bool) []byte {
	switch name := strings.ToLower(filepath.Base(file)); {
	case strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json"):
		return maskSpans(src, terraformSpans(file, src, vars()))
	case strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json"):
		return maskSpans(src, tfvarsSpans(file, src, vars()))
	case isPlanSource(src):
		return maskPlan(src)
	default:
		return maskSpans(src, noEchoSpans(src))
	}
}

// span is a byte range [start, end) of a source to mask.
type span struct{ start, end int }

// maskSpans overwrites every character inside the spans, except line
// breaks and the quotes around a quoted value, with maskRune: one
// character for one, so columns stay true. A character is masked when it
// starts inside a span. The text between spans is copied as it is: a
// plan is one line of tens of MB with a few values to mask.
func maskSpans(src []byte, spans []span) []byte {
	if len(spans) == 0 {
		return src
	}
	if !utf8.Valid(src) {
		// Where characters start is then what DecodeRune makes of
		// each byte in turn, from the beginning.
		return maskSpansDecoding(src, spans)
	}
	marked := make([]span, 0, len(spans))
	for _, s := range spans {
		if s, ok := unquoted(src, s); ok {
			marked = append(marked, s)
		}
	}
	if len(marked) == 0 {
		return src
	}
	slices.SortFunc(marked, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	out := make([]byte, 0, len(src))
	done := 0 // src[:done] is in out
	for _, s := range marked {
		i := max(s.start, done)
		for i < s.end && !utf8.RuneStart(src[i]) {
			i++ // the character began before the span: not masked
		}
		if i >= s.end {
			continue
		}
		out = append(out, src[done:i]...)
		for i < s.end {
			_, n := utf8.DecodeRune(src[i:])
			if c := src[i]; c == '\n' || c == '\r' {
				out = append(out, c)
			} else {
				out = append(out, maskRune)
			}
			i += n
		}
		done = i
	}
	return append(out, src[done:]...)
}

// unquoted is the part of span s of src to mask: without the quotes
// around a quoted value; ok is false for a span out of src or empty.
func unquoted(src []byte, s span) (span, bool) {
	if s.start < 0 || s.end > len(src) || s.start >= s.end {
		return s, false
	}
	if s.end-s.start >= 2 && (src[s.start] == '"' || src[s.start] == '\'') && src[s.end-1] == src[s.start] {
		s.start, s.end = s.start+1, s.end-1
	}
	return s, s.start < s.end
}

// maskSpansDecoding is maskSpans for text that is not valid UTF-8: it
// decodes every character.
func maskSpansDecoding(src []byte, spans []span) []byte {
	mask := make([]bool, len(src)+1)
	marked := false
	for _, s := range spans {
		if s, ok := unquoted(src, s); ok {
			for i := s.start; i < s.end; i++ {
				mask[i] = true
				marked = true
			}
		}
	}
	if !marked {
		return src
	}
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if mask[i] && r != '\n' && r != '\r' {
			out = append(out, maskRune)
		} else {
			out = append(out, src[i:i+n]...)
		}
		i += n
	}
	return out
}

// parseHCL parses a Terraform configuration or variables file.
func parseHCL(file string, src []byte) *hcl.File {
	var f *hcl.File
	if strings.HasSuffix(strings.ToLower(file), ".json") {
		f, _ = hcljson.Parse(src, file)
	} else {
		f, _ = hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	}
	if f == nil || f.Body == nil {
		return nil
	}
	return f
}

var (
	tfFileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
	}}
	tfVariableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "default"}, {Name: "sensitive"}}}
	tfOutputSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "value"}, {Name: "sensitive"}}}
)

// declaredSensitive reports whether a block's sensitive attribute is true
// (or anything but a constant false: fail safe).
func declaredSensitive(attrs hcl.Attributes) bool {
	a := attrs["sensitive"]
	if a == nil {
		return false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.Bool {
		return true
	}
	return v.True()
}

// sensitiveWord and moduleWord are what a configuration file must contain
// to have anything to mask: a declaration's sensitive attribute (in native
// or JSON syntax), or a module block that may pass a sensitive variable.
var (
	sensitiveWord = []byte("sensitive")
	moduleWord    = []byte("module")
)

// mayMention reports whether src may hold word as a name: it does, or it
// has a JSON escape (\u0073ensitive is sensitive to the JSON parser).
func mayMention(src, word []byte) bool {
	return bytes.Contains(src, word) || bytes.Contains(src, []byte(`\u`))
}

// sensitiveVariableNames lists the variables any Terraform configuration
// file of the check declares sensitive.
func sensitiveVariableNames(sources map[string][]byte) map[string]bool {
	out := map[string]bool{}
	for file, src := range sources {
		name := strings.ToLower(file)
		if !strings.HasSuffix(name, ".tf") && !strings.HasSuffix(name, ".tf.json") {
			continue
		}
		if !mayMention(src, sensitiveWord) {
			continue // no variable here can be declared sensitive: not parsed again
		}
		f := parseHCL(file, src)
		if f == nil {
			continue
		}
		content, _, _ := f.Body.PartialContent(tfFileSchema)
		for _, b := range content.Blocks {
			if b.Type != "variable" {
				continue
			}
			c, _, _ := b.Body.PartialContent(tfVariableSchema)
			if declaredSensitive(c.Attributes) {
				out[b.Labels[0]] = true
			}
		}
	}
	return out
}

// literal reports whether an expression is a value written out in the
// source (no references): a secret itself, not the name of one.
func literal(e hcl.Expression) bool { return len(e.Variables()) == 0 }

func hclSpan(r hcl.Range) span { return span{r.Start.Byte, r.End.Byte} }

// terraformSpans finds, in one configuration file, the defaults of
// sensitive variables, the literal values of sensitive outputs and the
// literals a module block gives to variables declared sensitive.
func terraformSpans(file string, src []byte, sensitive map[string]bool) []span {
	if !mayMention(src, sensitiveWord) && (len(sensitive) == 0 || !mayMention(src, moduleWord)) {
		// Nothing here is declared sensitive, and no module block can
		// pass a sensitive variable: the file is not parsed again.
		return nil
	}
	f := parseHCL(file, src)
	if f == nil {
		return nil
	}
	var out []span
	content, _, _ := f.Body.PartialContent(tfFileSchema)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			c, _, _ := b.Body.PartialContent(tfVariableSchema)
			if d := c.Attributes["default"]; d != nil && declaredSensitive(c.Attributes) {
				out = append(out, hclSpan(d.Expr.Range()))
			}
		case "output":
			c, _, _ := b.Body.PartialContent(tfOutputSchema)
			if v := c.Attributes["value"]; v != nil && declaredSensitive(c.Attributes) && literal(v.Expr) {
				out = append(out, hclSpan(v.Expr.Range()))
			}
		case "module":
			attrs, _ := b.Body.JustAttributes()
			for name, a := range attrs {
				if sensitive[name] && literal(a.Expr) {
					out = append(out, hclSpan(a.Expr.Range()))
				}
			}
		}
	}
	return out
}

// tfvarsSpans finds the values a variables file gives to sensitive
// variables.
func tfvarsSpans(file string, src []byte, sensitive map[string]bool) []span {
	if len(sensitive) == 0 {
		return nil
	}
	f := parseHCL(file, src)
	if f == nil {
		return nil
	}
	attrs, _ := f.Body.JustAttributes()
	var out []span
	for name, a := range attrs {
		if sensitive[name] {
			out = append(out, hclSpan(a.Expr.Range()))
		}
	}
	return out
}

// noEchoSpans finds the Default of every NoEcho parameter of a
// CloudFormation template (YAML or JSON).
func noEchoSpans(src []byte) []span {
	if !bytes.Contains(src, []byte("NoEcho")) {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	params := mappingValue(doc.Content[0], "Parameters")
	if params == nil || params.Kind != yaml.MappingNode {
		return nil
	}
	lines := lineStarts(src)
	var out []span
	for i := 0; i+1 < len(params.Content); i += 2 {
		decl := params.Content[i+1]
		ne := mappingValue(decl, "NoEcho")
		if ne == nil || ne.Kind != yaml.ScalarNode || !strings.EqualFold(strings.Trim(ne.Value, `"'`), "true") {
			continue
		}
		if def := mappingValue(decl, "Default"); def != nil {
			out = append(out, yamlSpans(src, lines, def)...)
		}
	}
	return out
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func lineStarts(src []byte) []int {
	out := []int{0}
	for i, c := range src {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// offset converts a YAML node position (1-based line, 1-based column in
// characters) to a byte offset.
func offset(src []byte, lines []int, line, col int) int {
	if line < 1 || line > len(lines) {
		return -1
	}
	o := lines[line-1]
	for c := 1; c < col && o < len(src) && src[o] != '\n'; c++ {
		_, n := utf8.DecodeRune(src[o:])
		o += n
	}
	return o
}

// lineEnd is the offset of the end of the line holding o.
func lineEnd(src []byte, o int) int {
	if i := bytes.IndexByte(src[o:], '\n'); i >= 0 {
		return o + i
	}
	return len(src)
}

// yamlSpans covers a YAML value node: every scalar in it; a flow
// collection ([a, b]) whole; a block scalar with its lines.
func yamlSpans(src []byte, lines []int, n *yaml.Node) []span {
	if n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode {
		return nil
	}
	o := offset(src, lines, n.Line, n.Column)
	if o < 0 || o >= len(src) {
		return nil
	}
	if n.Kind != yaml.ScalarNode && n.Style&yaml.FlowStyle == 0 {
		var out []span
		for _, c := range n.Content {
			out = append(out, yamlSpans(src, lines, c)...)
		}
		return out
	}
	// a tag (!Ref x, !!str x) comes before the value
	if src[o] == '!' {
		for o < len(src) && src[o] != ' ' && src[o] != '\n' {
			o++
		}
		for o < len(src) && src[o] == ' ' {
			o++
		}
	}
	if o >= len(src) {
		return nil
	}
	switch c := src[o]; {
	case c == '"':
		for i := o + 1; i < len(src); i++ {
			if src[i] == '\\' {
				i++
			} else if src[i] == '"' {
				return []span{{o, i + 1}}
			}
		}
	case c == '\'':
		for i := o + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return []span{{o, i + 1}}
			}
		}
	case c == '[' || c == '{':
		depth := 0
		var quote byte
		for i := o; i < len(src); i++ {
			switch ch := src[i]; {
			case quote != 0:
				if ch == '\\' && quote == '"' {
					i++
				} else if ch == quote {
					quote = 0
				}
			case ch == '"' || ch == '\'':
				quote = ch
			case ch == '[' || ch == '{':
				depth++
			case ch == ']' || ch == '}':
				depth--
				if depth == 0 {
					return []span{{o, i + 1}}
				}
			}
		}
	case c == '|' || c == '>':
		// the block's lines: those after the header more indented than
		// the line the value starts on (blank lines included)
		indent := indentOf(src, lines[n.Line-1])
		end := lineEnd(src, o)
		for l := n.Line; l < len(lines); l++ {
			start := lines[l]
			le := lineEnd(src, start)
			if len(bytes.TrimSpace(src[start:le])) > 0 && indentOf(src, start) <= indent {
				break
			}
			end = le
		}
		return []span{{o, end}}
	default:
		if bytes.HasPrefix(src[o:], []byte(n.Value)) && n.Value != "" {
			return []span{{o, o + len(n.Value)}}
		}
	}
	// anything else: the rest of the line
	return []span{{o, lineEnd(src, o)}}
}

func indentOf(src []byte, start int) int {
	i := start
	for i < len(src) && src[i] == ' ' {
		i++
	}
	return i - start
}

// isPlanSource reports whether src is `terraform show -json` output.
func isPlanSource(src []byte) bool {
	t := bytes.TrimSpace(src)
	return len(t) > 0 && t[0] == '{' && bytes.Contains(src, []byte(`"terraform_version"`)) &&
		(bytes.Contains(src, []byte(`"resource_changes"`)) || bytes.Contains(src, []byte(`"planned_values"`)))
}

// maskPlan masks, everywhere in a plan's JSON, the string values Terraform
// marks sensitive: resource values under after_sensitive/before_sensitive
// (and the sensitive_values of planned_values and prior_state), output
// changes marked sensitive, and the values of variables the configuration
// declares sensitive. A plan repeats a value in several places, so every
// quoted occurrence of it is masked, not only the flagged one.
func maskPlan(src []byte) []byte {
	if secrets, ok := planSecrets(src); ok {
		return maskValues(src, secrets)
	}
	return maskPlanDecoded(src)
}

// maskPlanDecoded is maskPlan by a decode of the whole plan.
func maskPlanDecoded(src []byte) []byte {
	secrets := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var p map[string]any
	if err := dec.Decode(&p); err != nil {
		return src
	}
	for _, rc := range list(p["resource_changes"]) {
		ch := object(object(rc)["change"])
		collectFlagged(ch["after"], ch["after_sensitive"], false, secrets)
		collectFlagged(ch["before"], ch["before_sensitive"], false, secrets)
	}
	for _, rc := range list(p["resource_drift"]) {
		ch := object(object(rc)["change"])
		collectFlagged(ch["after"], ch["after_sensitive"], false, secrets)
		collectFlagged(ch["before"], ch["before_sensitive"], false, secrets)
	}
	for _, oc := range object(p["output_changes"]) {
		ch := object(oc)
		collectFlagged(ch["after"], ch["after_sensitive"], false, secrets)
		collectFlagged(ch["before"], ch["before_sensitive"], false, secrets)
	}
	for _, key := range []string{"planned_values", "prior_state"} {
		collectModule(object(p[key]), secrets)
		collectModule(object(object(p[key])["values"]), secrets)
	}
	vars := object(p["variables"])
	for name, decl := range object(object(object(p["configuration"])["root_module"])["variables"]) {
		if s, _ := object(decl)["sensitive"].(bool); s {
			collectFlagged(object(vars[name])["value"], true, false, secrets)
		}
	}
	return maskValues(src, secrets)
}

// maskValues masks every quoted occurrence of the secrets in a plan's
// JSON.
func maskValues(src []byte, secrets map[string]bool) []byte {
	if len(secrets) == 0 {
		return src
	}
	var spans []span
	for s := range secrets {
		quoted, err := json.Marshal(s)
		if err != nil {
			continue
		}
		quoted = bytes.ReplaceAll(quoted, []byte(`\u0026`), []byte("&")) // Terraform does not escape these
		for _, q := range [][]byte{quoted, []byte(`"` + s + `"`)} {
			for o := 0; ; {
				i := bytes.Index(src[o:], q)
				if i < 0 {
					break
				}
				spans = append(spans, span{o + i, o + i + len(q)})
				o += i + len(q)
			}
		}
	}
	return maskSpans(src, spans)
}

// collectModule collects the sensitive values of the resources of a
// planned_values or prior_state module, and of its child modules.
func collectModule(m map[string]any, secrets map[string]bool) {
	root := object(m["root_module"])
	if root == nil {
		root = m
	}
	var walk func(mod map[string]any)
	walk = func(mod map[string]any) {
		for _, r := range list(mod["resources"]) {
			collectFlagged(object(r)["values"], object(r)["sensitive_values"], false, secrets)
		}
		for _, c := range list(mod["child_modules"]) {
			walk(object(c))
		}
	}
	walk(root)
	for _, o := range object(m["outputs"]) {
		if s, _ := object(o)["sensitive"].(bool); s {
			collectFlagged(object(o)["value"], true, false, secrets)
		}
	}
}

// collectFlagged adds the strings of value that the skeleton flags (true
// at the value or above it) to secrets.
func collectFlagged(value, skel any, inside bool, secrets map[string]bool) {
	if b, ok := skel.(bool); ok && b {
		inside = true
	}
	switch v := value.(type) {
	case map[string]any:
		sk := object(skel)
		for k, e := range v {
			collectFlagged(e, sk[k], inside, secrets)
		}
	case []any:
		sk := list(skel)
		for i, e := range v {
			var s any
			if i < len(sk) {
				s = sk[i]
			}
			collectFlagged(e, s, inside, secrets)
		}
	case string:
		if inside && strings.TrimSpace(v) != "" {
			secrets[v] = true
		}
	}
}

func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
