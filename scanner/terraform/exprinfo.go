package terraform

import (
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// exprInfo is what evaluation needs to know about an expression that does
// not depend on where it is evaluated: its traversals (Variables), how
// it reads the resources they name and the var.x[key] index
// expressions in it (indexedVarTraversals). An
// expression of a module called from twenty examples, or of a resource
// with a hundred instances, is evaluated many times; walking its syntax
// tree each time was a tenth of a scan's time and allocations.
type exprInfo struct {
	travs   []hcl.Traversal // never modified: callers copy before appending
	indexed []indexedVar
	// vars and locals are the names the traversals read after var and
	// after local: the attributes of the var and local objects the
	// expression sees (see namedRefs).
	vars, locals nameSet
	// elems[i] says how travs[i] is read when it is the source of a splat
	// whose each item starts with an attribute (aws_subnet.this[*].id) or
	// the collection of an index expression followed by an attribute
	// (aws_subnet.this[count.index].id): that attribute of the elements,
	// and nothing else of them. nil when there is neither; never modified.
	elems []elemAccess
}

// nameSet is a set of names, sorted, and its key in namedObjects.
type nameSet struct {
	names []string // never modified
	key   string
}

// indexedVar is an index expression over a var.x traversal
// (var.rules[count.index]), with the traversal that follows it, if any.
type indexedVar struct {
	ix   *hclsyntax.IndexExpr
	rest hcl.Traversal
}

// exprCache holds the exprInfo of a module's expressions. It lives in the
// moduleConfig, which configCache shares between root modules (and
// goroutines) and drops with the configuration, so it is safe for
// concurrent use and holds no tree longer than the configuration does.
type exprCache struct {
	mu sync.RWMutex
	m  map[hclsyntax.Expression]*exprInfo
}

// info returns the exprInfo of expr, computed on first use. Expressions
// of the native syntax are remembered (they are pointers, compared by
// identity); others (JSON syntax) are analysed each time.
func (m *modInst) info(expr hcl.Expression) *exprInfo {
	se, native := expr.(hclsyntax.Expression)
	if !native {
		return m.analyse(expr)
	}
	c := &m.cfg.exprs
	c.mu.RLock()
	in, ok := c.m[se]
	c.mu.RUnlock()
	if ok {
		return in
	}
	in = m.analyse(expr)
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[se]; ok {
		return prev // another load analysed it first
	}
	if c.m == nil {
		c.m = map[hclsyntax.Expression]*exprInfo{}
	}
	c.m[se] = in
	return in
}

// analyse finds the exprInfo of expr; in native syntax one walk over the
// expression finds its traversals, the splats and index expressions that
// read an attribute of their elements and its var.x[key] indexes.
func (m *modInst) analyse(expr hcl.Expression) *exprInfo {
	in := &exprInfo{}
	if se, ok := expr.(hclsyntax.Expression); ok {
		var sources []elemRead
		w := syntaxWalker{travs: &in.travs, visit: func(n hclsyntax.Node) {
			if iv, ok := indexedVarAt(n); ok {
				in.indexed = append(in.indexed, iv)
			}
			if src, ok := attrSplatSource(n); ok {
				sources = append(sources, src)
			}
			if src, ok := attrIndexSource(n); ok {
				sources = append(sources, src)
			}
		}}
		w.walk(se)
		if w.unknown {
			in.travs = expr.Variables()
		} else {
			in.elems = elemAccesses(in.travs, sources)
		}
	} else {
		in.travs = expr.Variables()
	}
	in.vars, in.locals = rootNames(in.travs, "var"), rootNames(in.travs, "local")
	return in
}

// elemRead is a traversal whose elements a splat or an index expression
// reads an attribute of, and how.
type elemRead struct {
	src *hclsyntax.ScopeTraversalExpr
	elemAccess
}

// elemAccesses returns, for each of travs, how it is read when it is the
// traversal of one of srcs (the zero elemAccess, readWhole, otherwise);
// nil when srcs is empty.
func elemAccesses(travs []hcl.Traversal, srcs []elemRead) []elemAccess {
	if len(srcs) == 0 {
		return nil
	}
	out := make([]elemAccess, len(travs))
	for i, t := range travs {
		// a node's traversal is shared, not copied
		j := slices.IndexFunc(srcs, func(r elemRead) bool {
			return len(t) > 0 && len(r.src.Traversal) == len(t) && &r.src.Traversal[0] == &t[0]
		})
		if j >= 0 {
			out[i] = srcs[j].elemAccess
		}
	}
	return out
}

// attrIndexSource returns the traversal that is the collection of an
// index expression when node reads an attribute of that expression's
// element (x[count.index].id, x[each.key].tags["Name"]).
func attrIndexSource(n hclsyntax.Node) (elemRead, bool) {
	rt, ok := n.(*hclsyntax.RelativeTraversalExpr)
	if !ok {
		return elemRead{}, false
	}
	ix, ok := rt.Source.(*hclsyntax.IndexExpr)
	if !ok {
		return elemRead{}, false
	}
	src, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return elemRead{}, false
	}
	attr, ok := attrStep(rt.Traversal, 0)
	if !ok {
		return elemRead{}, false
	}
	return elemRead{src, elemAccess{readIndexAttr, attr}}, true
}

// attrSplatSource returns the traversal that is the source of node when
// node is a splat over a traversal whose each item starts with an
// attribute (x[*].id, x.*.id, x[*].tags["Name"]).
func attrSplatSource(n hclsyntax.Node) (elemRead, bool) {
	e, ok := n.(*hclsyntax.SplatExpr)
	if !ok {
		return elemRead{}, false
	}
	src, ok := e.Source.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return elemRead{}, false
	}
	each, ok := e.Each.(*hclsyntax.RelativeTraversalExpr)
	if !ok || each.Source != hclsyntax.Expression(e.Item) {
		return elemRead{}, false
	}
	attr, ok := attrStep(each.Traversal, 0)
	if !ok {
		return elemRead{}, false
	}
	return elemRead{src, elemAccess{readSplatAttr, attr}}, true
}

// indexedVarAt reports whether node is an index expression over var.x,
// alone or followed by a traversal (var.x[key].rest).
func indexedVarAt(n hclsyntax.Node) (indexedVar, bool) {
	var rest hcl.Traversal
	ix, ok := n.(*hclsyntax.IndexExpr)
	if rt, isRel := n.(*hclsyntax.RelativeTraversalExpr); isRel {
		ix, ok = rt.Source.(*hclsyntax.IndexExpr)
		rest = rt.Traversal
	}
	if !ok {
		return indexedVar{}, false
	}
	if src, isTrav := ix.Collection.(*hclsyntax.ScopeTraversalExpr); !isTrav || src.Traversal.RootName() != "var" {
		return indexedVar{}, false
	}
	return indexedVar{ix: ix, rest: rest}, true
}

// rootNames returns the names that traversals read right after root
// (var.a, var.b["k"]: a and b).
func rootNames(travs []hcl.Traversal, root string) nameSet {
	var names []string
	for _, t := range travs {
		if t.RootName() != root {
			continue
		}
		if name, ok := stepName(t, 1); ok && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return nameSet{names: names, key: strings.Join(names, "\x00")}
}
