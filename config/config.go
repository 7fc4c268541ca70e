package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/stackgate/stackgate/policies/model"
)

// RuleSpec is what config needs to know about each rule. The caller passes
// the catalogue in (built-in and user rules), so this package never depends
// on the policy engine.
type RuleSpec struct {
	ID string
	// DefaultEnabled marks an environment-neutral rule: on (and blocking)
	// without a config file, and on in every environment unless the
	// environment sets {enabled: false}.
	DefaultEnabled bool
	// Parameters is the JSON Schema of the rule's parameter object; nil
	// means the rule takes no parameters, so any parameter is an error.
	Parameters map[string]any
}

// Config is a parsed, validated stackgate.yaml. It is immutable once built:
// every layer may share one value across goroutines.
type Config struct {
	// File is the config file's path as given, "" for the built-in default.
	File    string
	Version int
	// DefaultEnvironment is the environment used when no match applies
	// ("" when the file names none).
	DefaultEnvironment string
	// Environments in file order, which is also matching precedence: the
	// first environment whose match applies wins.
	Environments []*Environment
	Waivers      []Waiver
	// Policies are user policy directories (key `policies:`), made
	// absolute against the config file's directory.
	Policies []string
	// Exclude holds doublestar globs (slash-separated, relative to the
	// config file's directory) of paths to skip when scanning.
	Exclude []string

	// dir is the absolute directory the config's relative paths resolve
	// against (the working directory for the built-in default).
	dir string
	// fallback is the environment used when nothing matches.
	fallback *Environment
}

// Environment is one named environment with its effective settings.
type Environment struct {
	Name  string
	Match Match
	// Enforcement is model.EnforcementAdvise, EnforcementWarn or
	// EnforcementBlock; block when the file does not say.
	Enforcement string
	// Unknown is UnknownWarn (default) or UnknownBlock: whether findings
	// with status unknown block.
	Unknown string
	// Mandatory lists rule ids that can be neither waived nor suppressed
	// inline in this environment.
	Mandatory []string
	// InlineSuppressions allows `# stackgate:ignore` comments (key
	// `inline_suppressions`, default true).
	InlineSuppressions bool
	// Rules maps every enabled rule id to its parameters: the
	// default-enabled rules unless turned off, plus the rules the
	// environment lists. Parameters never include the `enabled` key and are
	// an empty (non-nil) map for a rule without parameters.
	Rules map[string]map[string]any
}

// Match says which sources and deployment targets belong to an environment.
// Paths serve the editor and CI layers; accounts, OUs and tags the hooks.
type Match struct {
	// Paths are doublestar globs, slash-separated and relative to the
	// config file's directory.
	Paths []string
	// Accounts are 12-digit AWS account ids.
	Accounts []string
	// OrganizationalUnits are AWS Organizations OU ids (ou-...).
	OrganizationalUnits []string
	// Tags match account tags; every listed tag must have the given value.
	Tags map[string]string
}

// Target describes a deployment target as the hooks layer knows it.
type Target struct {
	AccountID string
	// OrganizationalUnits are the OUs the account belongs to, innermost
	// first; any of them may select an environment.
	OrganizationalUnits []string
	Tags                map[string]string
}

// Default returns the configuration used when there is no config file: one
// environment "default" that blocks, with the default-enabled rules on.
func Default(rules []RuleSpec) *Config {
	dir, _ := os.Getwd()
	env := builtinEnvironment(rules)
	return &Config{
		Version:            1,
		DefaultEnvironment: env.Name,
		dir:                dir,
		fallback:           env,
	}
}

// builtinEnvironment is the environment of a project without a config.
func builtinEnvironment(rules []RuleSpec) *Environment {
	env := &Environment{
		Name:               DefaultEnvironmentName,
		Enforcement:        model.EnforcementBlock,
		Unknown:            UnknownWarn,
		InlineSuppressions: true,
		Rules:              map[string]map[string]any{},
	}
	for _, r := range rules {
		if r.DefaultEnabled {
			env.Rules[r.ID] = map[string]any{}
		}
	}
	return env
}

// Dir is the absolute directory that relative paths in the config resolve
// against: the config file's directory.
func (c *Config) Dir() string { return c.dir }

// Fallback is the environment used when no environment's match applies:
// default_environment, else an environment named "default", else the
// built-in default.
func (c *Config) Fallback() *Environment { return c.fallback }

