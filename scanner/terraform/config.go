package terraform

import (
	"maps"
	"slices"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/zclconf/go-cty/cty"
)

// moduleConfig is the merged configuration of one module directory.
type moduleConfig struct {
	display, abs string // directory as shown in ranges, and absolute
	variables    map[string]*variableConfig
	varOrder     []string
	locals       map[string]*hcl.Attribute
	outputs      map[string]*hcl.Attribute // the value expression of each output
	resources    []*resourceConfig
	resByKey     map[string]*resourceConfig // "aws_s3_bucket.x", "data.aws_iam_policy_document.x"
	modules      []*moduleCall
	modByName    map[string]*moduleCall
	providers    map[string]*providerConfig // "aws", "aws.west"
	// attrsRead is every attribute name the module's expressions read
	// after a traversal step: the attributes a whole resource object
	// (for_each = aws_kms_key.this, then each.value.key_id) must offer.
	attrsRead []string
	// localNames and outputNames are the keys of locals and outputs,
	// sorted: every module instance evaluates them in this order (and
	// every reference to a child module's outputs walks them), so they are
	// sorted once here rather than on each use.
	localNames, outputNames []string
	// sensitiveOutputs names the outputs declared `sensitive = true`:
	// their values reach the calling module marked sensitive.
	sensitiveOutputs map[string]bool
	// exprs remembers what evaluation learns about each expression
	// (exprInfo), for every instance of the module and every root module
	// that calls it.
	exprs exprCache
}

type variableConfig struct {
	name      string
	typ       cty.Type
	defaults  *typeexpr.Defaults
	def       hcl.Expression // nil when there is no default
	sensitive bool
	nullable  bool
	rng       hcl.Range
	rules     []validationRule
	// converted is the default, converted to typ, once a load found it
	// (computeVariable): a constant, the same in every instance of the
	// module in every load, so a module called from twenty root modules
	// converts it once, not twenty times. nil until then.
	converted atomic.Pointer[cty.Value]
}

// validationRule is a variable's validation block.
type validationRule struct {
	condition, message hcl.Expression
	rng                hcl.Range
}

var validationSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "condition", Required: true}, {Name: "error_message", Required: true},
}}

// resourceConfig is a resource or data block.
type resourceConfig struct {
	mode      string // "managed" or "data"
	typ, name string
	body      hcl.Body
	count     hcl.Expression
	forEach   hcl.Expression
	provider  string // "aws.west" from the provider argument, "" for the default
	lifecycle *hcl.Block
	rng       hcl.Range // the whole block
	nameRng   hcl.Range // type and name labels
	file      string
	json      bool
}

// key is the resource's address within its module.
func (r *resourceConfig) key() string {
	if r.mode == "data" {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

type moduleCall struct {
	name      string
	source    string
	sourceRng hcl.Range
	count     hcl.Expression
	forEach   hcl.Expression
	inputs    map[string]*hcl.Attribute
	providers map[string]string // child provider key -> parent provider key
	rng       hcl.Range
}

type providerConfig struct {
	key         string
	region      hcl.Expression
	defaultTags hcl.Expression // tags of the default_tags block (aws provider)
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "moved"}, {Type: "import"}, {Type: "removed"}, {Type: "check", LabelNames: []string{"name"}},
}}

var variableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "default"}, {Name: "type"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"}, {Name: "ephemeral"},
}, Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}}}

var outputSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "value"}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}, {Name: "ephemeral"},
}, Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}}}

// resourceMeta are the meta-arguments of resource blocks; everything else
// in the body is provider configuration.
var resourceMeta = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "count"}, {Name: "for_each"}, {Name: "provider"}, {Name: "depends_on"},
}, Blocks: []hcl.BlockHeaderSchema{
	{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}, {Type: "connection"},
}}

var moduleMeta = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "source", Required: true}, {Name: "version"}, {Name: "count"}, {Name: "for_each"}, {Name: "providers"}, {Name: "depends_on"},
}}

var providerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "alias"}, {Name: "region"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "default_tags"}},
}

var defaultTagsSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "tags"}}}

