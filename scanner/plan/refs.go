package plan

import (
	"strings"

	"github.com/stackgate/stackgate/scanner/tfmap"
)

// maxVarHops bounds how many module inputs a reference is followed through.
const maxVarHops = maxModuleDepth

// refScope is where an expression is evaluated: the module instance, and
// the instance key that each.key / count.index stand for there.
type refScope struct {
	steps []modStep
	key   string // `["raw"]`, `[0]`, "" without count or for_each
}

// resolver turns the references Terraform lists for an expression into the
// one resource attribute the value is, when it is one.
type resolver struct {
	cfg *configIndex
	// instances holds every resource instance address the plan knows.
	instances map[string]bool
}

// resolve reports the resource attribute an expression with these
// references stands for. The plan's configuration keeps only the list of
// references, not the expression, so this is a judgement: the value is
// taken to be the reference when it names exactly one resource (and
// nothing else but each.key, each.value or count.index to pick the
// instance). A module input variable is followed to the expression the
// calling module passes. A value built from a resource attribute by a
// template or function with no other input also passes this test; rules
// only use a reference to learn what kind of thing a value points at, for
// which such a value is no worse a guide.
func (rv *resolver) resolve(refs []string, sc refScope, hops int) (tfmap.Ref, bool) {
	if hops > maxVarHops {
		return tfmap.Ref{}, false
	}
	var (
		target  refTarget
		targets int
		usesKey bool
		varName string
		vars    int
	)
	for _, r := range refs {
		switch {
		case r == "each.key" || r == "each.value" || strings.HasPrefix(r, "each.value.") || strings.HasPrefix(r, "each.value[") || r == "count.index":
			usesKey = true
		case strings.HasPrefix(r, "var."):
			name := strings.TrimPrefix(r, "var.")
			if n := strings.IndexAny(name, ".["); n >= 0 {
				name = name[:n]
			}
			if name != varName {
				varName = name
				vars++
			}
		default:
			t, ok := parseRefTarget(r)
			if !ok {
				return tfmap.Ref{}, false
			}
			switch {
			case targets == 0:
				target, targets = t, 1
			case t.Type != target.Type || t.Name != target.Name:
				return tfmap.Ref{}, false
			default:
				// The same resource listed twice: keep the most precise form
				// (aws_kms_key.data.arn over aws_kms_key.data).
				if t.Key != "" && target.Key == "" {
					target.Key = t.Key
				}
				if t.Attr != "" && target.Attr == "" {
					target.Attr = t.Attr
				}
			}
		}
	}
	switch {
	case targets == 1 && vars == 0:
		return rv.ref(target, usesKey, sc), true
	case targets == 0 && vars == 1 && len(sc.steps) > 0:
		// A module input: follow it to what the caller passes, evaluated in
		// the caller's module with this module instance's key.
		call := rv.cfg.calls[configModule(sc.steps)]
		if call == nil {
			return tfmap.Ref{}, false
		}
		d := exprData(call.Expressions[varName])
		if d == nil || len(d.References) == 0 {
			return tfmap.Ref{}, false
		}
		n := len(sc.steps) - 1
		return rv.resolve(d.References, refScope{steps: sc.steps[:n], key: sc.steps[n].Key}, hops+1)
	}
	return tfmap.Ref{}, false
}

// ref builds the reference to the instance t names in scope sc: the key
// written in the reference, else the scope's own key when the referenced
// resource has an instance with it (aws_kms_key.lake[each.key] inside a
// for_each over the same keys), else the resource without a key.
func (rv *resolver) ref(t refTarget, usesKey bool, sc refScope) tfmap.Ref {
	base := moduleAddr(sc.steps) + t.Type + "." + t.Name
	addr := base
	switch {
	case t.Key != "":
		addr = base + t.Key
	case usesKey && sc.key != "" && rv.instances[base+sc.key]:
		addr = base + sc.key
	}
	return tfmap.Ref{Address: addr, Type: t.Type, Attribute: t.Attr}
}

// describeRefs lists references for a message, dropping those another
// entry refines (aws_kms_key.data when aws_kms_key.data.arn is listed).
func describeRefs(refs []string) string {
	var keep []string
	for _, r := range refs {
		refined := false
		for _, o := range refs {
			if o != r && (strings.HasPrefix(o, r+".") || strings.HasPrefix(o, r+"[")) {
				refined = true
				break
			}
		}
		if !refined {
			keep = append(keep, r)
		}
	}
	return strings.Join(keep, ", ")
}
