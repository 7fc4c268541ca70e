package tfmap

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/stackgate/stackgate/policies/model"
)

//go:embed aws.json
var awsJSON []byte

// table is aws.json: how hashicorp/aws resources map to CloudFormation. Its
// $comment documents the format; validate checks it.
type table struct {
	Sets      map[string][]attrRule `json:"sets"`
	Resources map[string]*entry     `json:"resources"`
	Names     map[string]string     `json:"names"`
	// Untaggable lists the types in names that take no tags, so the
	// provider's default_tags do not reach them.
	Untaggable []string `json:"untaggable"`

	untaggable map[string]bool
}

// entry maps one Terraform type.
type entry struct {
	Type       string         `json:"type"`
	Attributes []attrRule     `json:"attributes"`
	Skip       []string       `json:"skip"`
	Computed   []string       `json:"computed"`
	Unmapped   string         `json:"unmapped"`
	Constants  map[string]any `json:"constants"`
	Parent     *parentSpec    `json:"parent"`
	Variants   *variantSpec   `json:"variants"`

	skip     []pattern
	computed map[string]bool
	rules    []compiledRule
	owns     []string // top-level properties a satellite replaces on its parent

	translations memo[translation]
}

// translation is what translate returns for one path.
type translation struct {
	cfn  string
	rule *compiledRule
	ok   bool
}

// parentSpec says how a satellite names its parent.
type parentSpec struct {
	Types []string `json:"types"`
	Via   string   `json:"via"`
	Match []string `json:"match"`
}

// variantSpec maps a Terraform type that stands for several
// CloudFormation types (aws_security_group_rule: ingress or egress) by the
// value of the attribute Attr: each value has an entry of its own.
type variantSpec struct {
	Attr   string            `json:"attr"`
	Values map[string]*entry `json:"values"`
}

// attrRule maps a provider path pattern to a CloudFormation path pattern.
type attrRule struct {
	TF        string         `json:"tf"`
	CFN       string         `json:"cfn"`
	Values    map[string]any `json:"values"`
	Transform string         `json:"transform"`
	Entries   string         `json:"entries"`
	Expand    bool           `json:"expand"`
	KeepKeys  bool           `json:"keep_keys"`
	// Single maps a top-level list attribute of one element to that
	// element, and a list of several to a list (cidr_blocks -> CidrIp).
	Single bool `json:"single"`
	// ResourceType, with transform tags into a tag specification's Tags
	// (TagSpecifications[0].Tags), is the ResourceType of that
	// specification, set when there are tags (launch-template).
	ResourceType string `json:"resource_type"`
}

type compiledRule struct {
	attrRule
	tf, cfn pattern
}

// pattern is a parsed path pattern: keys, fixed indexes, and wildcard
// indexes (any) that capture the index.
type pattern []any

type wildcard struct{}

// awsTable is aws.json, decoded on first use rather than when the
// program starts: commands that map nothing (version, rules) skip it.
var awsTable = sync.OnceValue(func() *table { return mustLoadTable(awsJSON) })

func mustLoadTable(src []byte) *table {
	t, err := loadTable(src)
	if err != nil {
		panic(fmt.Sprintf("tfmap: embedded aws.json: %v", err))
	}
	return t
}

var (
	cfnTypeRE  = regexp.MustCompile(`^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$`)
	tfTypeRE   = regexp.MustCompile(`^aws_[a-z0-9_]+$`)
	keyRE      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	transforms = map[string]bool{"": true, "tags": true, "json": true}
)

func loadTable(src []byte) (*table, error) {
	var t table
	dec := json.NewDecoder(strings.NewReader(string(src)))
	dec.DisallowUnknownFields()
	var raw struct {
		Comment string `json:"$comment"`
		table
	}
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	t = raw.table
	return &t, t.validate()
}

// validate checks every entry and compiles its patterns: types well formed,
// paths well formed, the same number of wildcards on both sides of a rule,
// sets and parents that exist.
func (t *table) validate() error {
	for name, set := range t.Sets {
		for _, r := range set {
			if _, err := compileRule(r); err != nil {
				return fmt.Errorf("set %s: %w", name, err)
			}
		}
	}
	for tfType, tn := range t.Names {
		if !tfTypeRE.MatchString(tfType) || !cfnTypeRE.MatchString(tn) {
			return fmt.Errorf("names: %s -> %s is not aws_* -> AWS::Service::Resource", tfType, tn)
		}
	}
	t.untaggable = map[string]bool{}
	for _, tfType := range t.Untaggable {
		if _, ok := t.Names[tfType]; !ok {
			return fmt.Errorf("untaggable: %s is not in names", tfType)
		}
		t.untaggable[tfType] = true
	}
	tfNames := slices.Sorted(maps.Keys(t.Resources))
	for _, tfType := range tfNames {
		e := t.Resources[tfType]
		if err := e.compile(t); err != nil {
			return fmt.Errorf("%s: %w", tfType, err)
		}
		if !tfTypeRE.MatchString(tfType) {
			return fmt.Errorf("%s: not an aws_* type name", tfType)
		}
	}
	return nil
}

