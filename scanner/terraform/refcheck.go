package terraform

import (
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// refName returns what a reference to a variable (var.x), local value
// (local.x), module call (module.x), data source (data.t.x, typ t) or
// resource (t.x, typ t) names. A reference whose steps name none is
// reported, as Terraform reports it, and ok is false.
func (m *modInst) refName(t hcl.Traversal, rng hcl.Range) (typ, name string, ok bool) {
	switch root := t.RootName(); root {
	case "var", "local", "module":
		if name, ok = stepName(t, 1); !ok {
			m.l.addErr(errAt(rng, "invalid reference: %s must be followed by %s", root, namedBy[root]))
		}
		return "", name, ok
	case "data":
		typ, ok1 := stepName(t, 1)
		name, ok2 := stepName(t, 2)
		if !ok1 || !ok2 {
			m.l.addErr(errAt(rng, "invalid reference: data must be followed by a data source type and name"))
			return "", "", false
		}
		return typ, name, true
	default:
		if name, ok = stepName(t, 1); !ok {
			m.l.addErr(errAt(rng, "reference to unknown name %q", root))
		}
		return root, name, ok
	}
}

// namedBy says what the step after var, local and module names.
var namedBy = map[string]string{"var": "a variable name", "local": "a local value name", "module": "a module call name"}

// contextRoots are the reference roots that name no declaration: what
// Terraform gives every expression (path, terraform) or some (count,
// each, self).
var contextRoots = map[string]bool{"path": true, "terraform": true, "count": true, "each": true, "self": true}

// checkUnread checks the local values and outputs of m and of its child
// module instances that nothing read while the load evaluated (collect):
// a root module's outputs, those of a module its caller does not use,
// and local values that only those read, or nothing. Their values reach
// no rule, so they are not evaluated; their references are checked
// (checkRefs), which is what evaluating them reported. Evaluating the
// outputs was a tenth of the CPU time of a scan of terraform-aws-modules
// (eks, vpc, s3-bucket), whose examples pass whole modules on as outputs
// (eks_managed_node_groups = module.eks_managed_node_group): every output
// of every node group module, as objects nothing reads; the local values
// only they read were 3% more. Checking them
// last, once nothing else will evaluate them, reports each problem once:
// one checked first and evaluated later (a sibling module's input reads
// it) would be reported twice.
//
// A local value that leads, through local values nothing read, into a
// cycle of them is evaluated instead, in name order as collect did, so
// the cycle is reported as it was.
func (l *loader) checkUnread(m *modInst) {
	unread := map[string]bool{}
	for _, name := range m.cfg.localNames {
		if _, read := m.locals[name]; !read {
			unread[name] = true
		}
	}
	cyclic := m.leadIntoCycles(unread)
	for _, name := range m.cfg.localNames {
		if l.failed() {
			return
		}
		if _, read := m.locals[name]; read {
			continue // read from the start, or by a cycle's evaluation below
		}
		if cyclic[name] {
			m.local(name, m.cfg.locals[name].NameRange)
		} else {
			m.checkRefs(m.cfg.locals[name].Expr)
		}
	}
	for _, name := range m.cfg.outputNames {
		if l.failed() {
			return
		}
		if _, read := m.outputs[name]; !read {
			m.checkRefs(m.cfg.outputs[name].Expr)
		}
	}
	for _, call := range m.cfg.modules {
		for _, child := range m.expandCall(call).insts {
			l.checkUnread(child)
		}
	}
}

// leadIntoCycles returns the local values among unread whose references
// to other local values among unread lead into a cycle of them.
func (m *modInst) leadIntoCycles(unread map[string]bool) map[string]bool {
	const (
		unseen = iota
		onPath
		seen
	)
	state := map[string]int{}
	leads := map[string]bool{}
	var visit func(name string) bool
	visit = func(name string) bool {
		switch state[name] {
		case onPath:
			return true
		case seen:
			return leads[name]
		}
		state[name] = onPath
		for _, t := range m.info(m.cfg.locals[name].Expr).travs {
			if t.RootName() != "local" {
				continue
			}
			if next, ok := stepName(t, 1); ok && unread[next] && visit(next) {
				leads[name] = true
			}
		}
		state[name] = seen
		return leads[name]
	}
	for name := range unread {
		visit(name)
	}
	return leads
}

// checkRefs reports what evaluating expr would report of its references
// (evalCtx), without evaluating anything: a reference whose steps name
// nothing, or that names a variable, local value, module call, output of
// the called module, resource or data source that is not declared.
// What it names that is declared reports its own problems: collect
// evaluates every variable, resource, data source and module call, and
// checkUnread checks the local values and outputs it did not read.
func (m *modInst) checkRefs(expr hcl.Expression) {
	info := m.info(expr)
	var refs resourceRefs
	for ti, t := range info.travs {
		root := t.RootName()
		if contextRoots[root] {
			continue
		}
		rng := t.SourceRange()
		typ, name, ok := m.refName(t, rng)
		if !ok {
			continue
		}
		switch root {
		case "var":
			m.variableDecl(name, rng)
		case "local":
			m.localDecl(name, rng)
		case "module":
			m.checkModuleRef(name, outputsWanted(info.travs, name), rng)
		case "data":
			refs.add(true, typ, name, t, 3, rng, info.elem(ti))
		default:
			refs.add(false, typ, name, t, 2, rng, info.elem(ti))
		}
	}
	for _, r := range refs.list {
		m.resourceDecl(r.key(), r.rng)
	}
}

// checkModuleRef reports what moduleValue would of a reference to module
// call name that reads the outputs in want (nil: the whole module): an
// undeclared call, and each output in want that an instance of the
// module it calls does not declare.
func (m *modInst) checkModuleRef(name string, want map[string]bool, rng hcl.Range) {
	call := m.callDecl(name, rng)
	if call == nil {
		return
	}
	cs := m.expandCall(call)
	if want == nil || cs.unresolved != "" || cs.exp.kind == expandUnknown {
		return
	}
	for _, child := range cs.insts {
		for _, out := range slices.Sorted(maps.Keys(want)) {
			child.outputDecl(out, rng)
		}
	}
}