// decodeModule merges the files of one module directory into its
// configuration, reporting duplicates as Terraform does. Apart from the
// expression cache (exprs), a moduleConfig is not modified after.
func decodeModule(display, abs string, files []*parsedFile) (*moduleConfig, []*model.Error) {
	m := &moduleConfig{
		display: display, abs: abs,
		variables: map[string]*variableConfig{}, locals: map[string]*hcl.Attribute{},
		outputs: map[string]*hcl.Attribute{}, resByKey: map[string]*resourceConfig{},
		modByName: map[string]*moduleCall{}, providers: map[string]*providerConfig{},
	}
	var errs []*model.Error
	add := func(diags hcl.Diagnostics) { errs = append(errs, diagErrors(diags)...) }
	_, attrsRead := scanModule(files)
	m.attrsRead = slices.Sorted(maps.Keys(attrsRead))
	for _, pf := range files {
		content, _, diags := pf.file.Body.PartialContent(fileSchema)
		add(diags)
		for _, b := range content.Blocks {
			if bad := invalidLabel(b); bad != nil {
				errs = append(errs, bad)
				continue
			}
			switch b.Type {
			case "variable":
				v, diags := decodeVariable(b, pf.json)
				add(diags)
				if v == nil {
					continue
				}
				if prev, dup := m.variables[v.name]; dup {
					errs = append(errs, errAt(b.DefRange, "duplicate variable %q, first declared at %s", v.name, prev.rng.String()))
					continue
				}
				m.variables[v.name] = v
				m.varOrder = append(m.varOrder, v.name)
			case "locals":
				attrs, diags := b.Body.JustAttributes()
				add(diags)
				for name, a := range attrs {
					if prev, dup := m.locals[name]; dup {
						errs = append(errs, errAt(a.NameRange, "duplicate local value %q, first defined at %s", name, prev.NameRange.String()))
						continue
					}
					m.locals[name] = a
				}
			case "output":
				c, diags := b.Body.Content(outputSchema)
				add(diags)
				if a := c.Attributes["value"]; a != nil {
					if _, dup := m.outputs[b.Labels[0]]; dup {
						errs = append(errs, errAt(b.DefRange, "duplicate output %q", b.Labels[0]))
						continue
					}
					m.outputs[b.Labels[0]] = a
					if sa := c.Attributes["sensitive"]; sa != nil {
						// Like a variable's, the flag must be a constant bool;
						// anything else is treated as sensitive (fail safe).
						sv, d := sa.Expr.Value(nil)
						if d.HasErrors() || sv.Type() != cty.Bool || !sv.IsKnown() || sv.IsNull() || sv.True() {
							if m.sensitiveOutputs == nil {
								m.sensitiveOutputs = map[string]bool{}
							}
							m.sensitiveOutputs[b.Labels[0]] = true
						}
					}
				}
			case "resource", "data":
				r, diags := decodeResource(b, pf)
				add(diags)
				if r == nil {
					continue
				}
				if prev, dup := m.resByKey[r.key()]; dup {
					errs = append(errs, errAt(b.DefRange, "duplicate resource %s, first declared at %s", r.key(), prev.rng.String()))
					continue
				}
				m.resByKey[r.key()] = r
				m.resources = append(m.resources, r)
			case "module":
				mc, diags := decodeModuleCall(b)
				add(diags)
				if mc == nil {
					continue
				}
				if _, dup := m.modByName[mc.name]; dup {
					errs = append(errs, errAt(b.DefRange, "duplicate module call %q", mc.name))
					continue
				}
				m.modByName[mc.name] = mc
				m.modules = append(m.modules, mc)
			case "provider":
				c, _, diags := b.Body.PartialContent(providerSchema)
				add(diags)
				p := &providerConfig{key: b.Labels[0]}
				if a := c.Attributes["alias"]; a != nil {
					if alias := keyword(a.Expr); alias != "" {
						p.key += "." + alias
					}
				}
				if a := c.Attributes["region"]; a != nil {
					p.region = a.Expr
				}
				for _, dt := range c.Blocks {
					dc, diags := dt.Body.Content(defaultTagsSchema)
					add(diags)
					if a := dc.Attributes["tags"]; a != nil {
						p.defaultTags = a.Expr
					}
				}
				m.providers[p.key] = p
			}
		}
	}
	m.localNames = slices.Sorted(maps.Keys(m.locals))
	m.outputNames = slices.Sorted(maps.Keys(m.outputs))
	return m, errs
}

func decodeVariable(b *hcl.Block, isJSON bool) (*variableConfig, hcl.Diagnostics) {
	c, diags := b.Body.Content(variableSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	v := &variableConfig{name: b.Labels[0], typ: cty.DynamicPseudoType, nullable: true, rng: b.DefRange}
	if !validIdentifier(v.name) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid variable name", Detail: "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.", Subject: &b.LabelRanges[0]}}
	}
	if a := c.Attributes["type"]; a != nil {
		expr := a.Expr
		if isJSON {
			// In JSON the type is a string holding a type expression.
			if s, d := a.Expr.Value(nil); !d.HasErrors() && s.Type() == cty.String && s.IsKnown() && !s.IsNull() {
				e, d := hclsyntax.ParseExpression([]byte(s.AsString()), a.Expr.Range().Filename, a.Expr.Range().Start)
				if d.HasErrors() {
					return nil, d
				}
				expr = e
			}
		}
		ty, defaults, d := typeexpr.TypeConstraintWithDefaults(expr)
		if d.HasErrors() {
			return nil, d
		}
		v.typ, v.defaults = ty, defaults
	}
	if a := c.Attributes["default"]; a != nil {
		v.def = a.Expr
	}
	for _, name := range []string{"sensitive", "nullable"} {
		a := c.Attributes[name]
		if a == nil {
			continue
		}
		val, d := a.Expr.Value(nil)
		if d.HasErrors() || val.Type() != cty.Bool || val.IsNull() || !val.IsKnown() {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid " + name + " value", Detail: "Must be true or false.", Subject: a.Expr.Range().Ptr()}}
		}
		if name == "sensitive" {
			v.sensitive = val.True()
		} else {
			v.nullable = val.True()
		}
	}
	for _, blk := range c.Blocks {
		vc, d := blk.Body.Content(validationSchema)
		if d.HasErrors() {
			return nil, d
		}
		v.rules = append(v.rules, validationRule{condition: vc.Attributes["condition"].Expr,
			message: vc.Attributes["error_message"].Expr, rng: blk.DefRange})
	}
	return v, nil
}

