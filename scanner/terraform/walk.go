package terraform

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// syntaxWalker walks a native syntax tree as hclsyntax.VisitAll does
// (each node before its children, children in the same order), without
// the closure VisitAll allocates for every node: the walks over every
// parsed file and over every expression analysed made a tenth of a scan's
// allocations. Unlike VisitAll it does not visit the synthetic nodes
// hclsyntax makes up during a walk (ChildScope around the parts of a for
// expression, the Attributes and Blocks of a body), which no visitor here
// looks at. A node type it does not know is walked by VisitAll.
type syntaxWalker struct {
	visit func(hclsyntax.Node)
	// travs, when not nil, collects the expression's traversals as
	// hclsyntax.Variables does: those whose root is not an iterator of an
	// enclosing for expression.
	travs *[]hcl.Traversal
	iters []string // iterators of the for expressions being walked
	// unknown is set when a node type was left to VisitAll, which does
	// not collect travs
	unknown bool
}

func (w *syntaxWalker) walk(node hclsyntax.Node) {
	if node == nil {
		return
	}
	w.visit(node)
	switch n := node.(type) {
	case *hclsyntax.Body:
		for _, a := range n.Attributes {
			w.walk(a)
		}
		for _, b := range n.Blocks {
			w.walk(b)
		}
	case *hclsyntax.Attribute:
		w.walk(n.Expr)
	case *hclsyntax.Block:
		w.walk(n.Body)
	case *hclsyntax.LiteralValueExpr, *hclsyntax.AnonSymbolExpr, *hclsyntax.ExprSyntaxError:
	case *hclsyntax.ScopeTraversalExpr:
		if w.travs != nil && !slices.Contains(w.iters, n.Traversal.RootName()) {
			*w.travs = append(*w.travs, n.Traversal)
		}
	case *hclsyntax.ParenthesesExpr:
		w.walk(n.Expression)
	case *hclsyntax.RelativeTraversalExpr:
		w.walk(n.Source)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range n.Args {
			w.walk(a)
		}
	case *hclsyntax.ConditionalExpr:
		w.walk(n.Condition)
		w.walk(n.TrueResult)
		w.walk(n.FalseResult)
	case *hclsyntax.IndexExpr:
		w.walk(n.Collection)
		w.walk(n.Key)
	case *hclsyntax.TupleConsExpr:
		for _, e := range n.Exprs {
			w.walk(e)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, item := range n.Items {
			w.walk(item.KeyExpr)
			w.walk(item.ValueExpr)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		// as hclsyntax: a key that reads as a name is a literal
		if hcl.ExprAsKeyword(n.Wrapped) == "" {
			w.walk(n.Wrapped)
		}
	case *hclsyntax.ForExpr:
		w.walk(n.CollExpr)
		depth := len(w.iters)
		if n.KeyVar != "" {
			w.iters = append(w.iters, n.KeyVar)
		}
		if n.ValVar != "" {
			w.iters = append(w.iters, n.ValVar)
		}
		w.walk(n.KeyExpr)
		w.walk(n.ValExpr)
		w.walk(n.CondExpr)
		w.iters = w.iters[:depth]
	case *hclsyntax.SplatExpr:
		w.walk(n.Source)
		w.walk(n.Each)
	case *hclsyntax.BinaryOpExpr:
		w.walk(n.LHS)
		w.walk(n.RHS)
	case *hclsyntax.UnaryOpExpr:
		w.walk(n.Val)
	case *hclsyntax.TemplateExpr:
		for _, p := range n.Parts {
			w.walk(p)
		}
	case *hclsyntax.TemplateJoinExpr:
		w.walk(n.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		w.walk(n.Wrapped)
	default:
		w.unknown = true
		self := true
		hclsyntax.VisitAll(node, func(c hclsyntax.Node) hcl.Diagnostics {
			if !self {
				w.visit(c)
			}
			self = false
			return nil
		})
	}
}
