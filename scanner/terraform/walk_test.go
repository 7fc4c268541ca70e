package terraform

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestSyntaxWalkerMatchesVisitAll checks syntaxWalker against the walks it
// replaces, on every .tf file of the test data and a few expressions
// that exercise each node type: the nodes of a file (bodies walk their
// attributes in map order, so as a set), the nodes of every expression in
// order, and an expression's traversals, as hclsyntax.Variables finds them.
func TestSyntaxWalkerMatchesVisitAll(t *testing.T) {
	var files []string
	for _, root := range []string{"testdata", filepath.Join("..", "..", "testdata")} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("found %d .tf files", len(files))
	}
	extra := `
locals {
  a = [for k, v in var.m : "${k}=${v.x}" if v.on && local.k != k]
  b = { for s in var.l : s.name => s... }
  c = var.x[*].id
  d = aws_s3_bucket.b.*.arn
  e = !var.f ? -var.n : (var.n + 1) * 2
  f = "%{for x in var.l}${x.y}%{endfor}%{if var.c}yes%{else}no%{endif}"
  g = { (var.k) = 1, "lit" = 2, var.k2 = 3, null = 4 }
  h = var.rules[count.index].cidr
  i = try(data.x.y[0].z, lookup(var.m, "k", null))
  j = <<EOT
  ${local.a}
  EOT
  k = [for x in var.l : [for y in x : y.v + x.w]]
}
`
	checked := 0
	check := func(name string, src []byte) {
		f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			return
		}
		body := f.Body.(*hclsyntax.Body)
		addBudgetWrappers := func(n hclsyntax.Node) { addBudgetWrapper(n) }
		// Both walks see the tree with the budget wrappers, as evaluation does.
		(&syntaxWalker{visit: addBudgetWrappers}).walk(body)

		var want, got []string
		hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
			if s, ok := nodeKey(n); ok {
				want = append(want, s)
			}
			return nil
		})
		w := syntaxWalker{visit: func(n hclsyntax.Node) {
			s, _ := nodeKey(n)
			got = append(got, s)
		}}
		w.walk(body)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) || w.unknown {
			t.Errorf("%s: the walk of the file visits %d nodes, VisitAll %d (unknown types: %v)", name, len(got), len(want), w.unknown)
		}
		(&syntaxWalker{visit: func(n hclsyntax.Node) {
			a, ok := n.(*hclsyntax.Attribute)
			if !ok {
				return
			}
			checked++
			var want, got []string
			hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
				if s, ok := nodeKey(n); ok {
					want = append(want, s)
				}
				return nil
			})
			var travs []hcl.Traversal
			w := syntaxWalker{travs: &travs, visit: func(n hclsyntax.Node) {
				s, _ := nodeKey(n)
				got = append(got, s)
			}}
			w.walk(a.Expr)
			if !slices.Equal(want, got) || w.unknown {
				t.Errorf("%s: %s: walk visits\n%v\nVisitAll\n%v", name, a.Name, got, want)
			}
			if vt := a.Expr.Variables(); fmt.Sprint(vt) != fmt.Sprint(travs) || len(vt) != len(travs) {
				t.Errorf("%s: %s: walk finds traversals %v, Variables %v", name, a.Name, travs, vt)
			}
		}}).walk(body)
	}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		check(p, src)
	}
	check("extra.tf", []byte(extra))
	if checked < 500 {
		t.Errorf("checked %d expressions", checked)
	}
}

// nodeKey names a node by type and position; ok is false for the
// synthetic nodes syntaxWalker does not visit.
func nodeKey(n hclsyntax.Node) (string, bool) {
	switch n.(type) {
	case hclsyntax.ChildScope, hclsyntax.Attributes, hclsyntax.Blocks:
		return "", false
	}
	return fmt.Sprintf("%T@%p", n, n), true
}