func (e *entry) compile(t *table) error {
	if !cfnTypeRE.MatchString(e.Type) {
		return fmt.Errorf("type %q is not AWS::Service::Resource", e.Type)
	}
	if e.Unmapped != "" && e.Unmapped != "drop" {
		if _, err := parsePattern(e.Unmapped); err != nil {
			return fmt.Errorf("unmapped: %w", err)
		}
	}
	if e.Parent != nil {
		if e.Parent.Via == "" || len(e.Parent.Types) == 0 {
			return fmt.Errorf("parent needs via and types")
		}
	}
	if e.Variants != nil {
		if e.Variants.Attr == "" || len(e.Variants.Values) == 0 {
			return fmt.Errorf("variants needs attr and values")
		}
		if e.Parent != nil || len(e.Attributes) > 0 {
			return fmt.Errorf("an entry with variants has no parent or attributes of its own")
		}
		for _, v := range slices.Sorted(maps.Keys(e.Variants.Values)) {
			ve := e.Variants.Values[v]
			if ve == nil || ve.Variants != nil || ve.Parent != nil {
				return fmt.Errorf("variant %q: an entry without variants or parent", v)
			}
			if err := ve.compile(t); err != nil {
				return fmt.Errorf("variant %q: %w", v, err)
			}
		}
	}
	e.computed = map[string]bool{}
	for _, c := range e.Computed {
		e.computed[c] = true
	}
	for _, s := range e.Skip {
		p, err := parsePattern(s)
		if err != nil {
			return fmt.Errorf("skip: %w", err)
		}
		e.skip = append(e.skip, p)
	}
	owned := map[string]bool{}
	for _, r := range e.Attributes {
		c, err := compileRule(r)
		if err != nil {
			return err
		}
		if r.Entries != "" {
			if _, ok := t.Sets[r.Entries]; !ok {
				return fmt.Errorf("%s: no set %q", r.TF, r.Entries)
			}
		}
		e.rules = append(e.rules, c)
		if top, ok := c.cfn[0].(string); ok && !owned[top] {
			owned[top] = true
			e.owns = append(e.owns, top)
		}
	}
	return nil
}

func compileRule(r attrRule) (compiledRule, error) {
	tf, err := parsePattern(r.TF)
	if err != nil {
		return compiledRule{}, fmt.Errorf("tf %q: %w", r.TF, err)
	}
	cfn, err := parsePattern(r.CFN)
	if err != nil {
		return compiledRule{}, fmt.Errorf("cfn %q: %w", r.CFN, err)
	}
	if tf.wildcards() != cfn.wildcards() {
		return compiledRule{}, fmt.Errorf("%s -> %s: %d wildcards become %d", r.TF, r.CFN, tf.wildcards(), cfn.wildcards())
	}
	if !transforms[r.Transform] {
		return compiledRule{}, fmt.Errorf("%s: unknown transform %q", r.TF, r.Transform)
	}
	if (r.Transform == "tags" || r.Entries != "" || r.Single) && len(tf) != 1 {
		return compiledRule{}, fmt.Errorf("%s: a tags, entries or single rule applies to a top-level attribute", r.TF)
	}
	if r.ResourceType != "" {
		if _, index := cfn[max(len(cfn)-2, 0)].(int); r.Transform != "tags" || len(cfn) < 2 || !index {
			return compiledRule{}, fmt.Errorf("%s: resource_type needs transform tags into a list entry's Tags (TagSpecifications[0].Tags)", r.TF)
		}
	}
	return compiledRule{attrRule: r, tf: tf, cfn: cfn}, nil
}

// parsePattern parses "a[].b[0].c": keys, fixed indexes and wildcards.
func parsePattern(s string) (pattern, error) {
	if s == "" {
		return nil, fmt.Errorf("empty path")
	}
	var p pattern
	for _, seg := range strings.Split(s, ".") {
		name, rest, _ := strings.Cut(seg, "[")
		if !keyRE.MatchString(name) {
			return nil, fmt.Errorf("bad key %q in %q", name, s)
		}
		p = append(p, name)
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			if !ok {
				return nil, fmt.Errorf("unclosed [ in %q", s)
			}
			switch {
			case idx == "":
				p = append(p, wildcard{})
			case idx == "0":
				p = append(p, 0)
			default:
				return nil, fmt.Errorf("index [%s] in %q: use [] or [0]", idx, s)
			}
			rest, ok = strings.CutPrefix(after, "[")
			if !ok && after != "" {
				return nil, fmt.Errorf("bad segment %q in %q", seg, s)
			}
		}
	}
	return p, nil
}

func (p pattern) wildcards() int {
	n := 0
	for _, s := range p {
		if _, ok := s.(wildcard); ok {
			n++
		}
	}
	return n
}

