package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/stackgate/stackgate/internal/yamltag"
)

// maxSchemaErrors caps the parameter problems reported per rule: past a
// handful the rest are noise from the same mistake.
const maxSchemaErrors = 10

var printer = message.NewPrinter(language.English)

// ruleSet computes an environment's effective rules from its `rules`
// mapping (nil when absent): the default-enabled rules, plus every listed
// rule, minus those listed with {enabled: false}.
func (p *parser) ruleSet(n *yaml.Node, env string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, id := range p.ruleIDs {
		if p.rules[id].DefaultEnabled {
			out[id] = map[string]any{}
		}
	}
	what := env + ": rules"
	pairs, _ := p.pairs(n, what)
	for _, f := range pairs {
		id := f.key.Value
		if !p.knownRule(f.key, id, what) {
			continue
		}
		params, enabled, ok := p.ruleParams(p.rules[id], f, env)
		if !ok {
			continue
		}
		if enabled {
			out[id] = params
		} else {
			delete(out, id)
		}
	}
	return out
}

// ruleParams reads one entry under rules: null or a mapping whose reserved
// key `enabled` switches the rule and whose other keys are its parameters,
// validated against the rule's JSON Schema.
func (p *parser) ruleParams(spec RuleSpec, f field, env string) (map[string]any, bool, bool) {
	what := fmt.Sprintf("%s: rule '%s'", env, spec.ID)
	params := map[string]any{}
	if !isNull(f.val) && f.val.Kind != yaml.MappingNode {
		p.errorf(f.val, "%s must be a mapping of parameters ({} for none, {enabled: false} to turn it off), got %s", what, describe(f.val))
		return nil, false, false
	}
	before := len(p.errs)
	enabled := true
	paramNode := &yaml.Node{Kind: yaml.MappingNode, Tag: yamltag.Map, Line: f.val.Line, Column: f.val.Column}
	pairs, _ := p.pairs(f.val, what)
	for _, kv := range pairs {
		if kv.key.Value == enabledKey {
			if b, ok := p.boolean(kv.val, what+": enabled"); ok {
				enabled = b
			}
			continue
		}
		paramNode.Content = append(paramNode.Content, kv.key, kv.val)
	}
	if len(paramNode.Content) > 0 && spec.Parameters == nil {
		p.errorf(paramNode.Content[0], "%s takes no parameters, got '%s'", what, clip(paramNode.Content[0].Value))
		return nil, false, false
	}
	for _, kv := range pairs {
		if kv.key.Value == enabledKey {
			continue
		}
		v, _ := p.value(kv.val, what+": "+kv.key.Value)
		params[kv.key.Value] = v
	}
	if len(p.errs) > before {
		return nil, false, false
	}
	if spec.Parameters != nil && !p.validateParams(spec, params, paramNode, f.key, what) {
		return nil, false, false
	}
	return params, enabled, true
}

// validateParams checks params against the rule's JSON Schema and reports
// each violation at the YAML node it concerns.
func (p *parser) validateParams(spec RuleSpec, params map[string]any, node, ruleKey *yaml.Node, what string) bool {
	sch, err := p.schema(spec)
	if err != nil {
		p.errorf(ruleKey, "%s: the rule's parameter schema is invalid (a bug in the rule's metadata): %v", what, err)
		return false
	}
	verr := sch.Validate(params)
	if verr == nil {
		return true
	}
	var ve *jsonschema.ValidationError
	if !asValidationError(verr, &ve) {
		p.errorf(node, "%s: %v", what, verr)
		return false
	}
	leaves := leafErrors(ve, nil)
	if len(leaves) > maxSchemaErrors {
		leaves = leaves[:maxSchemaErrors]
	}
	for _, l := range leaves {
		at := locate(node, l.InstanceLocation, l.ErrorKind)
		if at == node && len(node.Content) == 0 {
			// An empty parameter object has no line of its own worth
			// pointing at when it was null; the rule key is clearer.
			at = ruleKey
		}
		loc := "parameters"
		if path := instancePath(l.InstanceLocation); path != "" {
			loc = "parameter " + path
		}
		p.errorf(at, "%s: %s: %s", what, loc, l.ErrorKind.LocalizedString(printer))
	}
	return false
}

func asValidationError(err error, out **jsonschema.ValidationError) bool {
	ve, ok := err.(*jsonschema.ValidationError)
	if ok {
		*out = ve
	}
	return ok
}

// leafErrors flattens a validation error tree to its most specific causes,
// in a stable order, without repeats.
func leafErrors(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		key := strings.Join(e.InstanceLocation, "\x00") + "\x01" + e.ErrorKind.LocalizedString(printer)
		for _, o := range out {
			if strings.Join(o.InstanceLocation, "\x00")+"\x01"+o.ErrorKind.LocalizedString(printer) == key {
				return out
			}
		}
		return append(out, e)
	}
	causes := append([]*jsonschema.ValidationError(nil), e.Causes...)
	sort.SliceStable(causes, func(i, j int) bool {
		return strings.Join(causes[i].InstanceLocation, "/") < strings.Join(causes[j].InstanceLocation, "/")
	})
	for _, c := range causes {
		out = leafErrors(c, out)
	}
	return out
}

// locate maps a JSON Schema instance location to the YAML node it came
// from. For a property that is not allowed the key itself is the culprit,
// so the key node is returned.
func locate(n *yaml.Node, loc []string, k jsonschema.ErrorKind) *yaml.Node {
	cur := n
	for _, tok := range loc {
		next := child(cur, tok)
		if next == nil {
			break
		}
		cur = next
	}
	if ap, ok := k.(*kind.AdditionalProperties); ok && len(ap.Properties) > 0 && cur.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == ap.Properties[0] {
				return cur.Content[i]
			}
		}
	}
	return cur
}

func child(n *yaml.Node, tok string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == tok {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

// instancePath prints a location in the property path style of the model
// (tags.data-classification[0]).
func instancePath(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// schema returns the compiled parameter schema of a rule, compiling it
// once per Parse.
func (p *parser) schema(spec RuleSpec) (*jsonschema.Schema, error) {
	if c, ok := p.schemas[spec.ID]; ok {
		return c.schema, c.err
	}
	sch, err := compileParams(spec)
	if p.schemas == nil {
		p.schemas = map[string]compiled{}
	}
	p.schemas[spec.ID] = compiled{sch, err}
	return sch, err
}

type compiled struct {
	schema *jsonschema.Schema
	err    error
}

// compileParams compiles a rule's parameter schema (draft 2020-12 unless
// the schema says otherwise). The schema is normalised through JSON first:
// metadata read from Rego or Go literals may hold ints the compiler does
// not expect.
func compileParams(spec RuleSpec) (*jsonschema.Schema, error) {
	raw, err := json.Marshal(spec.Parameters)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	url := "stackgate:///rules/" + spec.ID + "/parameters.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}
