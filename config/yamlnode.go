package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
	"github.com/stackgate/stackgate/policies/model"
)

// dateLayout is the one date format waivers accept.
const dateLayout = "2006-01-02"

// parser holds the state of one Parse call: the file name for messages,
// the rule catalogue, and every problem found so far.
type parser struct {
	file    string
	dir     string
	rules   map[string]RuleSpec
	ruleIDs []string
	schemas map[string]compiled
	errs    model.Errors
}

// errorf records a problem at n's position.
func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	p.errs = append(p.errs, model.Errorf(p.file, line, col, format, args...))
}

// field is one key/value pair of a mapping.
type field struct {
	key, val *yaml.Node
}

// fields returns the pairs of mapping n keyed by name, reporting unknown
// and duplicate keys (skipping them) and non-scalar keys. A null value is
// an empty mapping, as in "environments:" with everything commented out.
// ok is false when n is not a mapping at all.
func (p *parser) fields(n *yaml.Node, what string, allowed []string) (map[string]field, bool) {
	out := map[string]field{}
	pairs, ok := p.pairs(n, what)
	for _, f := range pairs {
		name := f.key.Value
		if allowed != nil && !slices.Contains(allowed, name) {
			p.unknownKey(f.key, what, allowed)
			continue
		}
		out[name] = f
	}
	return out, ok
}

// pairs returns the key/value pairs of mapping n in order, reporting
// duplicate and non-scalar keys (and skipping them).
func (p *parser) pairs(n *yaml.Node, what string) ([]field, bool) {
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, got %s", what, describe(n))
		return nil, false
	}
	var out []field
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: keys must be plain strings, got %s", what, describe(k))
			continue
		}
		if k.ShortTag() == yamltag.Merge {
			p.errorf(k, "%s: YAML merge keys ('<<') are not supported; write the keys out", what)
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			p.errorf(k, "%s: duplicate key '%s' (first defined on line %d)", what, clip(k.Value), prev.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, field{k, v})
	}
	return out, true
}

func (p *parser) unknownKey(k *yaml.Node, what string, allowed []string) {
	p.errorf(k, "unknown key '%s' in %s%s; valid keys: %s",
		clip(k.Value), what, didYouMean(k.Value, allowed), strings.Join(allowed, ", "))
}

// str returns n as a string. Only values that YAML reads as strings are
// accepted: `enforcement: 3` is an error, not "3".
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yamltag.Str {
		p.errorf(n, "%s must be a string, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// nonEmpty is str for values that must not be blank.
func (p *parser) nonEmpty(n *yaml.Node, what string) (string, bool) {
	s, ok := p.str(n, what)
	if ok && strings.TrimSpace(s) == "" {
		p.errorf(n, "%s must not be empty", what)
		return "", false
	}
	return s, ok
}

// enum returns n as one of the allowed strings.
func (p *parser) enum(n *yaml.Node, what string, allowed []string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yamltag.Str {
		p.errorf(n, "%s must be one of %s, got %s", what, strings.Join(allowed, ", "), describe(n))
		return "", false
	}
	if !slices.Contains(allowed, n.Value) {
		p.errorf(n, "%s must be one of %s, got '%s'%s",
			what, strings.Join(allowed, ", "), clip(n.Value), didYouMean(n.Value, allowed))
		return "", false
	}
	return n.Value, true
}

func (p *parser) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yamltag.Bool {
		p.errorf(n, "%s must be true or false, got %s", what, describe(n))
		return false, false
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		// YAML 1.1 spellings (yes/on) that yaml.v3 tags as bool for
		// compatibility but Go cannot parse.
		p.errorf(n, "%s must be true or false, got '%s'", what, clip(n.Value))
		return false, false
	}
	return b, true
}

// list returns the items of sequence n; null is an empty list.
func (p *parser) list(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list, got %s", what, describe(n))
		return nil, false
	}
	return n.Content, true
}

// strList returns a list of non-empty strings with their nodes.
func (p *parser) strList(n *yaml.Node, what string) ([]string, []*yaml.Node) {
	items, _ := p.list(n, what)
	var out []string
	var nodes []*yaml.Node
	for i, it := range items {
		if s, ok := p.nonEmpty(it, fmt.Sprintf("%s[%d]", what, i)); ok {
			out = append(out, s)
			nodes = append(nodes, it)
		}
	}
	return out, nodes
}

