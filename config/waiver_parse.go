package config

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// waivers reads the top-level waiver list. Environments must be parsed
// first: a waiver may name one, and may not waive a rule that environment
// makes mandatory. An expired waiver is kept: it is reported as a finding
// of rule waiver-expired, not as a config error.
func (p *parser) waivers(n *yaml.Node, cfg *Config) []Waiver {
	items, _ := p.list(n, "waivers")
	var out []Waiver
	for i, it := range items {
		what := fmt.Sprintf("waivers[%d]", i)
		before := len(p.errs)
		fs, ok := p.fields(it, what, waiverKeys)
		if !ok {
			continue
		}
		if isNull(it) {
			p.errorf(it, "%s is empty; a waiver needs rule, resource, reason, owner and expires", what)
			continue
		}
		w := Waiver{File: p.file, Line: it.Line}
		for _, key := range []string{"rule", "resource", "reason", "owner", "expires"} {
			if _, ok := fs[key]; !ok {
				p.errorf(it, "%s: missing required key '%s'", what, key)
			}
		}
		if f, ok := fs["rule"]; ok {
			if id, ok := p.nonEmpty(f.val, what+": rule"); ok && p.knownRule(f.val, id, what) {
				w.Rule = id
			}
		}
		if f, ok := fs["resource"]; ok {
			w.Resource, _ = p.nonEmpty(f.val, what+": resource")
		}
		if f, ok := fs["reason"]; ok {
			w.Reason, _ = p.nonEmpty(f.val, what+": reason")
		}
		if f, ok := fs["owner"]; ok {
			w.Owner, _ = p.nonEmpty(f.val, what+": owner")
		}
		if f, ok := fs["expires"]; ok {
			w.Expires, _ = p.date(f.val, what+": expires")
		}
		if f, ok := fs["environment"]; ok {
			if name, ok := p.nonEmpty(f.val, what+": environment"); ok {
				env := cfg.lookup(name)
				switch {
				case env == nil:
					names := cfg.EnvironmentNames()
					p.errorf(f.val, "%s: unknown environment '%s'%s; defined: %s",
						what, clip(name), didYouMean(name, names), listOrNone(names))
				case w.Rule != "" && env.IsMandatory(w.Rule):
					p.errorf(f.val, "%s: rule '%s' is mandatory in environment '%s' and cannot be waived there", what, w.Rule, env.Name)
				default:
					// "default" may stand for the fallback; store the
					// name Matches will be called with.
					w.Environment = env.Name
				}
			}
		}
		if len(p.errs) == before {
			out = append(out, w)
		}
	}
	return out
}

// lookup finds an environment by name, including the fallback.
func (c *Config) lookup(name string) *Environment {
	if env := find(c.Environments, name); env != nil {
		return env
	}
	if c.fallback != nil && (name == DefaultEnvironmentName || name == c.fallback.Name) {
		return c.fallback
	}
	return nil
}