func decodeResource(b *hcl.Block, pf *parsedFile) (*resourceConfig, hcl.Diagnostics) {
	c, remain, diags := b.Body.PartialContent(resourceMeta)
	r := &resourceConfig{
		mode: "managed", typ: b.Labels[0], name: b.Labels[1], body: remain,
		rng: blockRange(b), nameRng: hcl.RangeBetween(b.LabelRanges[0], b.LabelRanges[1]),
		file: pf.name, json: pf.json,
	}
	if b.Type == "data" {
		r.mode = "data"
	}
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		r.body = sb // walked directly; meta-arguments are skipped by name
	}
	if a := c.Attributes["count"]; a != nil {
		r.count = a.Expr
	}
	if a := c.Attributes["for_each"]; a != nil {
		r.forEach = a.Expr
	}
	if r.count != nil && r.forEach != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid combination of \"count\" and \"for_each\"", Detail: "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used.", Subject: r.forEach.Range().Ptr()})
	}
	if a := c.Attributes["provider"]; a != nil {
		if t, d := hcl.AbsTraversalForExpr(a.Expr); !d.HasErrors() {
			r.provider = traversalString(t)
		}
	}
	for _, blk := range c.Blocks {
		if blk.Type == "lifecycle" {
			r.lifecycle = blk
		}
	}
	return r, diags
}

func decodeModuleCall(b *hcl.Block) (*moduleCall, hcl.Diagnostics) {
	c, remain, diags := b.Body.PartialContent(moduleMeta)
	if diags.HasErrors() {
		return nil, diags
	}
	mc := &moduleCall{name: b.Labels[0], rng: b.DefRange, providers: map[string]string{}}
	src := c.Attributes["source"]
	v, d := src.Expr.Value(nil)
	if d.HasErrors() || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid module source", Detail: "The module source must be a literal string.", Subject: src.Expr.Range().Ptr()}}
	}
	mc.source, mc.sourceRng = v.AsString(), src.Expr.Range()
	if a := c.Attributes["count"]; a != nil {
		mc.count = a.Expr
	}
	if a := c.Attributes["for_each"]; a != nil {
		mc.forEach = a.Expr
	}
	if a := c.Attributes["providers"]; a != nil {
		pairs, d := hcl.ExprMap(a.Expr)
		diags = append(diags, d...)
		for _, p := range pairs {
			kt, d1 := hcl.AbsTraversalForExpr(p.Key)
			vt, d2 := hcl.AbsTraversalForExpr(p.Value)
			if !d1.HasErrors() && !d2.HasErrors() {
				mc.providers[traversalString(kt)] = traversalString(vt)
			}
		}
	}
	attrs, d := remain.JustAttributes()
	diags = append(diags, d...)
	mc.inputs = attrs
	return mc, diags
}

// blockRange is the whole block for native syntax, its definition range
// (type and labels) for JSON, where no block range exists.
func blockRange(b *hcl.Block) hcl.Range {
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		return hcl.RangeBetween(b.TypeRange, sb.SrcRange)
	}
	return b.DefRange
}

// keyword returns the bare identifier or string an expression holds.
func keyword(expr hcl.Expression) string {
	if k := hcl.ExprAsKeyword(expr); k != "" {
		return k
	}
	v, d := expr.Value(nil)
	if d.HasErrors() || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}

// traversalString renders a traversal of names ("aws.west").
func traversalString(t hcl.Traversal) string {
	s := ""
	for _, step := range t {
		switch st := step.(type) {
		case hcl.TraverseRoot:
			s = st.Name
		case hcl.TraverseAttr:
			s += "." + st.Name
		}
	}
	return s
}

// validIdentifier is hclsyntax.ValidIdentifier, which runs HCL's scanner
// over s (a tenth of decoding a module), with a fast path for the names
// configurations use: ASCII letters, digits, underscores and dashes, not
// starting with a digit or a dash, which the scanner reads as one
// identifier. Anything else is left to the scanner.
func validIdentifier(s string) bool {
	return asciiIdentifier(s) || hclsyntax.ValidIdentifier(s)
}

func asciiIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// invalidLabel checks that the names in a block's labels are identifiers,
// as Terraform requires ("resource \"\" \"x\"" is not a resource).
func invalidLabel(b *hcl.Block) *model.Error {
	for i, l := range b.Labels {
		if !validIdentifier(l) {
			return errAt(b.LabelRanges[i], "invalid %s name %q: a name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes", b.Type, l)
		}
	}
	return nil
}
