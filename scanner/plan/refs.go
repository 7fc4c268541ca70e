package plan

import (
	"slices"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
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
// references would stand for if it were a reference. The plan's
// configuration keeps only the list of references, not the expression, so
// this is only the first half of a judgement: the references name exactly
// one resource (and nothing else but each.key, each.value or count.index
// to pick the instance). A module input variable is followed to the
// expression the calling module passes. A conditional or a function over
// that one resource's attributes passes this test as well; the second
// half ([builder.reference]) is the .tf source, or else the property the
// value is for.
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

// reference decides whether the value at path of the resource at addr,
// known only after apply and computed from refs (the plan configuration's
// references list), is a reference to another resource that rules may
// decide on, or a value that is unknown until apply.
//
// With the configuration's source, the HCL evaluator's judgement on the
// expression decides (it records a reference only for a bare reference,
// an index or splat of one selecting the instance, or such a reference
// passed through a local, a module input or output, or the branch of a
// conditional whose condition is known; never for an operator, a
// function that transforms the value, or a template with literal text).
// Its target is taken when the plan has that instance, else the plan's
// own (which knows instance keys the evaluator may not); a target only
// the evaluator finds (a data source, a local) is kept. When the source
// has no judgement at path (the resource or the path is not there, or
// the path is a literal list or object of references that the plan holds
// as one unknown value), the plan alone judges.
//
// From the plan alone, the references list cannot tell
// aws_kms_key.k.key_id from aws_kms_key.k.key_id != "" ? "aws:kms" :
// "AES256". A reference is then taken for the value only where the
// attribute holds an identifier of another resource (see refBearing):
// there a conditional or function over one resource's attribute is still
// a guide to what the value points at, while for an enum-like attribute
// (sse_algorithm) the value is some function of the reference, not the
// reference.
func (b *builder) reference(addr, path string, refs []string, sc refScope) (tfmap.Ref, bool) {
	planRef, planOK := b.rv.resolve(refs, sc, 0)
	if src := b.source[addr]; src != nil {
		if ref, isRef := src.Refs[path]; isRef {
			if b.rv.instances[ref.Address] || !planOK {
				return ref, true
			}
			return planRef, true
		}
		if judges(src, path) {
			return tfmap.Ref{}, false
		}
	}
	if !planOK || !refBearing(path) {
		return tfmap.Ref{}, false
	}
	return planRef, true
}

// judges reports whether the evaluated configuration resource src says
// what the value at path is, when it records no reference there: it
// reaches path (a value or an unknown) and records no reference below it
// (vpc_security_group_ids = [aws_security_group.web.id] has one at
// vpc_security_group_ids[0], while the plan has the whole list unknown).
func judges(src *tfmap.Resource, path string) bool {
	for p := range src.Refs {
		if strings.HasPrefix(p, path+"[") || strings.HasPrefix(p, path+".") {
			return false
		}
	}
	if _, ok := src.Unknown[path]; ok {
		return true
	}
	_, ok := model.Lookup(src.Attrs, path)
	return ok
}

// refBearingNames and refBearingSuffixes declare the provider attributes
// that hold an identifier of another resource (a KMS key id or ARN, a
// security group id, a subnet id, a bucket name, a role), by the name of
// the attribute a path ends in. Only for these does a value computed from
// one other resource stand for that resource when the .tf source is not
// there to show the expression. The AWS provider names identifiers with
// these suffixes (kms_master_key_id, kms_key_id, security_group_id,
// vpc_security_group_ids, launch_template[0].id, policy_arn, ...); the
// names are the few that carry none. Enum-like and free-form attributes
// (sse_algorithm, status, protocol, description, tags) are not listed:
// there a value over an unknown is unknown.
var (
	refBearingNames    = []string{"id", "arn", "bucket", "role", "security_groups"}
	refBearingSuffixes = []string{"_id", "_ids", "_arn", "_arns"}
)

// refBearing reports whether path ends in an attribute that holds an
// identifier of another resource (list indexes are skipped:
// vpc_security_group_ids[0] is an element of vpc_security_group_ids).
func refBearing(path string) bool {
	segs := model.SplitPath(path)
	name := ""
	for i := len(segs) - 1; i >= 0 && name == ""; i-- {
		name, _ = segs[i].(string)
	}
	if slices.Contains(refBearingNames, name) {
		return true
	}
	for _, suf := range refBearingSuffixes {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}