// match reports whether p matches a prefix of segs, returning the captured
// wildcard indexes.
func (p pattern) match(segs []any) ([]int, bool) {
	if len(segs) < len(p) {
		return nil, false
	}
	var caps []int
	for i, ps := range p {
		switch v := ps.(type) {
		case string:
			if s, ok := segs[i].(string); !ok || s != v {
				return nil, false
			}
		case int:
			if s, ok := segs[i].(int); !ok || s != v {
				return nil, false
			}
		case wildcard:
			s, ok := segs[i].(int)
			if !ok {
				return nil, false
			}
			caps = append(caps, s)
		}
	}
	return caps, true
}

// fill instantiates p with captured indexes.
func (p pattern) fill(caps []int) []any {
	out := make([]any, 0, len(p))
	for _, s := range p {
		if _, ok := s.(wildcard); ok {
			out = append(out, caps[0])
			caps = caps[1:]
			continue
		}
		out = append(out, s)
	}
	return out
}

// rule returns the rule with the longest tf pattern matching segs.
func (e *entry) rule(segs []any) (*compiledRule, []int) {
	var best *compiledRule
	var caps []int
	for i := range e.rules {
		r := &e.rules[i]
		if c, ok := r.tf.match(segs); ok && (best == nil || len(r.tf) > len(best.tf)) {
			best, caps = r, c
		}
	}
	return best, caps
}

func (e *entry) skipped(segs []any) bool {
	for _, p := range e.skip {
		if _, ok := p.match(segs); ok {
			return true
		}
	}
	return false
}

// translate maps a provider path to its CloudFormation path by the entry's
// rules. ok is false for a path the entry drops. The answer depends on
// the path and the entry alone, and every resource of a type has the same
// few paths, so it is remembered.
func (e *entry) translate(path string) (string, *compiledRule, bool) {
	if t, ok := e.translations.get(path); ok {
		return t.cfn, t.rule, t.ok
	}
	cfn, rule, ok := e.translateSegs(model.SplitPath(path))
	e.translations.put(path, translation{cfn: cfn, rule: rule, ok: ok})
	return cfn, rule, ok
}

// translateSegs is translate for the segments of a path.
func (e *entry) translateSegs(segs []any) (string, *compiledRule, bool) {
	if len(segs) == 0 || e.skipped(segs) || globalSkip[fmt.Sprint(segs[0])] {
		return "", nil, false
	}
	if r, caps := e.rule(segs); r != nil {
		out := r.cfn.fill(caps)
		for _, s := range segs[len(r.tf):] {
			if k, ok := s.(string); ok && !r.KeepKeys {
				s = pascalCase(k)
			}
			out = append(out, s)
		}
		return model.JoinPath(out...), r, true
	}
	if out, ok := e.ancestor(segs); ok {
		return out, nil, true
	}
	switch e.Unmapped {
	case "drop":
		return "", nil, false
	case "":
		return genericPath(segs), nil, true
	default:
		return model.AppendKey(e.Unmapped, genericPath(segs)), nil, true
	}
}

// ancestor maps a path that lies above the rules' patterns (a whole block
// such as "rule", unknown because a dynamic block's for_each is unknown) to
// the CloudFormation path that holds everything those rules map: the
// longest common prefix of their CloudFormation patterns, cut before the
// first index the path does not give. An unknown block must stay unknown
// in the model, not vanish and read as "not configured".
func (e *entry) ancestor(segs []any) (string, bool) {
	var common []any
	found := false
	for i := range e.rules {
		r := &e.rules[i]
		if len(r.tf) <= len(segs) {
			continue
		}
		caps, ok := r.tf[:len(segs)].match(segs)
		if !ok {
			continue
		}
		var out []any
		for _, ps := range r.cfn {
			if _, wild := ps.(wildcard); wild {
				if len(caps) == 0 {
					break
				}
				ps, caps = caps[0], caps[1:]
			}
			out = append(out, ps)
		}
		if !found {
			common, found = out, true
			continue
		}
		n := 0
		for n < len(common) && n < len(out) && common[n] == out[n] {
			n++
		}
		common = common[:n]
	}
	if !found || len(common) == 0 {
		return "", false
	}
	return model.JoinPath(common...), true
}

// globalSkip are provider attributes of every resource that are no
// CloudFormation property: the provider id, the computed ARN, the merged
// tags (Tags come from tags, or tags_all when it is known) and the
// per-resource region argument.
var globalSkip = map[string]bool{"id": true, "arn": true, "tags_all": true, "region": true}

// genericPaths remembers genericPathOf.
var genericPaths memo[string]

// genericPathOf is genericPath of the segments of path, remembered: list
// entries (security group rules) ask it of the same paths for every
// resource.
func genericPathOf(path string) string {
	if g, ok := genericPaths.get(path); ok {
		return g
	}
	g := genericPath(model.SplitPath(path))
	genericPaths.put(path, g)
	return g
}

// genericPath PascalCases the keys of a provider path, keeping indexes.
func genericPath(segs []any) string {
	out := make([]any, len(segs))
	for i, s := range segs {
		if k, ok := s.(string); ok {
			s = pascalCase(k)
		}
		out[i] = s
	}
	return model.JoinPath(out...)
}
