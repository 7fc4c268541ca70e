package terraform

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestLiteralValue checks that literalValue gives what evaluating the
// expression gives, and only for literals.
func TestLiteralValue(t *testing.T) {
	for src, literal := range map[string]bool{
		`"bucket"`: true, `""`: true, `"café"`: true, `"a$${b}"`: true, `"%%{x}"`: true,
		`1`: true, `1.5`: true, `true`: true, `null`: true,
		`"a${1}"`: false, `"${"a"}"`: false, `[1]`: false, `{a = 1}`: false, `-1`: false,
		`var.x`: false, `"%{if true}a%{endif}"`: false,
		"<<EOT\nheredoc\nEOT\n": true,
	} {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", src, diags)
		}
		v, ok := literalValue(expr)
		if ok != literal {
			t.Errorf("%s: literal = %v, want %v", src, ok, literal)
		}
		if !ok {
			continue
		}
		want, diags := expr.Value(&hcl.EvalContext{})
		if diags.HasErrors() || !v.RawEquals(want) {
			t.Errorf("%s: literalValue = %#v, Value = %#v %v", src, v, want, diags)
		}
	}
}
