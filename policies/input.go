package policies

import (
	"encoding/json"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stackgate/stackgate/policies/model"
)

// inputValue converts a document straight into an OPA value. Going through
// encoding/json (what rego.EvalInput does) costs more than evaluation for
// large documents; building the AST directly keeps one keystroke or one
// deploy cheap. Origin ranges stay on the Go side: rules never need them.
// The resources judged are the given ones (a chunk of the document, see
// Engine.evaluateChunks), or all of the document's when rs is nil;
// context are further resources that only input.referenced reaches.
func inputValue(doc *model.Document, rs, context []*model.Resource) ast.Value {
	if rs == nil {
		rs = make([]*model.Resource, len(doc.Resources))
		for i := range doc.Resources {
			rs[i] = &doc.Resources[i]
		}
	}
	return inputOf(doc, rs, resourceTerms(rs), context, resourceTerms(context))
}

func resourceTerms(rs []*model.Resource) []*ast.Term {
	if len(rs) == 0 {
		return nil
	}
	terms := make([]*ast.Term, len(rs))
	b := newTermBuilder()
	for i, r := range rs {
		terms[i] = b.resource(r)
	}
	return terms
}

// termBuilder builds input terms, with one term per distinct object key
// and short string: the same property names and values ("BucketName",
// "Enabled") come back in every resource, and a term shared saves two
// allocations each time (a chunk of a thousand resources names about 25,000
// keys). OPA shares terms the same way (ast.InternedTerm): a term in the
// input is never changed.
type termBuilder struct {
	strs map[string]*ast.Term
	// keys and items are stacks of the objects being built (value).
	keys  []string
	items [][2]*ast.Term
}

// newTermBuilder returns a builder that shares terms. (A zero
// termBuilder shares none: for one value, such as a rule's parameters.)
func newTermBuilder() *termBuilder {
	return &termBuilder{strs: map[string]*ast.Term{}}
}

// maxSharedString bounds the strings shared: longer ones (names, ARNs,
// policies) rarely repeat, and would only fill the map.
const maxSharedString = 24

// str is the term of the string s, shared when s is short.
func (b *termBuilder) str(s string) *ast.Term {
	if len(s) > maxSharedString || b.strs == nil {
		return ast.StringTerm(s)
	}
	t, ok := b.strs[s]
	if !ok {
		t = ast.StringTerm(s)
		b.strs[s] = t
	}
	return t
}

// inputOf is the input value judging the resources rs of doc, whose terms
// (resourceTerm) are given, with the resources context (terms
// contextTerms) reachable through input.referenced only: a rule that
// follows a reference finds its target there, but judges only rs.
func inputOf(doc *model.Document, rs []*model.Resource, terms []*ast.Term, context []*model.Resource, contextTerms []*ast.Term) ast.Value {
	byType := map[string][]*ast.Term{}
	targets := map[string]bool{}
	for i, r := range rs {
		for _, ref := range r.References {
			targets[ref.Address] = true
		}
		if r.Change.Deletes() {
			continue // see lib.resources: deleted resources are not judged on their configuration
		}
		byType[r.Type] = append(byType[r.Type], terms[i])
	}
	types := make([][2]*ast.Term, 0, len(byType))
	for t, rs := range byType {
		types = append(types, ast.Item(ast.StringTerm(t), ast.ArrayTerm(rs...)))
	}
	return ast.NewObject(
		ast.Item(ast.StringTerm("environment"), environmentTerm(doc)),
		ast.Item(ast.StringTerm("context"), contextTerm(doc)),
		ast.Item(ast.StringTerm("resources"), ast.ArrayTerm(terms...)),
		// by_type indexes the same resource terms by CloudFormation type,
		// leaving out resources being deleted, for lib.resources.
		ast.Item(ast.StringTerm("by_type"), ast.ObjectTerm(types...)),
		// referenced is, for each address a judged resource references,
		// the resources at that address (not being deleted), for
		// lib.targets: one lookup instead of a scan of every resource
		// of the type.
		ast.Item(ast.StringTerm("referenced"), referencedTerm(targets, rs, terms, context, contextTerms)),
	)
}

// referencedTerm is input.referenced: the resources among rs and context
// at the addresses of targets, by address, in the order given.
func referencedTerm(targets map[string]bool, rs []*model.Resource, terms []*ast.Term, context []*model.Resource, contextTerms []*ast.Term) *ast.Term {
	if len(targets) == 0 {
		return ast.ObjectTerm()
	}
	at := map[string][]*ast.Term{}
	var order []string
	add := func(rs []*model.Resource, terms []*ast.Term) {
		for i, r := range rs {
			if !targets[r.Address] || r.Change.Deletes() {
				continue
			}
			if _, ok := at[r.Address]; !ok {
				order = append(order, r.Address)
			}
			at[r.Address] = append(at[r.Address], terms[i])
		}
	}
	add(rs, terms)
	add(context, contextTerms)
	items := make([][2]*ast.Term, len(order))
	for i, a := range order {
		items[i] = ast.Item(ast.StringTerm(a), ast.ArrayTerm(at[a]...))
	}
	return ast.ObjectTerm(items...)
}

