package config

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamlerr"
	"github.com/stackgate/stackgate/internal/yamltag"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/vfs"
)

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	// ouRE is the AWS Organizations OU id pattern.
	ouRE = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
)

var (
	enforcements   = []string{model.EnforcementAdvise, model.EnforcementWarn, model.EnforcementBlock}
	unknownOptions = []string{UnknownWarn, UnknownBlock}
)

// Parse reads a stackgate.yaml from src. file names it in messages and
// anchors its relative paths (its directory, made absolute against the
// working directory). rules is the catalogue the config may name.
//
// Every problem is reported, each as a *model.Error with line and column,
// in one model.Errors value; on error no Config is returned, so nothing is ever
// half-applied.
func Parse(file string, src []byte, rules []RuleSpec) (*Config, error) {
	p := &parser{file: file, rules: map[string]RuleSpec{}}
	for _, r := range rules {
		p.rules[r.ID] = r
		p.ruleIDs = append(p.ruleIDs, r.ID)
	}
	sort.Strings(p.ruleIDs)
	dir := "."
	if file != "" {
		dir = filepath.Dir(file)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, model.Errors{model.Errorf(file, 0, 0, "cannot resolve the config directory: %v", err)}
	}
	p.dir = abs

	root, ok := p.decode(src)
	if !ok {
		return nil, p.report()
	}
	cfg := p.config(root)
	if len(p.errs) > 0 {
		return nil, p.report()
	}
	return cfg, nil
}

// maxReported bounds the problems returned: a machine-generated or hostile
// file can hold tens of thousands, and nobody reads past the first screen.
const maxReported = 100

// report returns the problems in file order, at most maxReported of them
// plus a line saying how many were left out.
func (p *parser) report() model.Errors {
	errs := sortedErrors(p.errs)
	if len(errs) > maxReported {
		more := len(errs) - maxReported
		errs = append(errs[:maxReported:maxReported], model.Errorf(p.file, 0, 0, "%d more problems not shown", more))
	}
	return errs
}

// decode turns src into the root mapping node, after the checks that must
// come before YAML parsing (size, encoding) and the structural ones that
// must come before any walk (aliases, depth).
func (p *parser) decode(src []byte) (*yaml.Node, bool) {
	if len(src) > MaxFileSize {
		p.errorf(nil, "config file is larger than the limit of %d bytes (1 MiB)", MaxFileSize)
		return nil, false
	}
	if off := invalidUTF8(src); off >= 0 {
		line, col := position(src, off)
		p.errs = append(p.errs, model.Errorf(p.file, line, col, "invalid UTF-8 (byte offset %d); the config must be UTF-8 text", off))
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errs = append(p.errs, model.Errorf(p.file, 1, 1, "config is empty; it must start with 'version: 1'"))
		} else {
			p.yamlError(err)
		}
		return nil, false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		p.errorf(&extra, "config must be a single YAML document; found a second one")
		return nil, false
	case !errors.Is(err, io.EOF):
		p.yamlError(err)
		return nil, false
	}
	p.checkStructure(&doc, 0)
	if len(p.errs) > 0 {
		return nil, false
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.errs = append(p.errs, model.Errorf(p.file, 1, 1, "config is empty; it must start with 'version: 1'"))
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "config must be a mapping of keys (version, environments, ...), got %s", describe(root))
		return nil, false
	}
	return root, true
}

// yamlError converts a yaml.v3 syntax error, keeping its line.
func (p *parser) yamlError(err error) {
	line, msg := yamlerr.Position(err)
	p.errs = append(p.errs, model.Errorf(p.file, line, 0, "invalid YAML: %s", msg))
}

// invalidUTF8 returns the offset of the first byte that is not valid UTF-8,
// or -1.
func invalidUTF8(src []byte) int {
	for off := 0; off < len(src); {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			return off
		}
		off += size
	}
	return -1
}

// position converts a byte offset of valid UTF-8 text before it to a
// 1-based line and code-point column.
func position(src []byte, off int) (line, col int) {
	before := src[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[lineStart:])
}

