package tfmap

import (
	"slices"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// A satellite is folded into its parent (foldAll): its properties replace
// the parent's properties of the same name, its change and lifecycle merge
// into the parent's. A satellite whose parent is not in the resources is
// reported in a note and attached nowhere.

// parentOf finds the parent of a satellite, or notes that there is none
// (and, when its name is unknown, records it for markUnresolved) and
// returns nil. It reads only the resources and writes only the mapper.
func (m *mapper) parentOf(r *Resource) *node {
	e := awsTable().Resources[r.Type]
	parent, why := m.resolve(r, e.Parent)
	if parent == nil {
		m.notef(r, "%s; its settings are attached to no resource and not checked", why)
		if _, unknown := r.Unknown[e.Parent.Via]; unknown && r.Refs[e.Parent.Via] == (Ref{}) {
			m.unresolved = append(m.unresolved, unresolved{r: r, e: e, why: why})
		}
	}
	return parent
}

// attach folds a satellite into its parent. It reads only the satellite
// and writes only the parent, so satellites of different parents can be
// attached at the same time.
func attach(parent *node, r *Resource) {
	e := awsTable().Resources[r.Type]
	deleted := r.Change.Deletes()
	pb := parent.b
	saved := pb.tfToCFN
	pb.tfToCFN = map[string]string{}
	if !deleted {
		for _, top := range e.owns {
			pb.clear(top)
		}
		mapAWS(pb, r, e)
		for _, top := range e.owns {
			if _, set := pb.props[top]; set && !r.NameRange.IsZero() {
				if _, ok := pb.paths[top]; !ok {
					pb.paths[top] = r.NameRange
				}
			}
		}
	}
	satPaths := pb.tfToCFN
	pb.tfToCFN = saved
	foldChange(parent, r, e, satPaths)
	foldLifecycle(parent, r)
}

// resolve finds the parent a satellite names through parent.via, or says
// why there is none.
func (m *mapper) resolve(r *Resource, p *parentSpec) (*node, string) {
	if ref, ok := r.Refs[p.Via]; ok {
		n := m.byAddr[ref.Address]
		// Modules chain S3 resources for ordering: bucket =
		// aws_s3_bucket_policy.this.id, whose id is the bucket name and
		// whose own bucket names the bucket. Such a chain is followed.
		for hops := 0; n != nil && !slices.Contains(p.Types, n.src.Type) && hops < 8; hops++ {
			next, ok := n.src.Refs[p.Via]
			if !ok {
				break
			}
			n = m.byAddr[next.Address]
		}
		if n != nil && slices.Contains(p.Types, n.src.Type) {
			return n, ""
		}
		return nil, p.Via + " refers to " + ref.Address + ", which is not a " + strings.Join(p.Types, " or ") + " of this configuration"
	}
	if reason, ok := r.Unknown[p.Via]; ok {
		return nil, p.Via + " is not known statically (" + reason + ")"
	}
	lit, _ := r.Attrs[p.Via].(string)
	if lit == "" {
		return nil, p.Via + " is not set"
	}
	for _, n := range m.order {
		if !slices.Contains(p.Types, n.src.Type) {
			continue
		}
		for _, attr := range p.Match {
			if v, ok := n.src.Attrs[attr].(string); ok && v == lit {
				return n, ""
			}
		}
	}
	return nil, p.Via + " names " + lit + ", which is not a " + strings.Join(p.Types, " or ") + " of this configuration"
}

// foldChange merges a satellite's pending change into its parent's. A
// change of the satellite alone is an in-place update of the parent (in
// CloudFormation the settings are properties of the one resource); a
// parent being created, replaced or deleted keeps its action.
func foldChange(parent *node, r *Resource, e *entry, satPaths map[string]string) {
	sc := r.Change
	if sc == nil {
		return
	}
	owned := e.owns
	written := writtenPaths{tfToCFN: satPaths}
	tr := func(p string) (string, bool) {
		if c, ok := satPaths[p]; ok {
			return c, true
		}
		if below := written.below(nil, p); len(below) > 0 {
			return commonPath(below), true
		}
		if c, _, ok := e.translate(p); ok {
			return c, true
		}
		return "", false
	}
	changed := translatePaths(append(slices.Clone(sc.ChangedPaths), sc.ReplacePaths...), tr)
	drifted := translatePaths(sc.DriftedPaths, tr)
	acts := sc.Action != model.ActionNone && sc.Action != model.ActionRead && sc.Action != ""
	if acts && len(changed) == 0 {
		changed = slices.Clone(owned)
	}
	if sc.Drifted && len(drifted) == 0 {
		drifted = slices.Clone(owned)
	}
	pc := parent.change
	if pc == nil {
		pc = &model.Change{Action: model.ActionNone}
		parent.change = pc
	}
	switch pc.Action {
	case model.ActionCreate, model.ActionDelete, model.ActionReplace:
	default:
		if acts {
			pc.Action = model.ActionUpdate
		}
	}
	if acts {
		pc.ChangedPaths = union(pc.ChangedPaths, changed)
	}
	if sc.Drifted {
		pc.Drifted = true
		pc.DriftedPaths = union(pc.DriftedPaths, drifted)
	}
	if sc.Before != nil {
		bb := newBuilder()
		mapAWS(bb, &Resource{Type: r.Type, Attrs: sc.Before}, e)
		if pc.Before == nil {
			pc.Before = map[string]any{}
		}
		for _, top := range e.owns {
			delete(pc.Before, top)
			if v, ok := bb.props[top]; ok {
				pc.Before[top] = v
			}
		}
	}
}

func union(a, b []string) []string {
	for _, p := range b {
		if !slices.Contains(a, p) {
			a = append(a, p)
		}
	}
	return a
}

// foldLifecycle adds a satellite's lifecycle settings to its parent's: an
// ignore_changes on aws_s3_bucket_versioning hides drift of the bucket.
func foldLifecycle(parent *node, r *Resource) {
	lc := r.Lifecycle
	if lc == nil {
		return
	}
	if parent.life == nil {
		parent.life = &model.Lifecycle{}
	}
	p := parent.life
	p.IgnoreChanges = union(p.IgnoreChanges, lc.IgnoreChanges)
	p.IgnoreAllChanges = p.IgnoreAllChanges || lc.IgnoreAllChanges
	p.PreventDestroy = p.PreventDestroy || lc.PreventDestroy
	p.CreateBeforeDestroy = p.CreateBeforeDestroy || lc.CreateBeforeDestroy
	if rng := r.Ranges["lifecycle.ignore_changes"]; parent.lifeRng.IsZero() && !rng.IsZero() {
		parent.lifeRng = rng
	}
}

// unresolved is a satellite whose parent is not known statically.
type unresolved struct {
	r   *Resource
	e   *entry
	why string
}

// markUnresolved makes the properties an unresolved satellite would set
// unknown on every resource of its module it could belong to, where
// nothing else sets them: without it a bucket whose versioning resource
// names it by a value not known statically would be reported as having
// no versioning, a violation that is not one.
func (m *mapper) markUnresolved() {
	for _, u := range m.unresolved {
		for _, n := range m.order {
			if n.src.Module != u.r.Module || !slices.Contains(u.e.Parent.Types, n.src.Type) {
				continue
			}
			for _, top := range u.e.owns {
				if _, set := n.b.props[top]; set {
					continue
				}
				n.b.set(top, nil)
				n.b.unknown[top] = u.r.Address + " may set it: its " + u.why
				if !u.r.NameRange.IsZero() {
					n.b.paths[top] = u.r.NameRange
				}
			}
		}
	}
}