// environmentTerm is input.environment: the environment's name and its
// enabled rules with their parameters.
func environmentTerm(doc *model.Document) *ast.Term {
	rules := make([][2]*ast.Term, 0, len(doc.Environment.Rules))
	for id, params := range doc.Environment.Rules {
		rules = append(rules, ast.Item(ast.StringTerm(id), anyTerm(map[string]any(params))))
	}
	return ast.ObjectTerm(
		ast.Item(ast.StringTerm("name"), ast.StringTerm(doc.Environment.Name)),
		ast.Item(ast.StringTerm("rules"), ast.ObjectTerm(rules...)),
	)
}

// contextTerm is input.context: what is known of the deployment target.
func contextTerm(doc *model.Document) *ast.Term {
	return ast.ObjectTerm(
		ast.Item(ast.StringTerm("account_id"), ast.StringTerm(doc.Context.AccountID)),
		ast.Item(ast.StringTerm("region"), ast.StringTerm(doc.Context.Region)),
		ast.Item(ast.StringTerm("operation"), ast.StringTerm(doc.Context.Operation)),
		ast.Item(ast.StringTerm("stack_name"), ast.StringTerm(doc.Context.StackName)),
	)
}

func resourceTerm(r *model.Resource) *ast.Term { return new(termBuilder).resource(r) }

// resource is the term of one resource, input.resources[_].
func (b *termBuilder) resource(r *model.Resource) *ast.Term {
	unknown := make([]*ast.Term, len(r.UnknownPaths))
	for i, u := range r.UnknownPaths {
		unknown[i] = ast.ObjectTerm(
			ast.Item(b.str("path"), b.str(u.Path)),
			ast.Item(b.str("reason"), b.str(u.Reason)),
		)
	}
	refs := make([][2]*ast.Term, 0, len(r.References))
	for p, ref := range r.References {
		refs = append(refs, ast.Item(b.str(p), ast.ObjectTerm(
			ast.Item(b.str("address"), b.str(ref.Address)),
			ast.Item(b.str("type"), b.str(ref.Type)),
			ast.Item(b.str("attribute"), b.str(ref.Attribute)),
		)))
	}
	props := r.Properties
	if props == nil {
		props = map[string]any{}
	}
	items := [][2]*ast.Term{
		ast.Item(b.str("address"), b.str(r.Address)),
		ast.Item(b.str("type"), b.str(r.Type)),
		ast.Item(b.str("source_type"), b.str(r.SourceType)),
		ast.Item(b.str("properties"), b.value(props)),
		ast.Item(b.str("unknown_paths"), ast.ArrayTerm(unknown...)),
		ast.Item(b.str("references"), ast.ObjectTerm(refs...)),
		ast.Item(b.str("origin"), ast.ObjectTerm(
			ast.Item(b.str("layer"), b.str(r.Origin.Layer)),
			ast.Item(b.str("file"), b.str(r.Origin.File)),
			ast.Item(b.str("module"), b.str(r.Origin.Module)),
		)),
	}
	if len(r.UnknownPaths) > 0 {
		items = append(items, ast.Item(b.str("unknown_index"), unknownIndexTerm(r.UnknownPaths)))
	}
	if r.Region != "" {
		items = append(items, ast.Item(b.str("region"), b.str(r.Region)))
	}
	if r.RegionUnknown != "" {
		items = append(items, ast.Item(b.str("region_unknown"), b.str(r.RegionUnknown)))
	}
	if c := r.Change; c != nil {
		items = append(items, ast.Item(b.str("change"), ast.ObjectTerm(
			ast.Item(b.str("action"), b.str(c.Action)),
			ast.Item(b.str("before"), b.value(c.Before)),
			ast.Item(b.str("changed_paths"), b.strings(c.ChangedPaths)),
			ast.Item(b.str("replace_paths"), b.strings(c.ReplacePaths)),
			ast.Item(b.str("reason"), b.str(c.Reason)),
			ast.Item(b.str("drifted"), ast.InternedTerm(c.Drifted)),
			ast.Item(b.str("drifted_paths"), b.strings(c.DriftedPaths)),
			ast.Item(b.str("drift_unknown"), b.str(c.DriftUnknown)),
		)))
	}
	if l := r.Lifecycle; l != nil {
		items = append(items, ast.Item(b.str("lifecycle"), ast.ObjectTerm(
			ast.Item(b.str("ignore_changes"), b.strings(l.IgnoreChanges)),
			ast.Item(b.str("ignore_all_changes"), ast.InternedTerm(l.IgnoreAllChanges)),
			ast.Item(b.str("prevent_destroy"), ast.InternedTerm(l.PreventDestroy)),
			ast.Item(b.str("create_before_destroy"), ast.InternedTerm(l.CreateBeforeDestroy)),
		)))
	}
	return ast.ObjectTerm(items...)
}