// ForPath returns the environment for a source file or directory. path is
// absolute or relative to the working directory; it is matched, relative to
// the config file's directory, against each environment's match.paths in
// file order. A path outside the config directory matches no glob.
func (c *Config) ForPath(path string) *Environment {
	rel, ok := c.relative(path)
	if ok {
		for _, env := range c.Environments {
			if env.matchesPath(rel) {
				return env
			}
		}
	}
	return c.fallback
}

// relative makes path slash-separated and relative to the config dir.
func (c *Config) relative(path string) (string, bool) {
	if !filepath.IsAbs(path) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", false
		}
		path = abs
	}
	rel, err := filepath.Rel(c.dir, path)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

func (e *Environment) matchesPath(rel string) bool {
	for _, p := range e.Match.Paths {
		// Patterns were validated at parse time; Match only errors on
		// invalid patterns.
		if ok, _ := doublestar.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// Excluded reports whether path (absolute or relative to the working
// directory) matches one of the config's exclude globs.
func (c *Config) Excluded(path string) bool {
	rel, ok := c.relative(path)
	if !ok {
		return false
	}
	for _, p := range c.Exclude {
		if ok, _ := doublestar.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// ForAccount returns the environment for a deployment into accountID (the
// hooks layer): the first environment listing the account, else the fallback.
func (c *Config) ForAccount(accountID string) *Environment {
	return c.ForTarget(Target{AccountID: accountID})
}

// ForTarget returns the first environment, in file order, whose match
// selects the target, else the fallback. Within one match block the
// criteria are alternatives: the account is listed, or one of its OUs is
// listed, or (when tags are given) the account carries every listed tag
// with the listed value.
func (c *Config) ForTarget(t Target) *Environment {
	for _, env := range c.Environments {
		if env.matchesTarget(t) {
			return env
		}
	}
	return c.fallback
}

func (e *Environment) matchesTarget(t Target) bool {
	m := e.Match
	if t.AccountID != "" && slices.Contains(m.Accounts, t.AccountID) {
		return true
	}
	for _, ou := range t.OrganizationalUnits {
		if slices.Contains(m.OrganizationalUnits, ou) {
			return true
		}
	}
	if len(m.Tags) == 0 {
		return false
	}
	for k, v := range m.Tags {
		if got, ok := t.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Environment returns the environment called name (the --env flag). The
// name "default" also selects the fallback when no environment in the file
// has that name. An unknown name is an error listing the valid ones.
func (c *Config) Environment(name string) (*Environment, error) {
	for _, env := range c.Environments {
		if env.Name == name {
			return env, nil
		}
	}
	if name == DefaultEnvironmentName || name == c.fallback.Name {
		return c.fallback, nil
	}
	names := c.EnvironmentNames()
	msg := fmt.Sprintf("unknown environment %q%s; valid environments: %s",
		name, didYouMean(name, names), strings.Join(names, ", "))
	return nil, model.Errors{model.Errorf(c.File, 0, 0, "%s", msg)}
}

// EnvironmentNames lists the names Environment accepts, in file order, with
// the built-in "default" last when the file does not define it.
func (c *Config) EnvironmentNames() []string {
	var names []string
	for _, env := range c.Environments {
		names = append(names, env.Name)
	}
	if !slices.Contains(names, c.fallback.Name) {
		names = append(names, c.fallback.Name)
	}
	return names
}

// Enabled reports whether the rule is on in the environment.
func (e *Environment) Enabled(rule string) bool {
	_, ok := e.Rules[rule]
	return ok
}

// IsMandatory reports whether the rule can be neither waived nor suppressed
// inline in the environment.
func (e *Environment) IsMandatory(rule string) bool {
	return slices.Contains(e.Mandatory, rule)
}

// ModelEnvironment is the environment as the policy input carries it. The
// parameters are deep-copied so that nothing downstream can alter a config
// shared by concurrent evaluations.
func (e *Environment) ModelEnvironment() model.Environment {
	rules := make(map[string]map[string]any, len(e.Rules))
	for id, params := range e.Rules {
		rules[id] = deepCopy(params).(map[string]any)
	}
	return model.Environment{Name: e.Name, Rules: rules}
}

// deepCopy copies the JSON-like values parameters are made of.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}