// date parses a YYYY-MM-DD date. YAML tags an unquoted date as a
// timestamp; a quoted one is a string; both are accepted.
func (p *parser) date(n *yaml.Node, what string) (time.Time, bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != yamltag.Str && tag != yamltag.Timestamp) {
		p.errorf(n, "%s must be a date YYYY-MM-DD, got %s", what, describe(n))
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, n.Value)
	if err != nil {
		p.errorf(n, "%s must be a date YYYY-MM-DD, got '%s'", what, clip(n.Value))
		return time.Time{}, false
	}
	return t, true
}

// value converts a parameter node to the JSON-like Go values the model
// uses (nil, bool, int64, float64, string, []any, map[string]any). Depth
// is bounded by checkStructure, which runs first.
func (p *parser) value(n *yaml.Node, what string) (any, bool) {
	switch n.Kind {
	case yaml.MappingNode:
		pairs, _ := p.pairs(n, what)
		m := make(map[string]any, len(pairs))
		ok := true
		for _, f := range pairs {
			v, vok := p.value(f.val, model.AppendKey(what, f.key.Value))
			ok = ok && vok
			m[f.key.Value] = v
		}
		return m, ok
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		ok := true
		for i, it := range n.Content {
			v, vok := p.value(it, model.AppendIndex(what, i))
			ok = ok && vok
			l = append(l, v)
		}
		return l, ok
	case yaml.ScalarNode:
		return p.scalar(n, what)
	}
	p.errorf(n, "%s: unsupported YAML value %s", what, describe(n))
	return nil, false
}

func (p *parser) scalar(n *yaml.Node, what string) (any, bool) {
	switch n.ShortTag() {
	case yamltag.Str, yamltag.Timestamp:
		// A date stays the text the user wrote; rules compare strings.
		return n.Value, true
	case yamltag.Null:
		return nil, true
	case yamltag.Bool:
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return b, true
		}
	case yamltag.Int:
		var v any
		if err := n.Decode(&v); err == nil {
			switch x := v.(type) {
			case int:
				return int64(x), true
			case int64:
				return x, true
			case uint64:
				return float64(x), true
			}
		}
	case yamltag.Float:
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, true
		}
	default:
		p.errorf(n, "%s: unsupported YAML tag %s", what, clip(n.Tag))
		return nil, false
	}
	p.errorf(n, "%s: cannot read '%s' as %s", what, clip(n.Value), describe(n))
	return nil, false
}

// describe names what a node is, for "got ..." messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.ShortTag() {
	case yamltag.Str:
		return fmt.Sprintf("the string '%s'", clip(n.Value))
	case yamltag.Int:
		return fmt.Sprintf("the integer %s", clip(n.Value))
	case yamltag.Float:
		return fmt.Sprintf("the number %s", clip(n.Value))
	case yamltag.Bool:
		return fmt.Sprintf("the boolean %s", clip(n.Value))
	case yamltag.Null:
		return "null (no value)"
	case yamltag.Timestamp:
		return fmt.Sprintf("the date %s", clip(n.Value))
	}
	return fmt.Sprintf("a value tagged %s", clip(n.ShortTag()))
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == yamltag.Null)
}

// clip shortens a value quoted in a message so that a hostile or pasted
// blob does not flood the terminal.
func clip(s string) string {
	const limit = 60
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// checkStructure rejects what no config needs and hostile input relies on:
// aliases (the building block of alias bombs) and nesting deeper than
// MaxDepth. It runs before any other check so later walks are bounded.
func (p *parser) checkStructure(n *yaml.Node, depth int) {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, "YAML aliases (*%s) are not supported in stackgate.yaml; write the value out", clip(n.Value))
		return
	}
	if depth > MaxDepth {
		p.errorf(n, "nesting deeper than %d levels", MaxDepth)
		return
	}
	for _, c := range n.Content {
		p.checkStructure(c, depth+1)
		if len(p.errs) > 100 {
			return
		}
	}
}