// unknownIndexTerm is r.unknown_index, what lib.unknown and
// lib.unknown_within read instead of scanning r.unknown_paths:
// "prefixes", the prefixes of the paths an unknown path u covers in the
// sense of lib.covers (u + "." and u + "[", or "" when u is ""), and
// "within", the set (an object mapping to true: one hash probe) of the
// paths that cover an unknown path ("", each path up to a "." or "[" in
// it, the path itself).
func unknownIndexTerm(us []model.Unknown) *ast.Term {
	prefixes := make([]*ast.Term, 0, 2*len(us))
	within := ast.NewObject()
	t := ast.InternedTerm(true)
	within.Insert(ast.InternedEmptyString, t)
	for _, u := range us {
		p := u.Path
		if p == "" {
			prefixes = append(prefixes, ast.InternedEmptyString)
		} else {
			prefixes = append(prefixes, ast.StringTerm(p+"."), ast.StringTerm(p+"["))
		}
		for i := 0; i < len(p); i++ {
			if p[i] == '.' || p[i] == '[' {
				within.Insert(ast.StringTerm(p[:i]), t)
			}
		}
		within.Insert(ast.StringTerm(p), t)
	}
	return ast.ObjectTerm(
		ast.Item(ast.StringTerm("prefixes"), ast.ArrayTerm(prefixes...)),
		ast.Item(ast.StringTerm("within"), ast.NewTerm(within)),
	)
}

func stringsTerm(l []string) *ast.Term { return new(termBuilder).strings(l) }

func (b *termBuilder) strings(l []string) *ast.Term {
	ts := make([]*ast.Term, len(l))
	for i, s := range l {
		ts[i] = b.str(s)
	}
	return ast.ArrayTerm(ts...)
}

// anyTerm converts a model property value (see the model package comment)
// into an OPA term. Map keys are sorted so equal inputs give equal terms.
func anyTerm(v any) *ast.Term { return new(termBuilder).value(v) }

// value is anyTerm, with b's shared terms.
func (b *termBuilder) value(v any) *ast.Term {
	switch x := v.(type) {
	case nil:
		return ast.InternedNullTerm
	case bool:
		return ast.InternedTerm(x)
	case string:
		return b.str(x)
	case int:
		return ast.InternedTerm(x)
	case int64:
		return ast.InternedTerm(int(x))
	case float64:
		return ast.FloatNumberTerm(x)
	case json.Number:
		return ast.NumberTerm(x)
	case []any:
		ts := make([]*ast.Term, len(x))
		for i, e := range x {
			ts[i] = b.value(e)
		}
		return ast.ArrayTerm(ts...)
	case []string:
		return b.strings(x)
	case map[string]any:
		if len(x) == 0 {
			return ast.ObjectTerm()
		}
		// The keys and items are pushed on b's stacks, and popped once
		// the object is made (NewObject keeps neither slice): one
		// allocation of each per chunk, not per object. A value below
		// pushes and pops its own above them.
		kbase, ibase := len(b.keys), len(b.items)
		for k := range x {
			b.keys = append(b.keys, k)
		}
		slices.Sort(b.keys[kbase:])
		for i := kbase; i < kbase+len(x); i++ {
			k := b.keys[i]
			item := ast.Item(b.str(k), b.value(x[k]))
			b.items = append(b.items, item)
		}
		t := ast.ObjectTerm(b.items[ibase:]...)
		clear(b.items[ibase:]) // no stale terms kept alive
		b.keys, b.items = b.keys[:kbase], b.items[:ibase]
		return t
	}
	if val, err := ast.InterfaceToValue(v); err == nil {
		return ast.NewTerm(val)
	}
	return ast.NullTerm()
}

// InputJSON is the document as the rules see it (input), as indented JSON,
// without the indexes the engine adds for the library: by_type and
// referenced (the same resources again, grouped by type and by address)
// and each resource's unknown_index.
// For showing rule authors what to match; callers redact values first.
func InputJSON(doc *model.Document) ([]byte, error) {
	v, err := ast.JSON(inputValue(doc, nil, nil))
	if err != nil {
		return nil, err
	}
	if m, ok := v.(map[string]any); ok {
		delete(m, "by_type")
		delete(m, "referenced")
		// Nor the resources' unknown_index: unknown_paths again, as sets.
		rs, _ := m["resources"].([]any)
		for _, r := range rs {
			if r, ok := r.(map[string]any); ok {
				delete(r, "unknown_index")
			}
		}
	}
	return json.MarshalIndent(v, "", "  ")
}