// config walks the top-level mapping. Sections are read in dependency
// order (environments before the keys that name them); problems are sorted
// by position afterwards.
func (p *parser) config(root *yaml.Node) *Config {
	top, _ := p.fields(root, "the config", topLevelKeys)
	cfg := &Config{File: p.file, dir: p.dir}

	if f, ok := top["version"]; !ok {
		p.errorf(root, "missing required key 'version' (add 'version: 1' at the top)")
	} else if f.val.Kind != yaml.ScalarNode || f.val.ShortTag() != yamltag.Int {
		p.errorf(f.val, "version must be the integer 1, got %s", describe(f.val))
	} else if f.val.Value != "1" {
		p.errorf(f.val, "unsupported version %s; this stackgate reads version 1", clip(f.val.Value))
	} else {
		cfg.Version = 1
	}

	if f, ok := top["environments"]; ok {
		cfg.Environments = p.environments(f.val)
	}

	names := make([]string, 0, len(cfg.Environments))
	for _, e := range cfg.Environments {
		names = append(names, e.Name)
	}
	cfg.fallback = builtinEnvironment(p.catalogue())
	if f, ok := top["default_environment"]; ok {
		if name, ok := p.nonEmpty(f.val, "default_environment"); ok {
			if env := find(cfg.Environments, name); env != nil {
				cfg.DefaultEnvironment = name
				cfg.fallback = env
			} else {
				p.errorf(f.val, "default_environment '%s' is not defined under environments%s; defined: %s",
					clip(name), didYouMean(name, names), listOrNone(names))
			}
		}
	} else if env := find(cfg.Environments, DefaultEnvironmentName); env != nil {
		cfg.DefaultEnvironment = env.Name
		cfg.fallback = env
	}

	if f, ok := top["waivers"]; ok {
		cfg.Waivers = p.waivers(f.val, cfg)
	}
	if f, ok := top["policies"]; ok {
		dirs, _ := p.strList(f.val, "policies")
		for _, d := range dirs {
			d = filepath.FromSlash(d)
			if !filepath.IsAbs(d) {
				d = filepath.Join(p.dir, d)
			}
			cfg.Policies = append(cfg.Policies, filepath.Clean(d))
		}
	}
	if f, ok := top["exclude"]; ok {
		cfg.Exclude = p.globs(f.val, "exclude")
	}
	return cfg
}

func (p *parser) catalogue() []RuleSpec {
	out := make([]RuleSpec, 0, len(p.ruleIDs))
	for _, id := range p.ruleIDs {
		out = append(out, p.rules[id])
	}
	return out
}

// globs reads a list of doublestar patterns relative to the config dir.
func (p *parser) globs(n *yaml.Node, what string) []string {
	pats, nodes := p.strList(n, what)
	var out []string
	for i, pat := range pats {
		norm := strings.TrimPrefix(filepath.ToSlash(pat), "./")
		switch {
		case strings.HasPrefix(norm, "/") || filepath.IsAbs(pat):
			p.errorf(nodes[i], "%s: '%s' is absolute; patterns are relative to the config file's directory", what, clip(pat))
		case !doublestar.ValidatePattern(norm):
			p.errorf(nodes[i], "%s: '%s' is not a valid glob (check unclosed '[' or '{' and trailing '\\')", what, clip(pat))
		default:
			out = append(out, norm)
		}
	}
	return out
}

func (p *parser) environments(n *yaml.Node) []*Environment {
	pairs, _ := p.pairs(n, "environments")
	var envs []*Environment
	accounts := map[string]string{}
	ous := map[string]string{}
	for _, f := range pairs {
		name := f.key.Value
		if strings.TrimSpace(name) == "" {
			p.errorf(f.key, "environment names must not be empty")
			continue
		}
		env, nodes := p.environment(name, f.val)
		// The first match wins, so an account or OU claimed twice makes
		// the second entry dead: say so rather than ignore it.
		for i, a := range env.Match.Accounts {
			if prev, dup := accounts[a]; dup && prev == name {
				p.errorf(nodes.accounts[i], "environment '%s': account %s is listed twice", clip(name), a)
			} else if dup {
				p.errorf(nodes.accounts[i], "environment '%s': account %s is already matched by environment '%s', which comes first", clip(name), a, prev)
			} else {
				accounts[a] = name
			}
		}
		for i, ou := range env.Match.OrganizationalUnits {
			if prev, dup := ous[ou]; dup && prev == name {
				p.errorf(nodes.ous[i], "environment '%s': organizational unit %s is listed twice", clip(name), ou)
			} else if dup {
				p.errorf(nodes.ous[i], "environment '%s': organizational unit %s is already matched by environment '%s', which comes first", clip(name), ou, prev)
			} else {
				ous[ou] = name
			}
		}
		envs = append(envs, env)
	}
	return envs
}

// matchNodes are the YAML nodes of a match block's accounts and OUs,
// parallel to Match.Accounts and Match.OrganizationalUnits, for messages
// that compare environments.
type matchNodes struct {
	accounts, ous []*yaml.Node
}

