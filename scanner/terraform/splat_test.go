package terraform

import (
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestSplattedTraversals checks which traversals exprInfo marks as the
// source of a splat that reads one attribute of each element.
func TestSplattedTraversals(t *testing.T) {
	for src, want := range map[string][]bool{
		`aws_subnet.this[*].id`:                       {true},
		`aws_subnet.this.*.id`:                        {true},
		`aws_subnet.this[*].tags["Name"]`:             {true},
		`element(aws_subnet.a[*].id, count.index)`:    {true, false},
		`aws_subnet.this[*]`:                          nil,
		`aws_subnet.this[*][0]`:                       nil,
		`[for s in aws_subnet.this : s.id]`:           nil,
		`concat(aws_subnet.a[*].id, aws_subnet.b)`:    {true, false},
		`aws_subnet.this[*].id == aws_subnet.this.id`: {true, false},
		`length(aws_subnet.this)`:                     nil,
	} {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		m := &modInst{l: &loader{}, cfg: &moduleConfig{}}
		in := m.analyse(expr)
		if got := readsAs(in, readSplatAttr); !slices.Equal(got, want) {
			t.Errorf("%s: splatted = %v, want %v", src, got, want)
		}
	}
}

// TestIndexReadTraversals checks which traversals exprInfo marks as the
// collection of an index expression whose element's attribute is read.
func TestIndexReadTraversals(t *testing.T) {
	for src, want := range map[string][]bool{
		`aws_subnet.this[count.index].id`:               {true, false},
		`aws_subnet.this[each.key].tags["Name"]`:        {true, false},
		`aws_subnet.this[count.index]`:                  nil,
		`aws_subnet.this[count.index][0]`:               nil,
		`aws_subnet.this[0].id`:                         nil,
		`aws_subnet.this[var.k].id == aws_subnet.other`: {true, false, false},
	} {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		m := &modInst{l: &loader{}, cfg: &moduleConfig{}}
		in := m.analyse(expr)
		if got := readsAs(in, readIndexAttr); !slices.Equal(got, want) {
			t.Errorf("%s: indexRead = %v, want %v", src, got, want)
		}
	}
}

// readsAs is, for each traversal of in, whether the expression reads it
// as kind; nil when it reads none that way.
func readsAs(in *exprInfo, kind traversalRead) []bool {
	var out []bool
	for i := range in.travs {
		if in.elem(i).read == kind {
			if out == nil {
				out = make([]bool, len(in.travs))
			}
			out[i] = true
		}
	}
	return out
}