func (p *parser) environment(name string, n *yaml.Node) (*Environment, matchNodes) {
	what := "environment '" + clip(name) + "'"
	env := &Environment{
		Name:               name,
		Enforcement:        model.EnforcementBlock,
		Unknown:            UnknownWarn,
		InlineSuppressions: true,
	}
	fs, _ := p.fields(n, what, environmentKeys)
	var nodes matchNodes
	if f, ok := fs["match"]; ok {
		env.Match, nodes = p.match(f.val, what)
	}
	if f, ok := fs["enforcement"]; ok {
		if v, ok := p.enum(f.val, what+": enforcement", enforcements); ok {
			env.Enforcement = v
		}
	}
	if f, ok := fs["unknown"]; ok {
		if v, ok := p.enum(f.val, what+": unknown", unknownOptions); ok {
			env.Unknown = v
		}
	}
	if f, ok := fs["inline_suppressions"]; ok {
		if v, ok := p.boolean(f.val, what+": inline_suppressions"); ok {
			env.InlineSuppressions = v
		}
	}
	var rules *yaml.Node
	if f, ok := fs["rules"]; ok {
		rules = f.val
	}
	env.Rules = p.ruleSet(rules, what)
	if f, ok := fs["mandatory"]; ok {
		ids, nodes := p.strList(f.val, what+": mandatory")
		for i, id := range ids {
			if !p.knownRule(nodes[i], id, what+": mandatory") {
				continue
			}
			if !env.Enabled(id) {
				hint := "list it under rules"
				if p.rules[id].DefaultEnabled {
					hint = "remove {enabled: false} from it under rules, or drop it from mandatory"
				}
				p.errorf(nodes[i], "%s: mandatory rule '%s' is not on in this environment; %s", what, id, hint)
				continue
			}
			if !slices.Contains(env.Mandatory, id) {
				env.Mandatory = append(env.Mandatory, id)
			}
		}
	}
	return env, nodes
}

func (p *parser) match(n *yaml.Node, env string) (Match, matchNodes) {
	what := env + ": match"
	var m Match
	var nodes matchNodes
	fs, _ := p.fields(n, what, matchKeys)
	if f, ok := fs["paths"]; ok {
		m.Paths = p.globs(f.val, what+".paths")
	}
	if f, ok := fs["accounts"]; ok {
		items, _ := p.list(f.val, what+".accounts")
		for i, it := range items {
			w := what + ".accounts[" + strconv.Itoa(i) + "]"
			if it.Kind == yaml.ScalarNode && it.ShortTag() != yamltag.Str && accountRE.MatchString(it.Value) {
				p.errorf(it, "%s: quote the account id (\"%s\"): unquoted, YAML reads it as a number", w, it.Value)
				continue
			}
			if s, ok := p.str(it, w); ok {
				if !accountRE.MatchString(s) {
					p.errorf(it, "%s: '%s' is not an AWS account id (12 digits)", w, clip(s))
					continue
				}
				m.Accounts = append(m.Accounts, s)
				nodes.accounts = append(nodes.accounts, it)
			}
		}
	}
	if f, ok := fs["organizational_units"]; ok {
		ids, ouNodes := p.strList(f.val, what+".organizational_units")
		for i, id := range ids {
			if !ouRE.MatchString(id) {
				p.errorf(ouNodes[i], "%s.organizational_units[%d]: '%s' is not an organizational unit id (ou-xxxx-xxxxxxxx)", what, i, clip(id))
				continue
			}
			m.OrganizationalUnits = append(m.OrganizationalUnits, id)
			nodes.ous = append(nodes.ous, ouNodes[i])
		}
	}
	if f, ok := fs["tags"]; ok {
		pairs, _ := p.pairs(f.val, what+".tags")
		for _, t := range pairs {
			if v, ok := p.str(t.val, what+".tags."+clip(t.key.Value)); ok {
				if m.Tags == nil {
					m.Tags = map[string]string{}
				}
				m.Tags[t.key.Value] = v
			}
		}
	}
	return m, nodes
}

// knownRule reports whether id is in the catalogue, recording an error with
// the closest id otherwise.
func (p *parser) knownRule(n *yaml.Node, id, what string) bool {
	if _, ok := p.rules[id]; ok {
		return true
	}
	p.errorf(n, "%s: unknown rule '%s'%s", what, clip(id), didYouMean(id, p.ruleIDs))
	return false
}

func find(envs []*Environment, name string) *Environment {
	for _, e := range envs {
		if e.Name == name {
			return e
		}
	}
	return nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// readLimited reads the config file through the bounded view of the disk:
// a regular file only (a FIFO or device, also through a symlink, is
// refused without blocking or reading) and at most MaxFileSize bytes.
func readLimited(path string) ([]byte, error) {
	return vfs.OS(MaxFileSize).ReadFile(path)
}
