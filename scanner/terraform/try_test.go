package terraform

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// tryFunc is try as HCL defines it, evaluating its arguments twice (once
// for the result's type, once for the result), with the reasons of
// unknown parts kept as tryOnce keeps them: the reference tryOnce must
// agree with.
var tryFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "expressions", Type: customdecode.ExpressionClosureType},
	Type: func(args []cty.Value) (cty.Type, error) {
		v, err := try(args)
		if err != nil {
			return cty.NilType, err
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return try(args) },
})

// TestTryOnceAsTwice checks that tryOnce gives what tryFunc, which
// evaluates its arguments twice, gives: the same value or error and the
// same budget counters after, or the same limit exceeded, near the limits
// too.
func TestTryOnceAsTwice(t *testing.T) {
	exprs := []string{
		`try(join(",", [for i in range(10) : "x${i}"]), "")`,
		`try(var.missing, [for i in range(100) : i], 1)`,
		`try(local.nope.a, "fallback")`,
		`try(tonumber("x"), tonumber("y"))`,
		`try(try(upper("a${"b"}"), 1), 2)`,
		`try([for i in range(150) : [for j in range(150) : j]], 0)`,
		`try(join("", [for i in range(200) : format("%05000d", i)]), "")`,
		`"${try(format("%s", "a"), "")}-${try(var.x, "b")}"`,
	}
	type counters struct{ iterations, exprBytes, loadBytes int64 }
	// starts near the limits: crossed by the first evaluation, by the
	// second, or by neither (an evaluation of the nested for iterates
	// 22650 times and produces 0.54 MB; of the join, 3 MB)
	starts := []counters{{}}
	for _, room := range []int64{15_000, 35_000, 60_000} {
		starts = append(starts, counters{iterations: MaxForIterations - room})
	}
	for _, room := range []int64{800_000, 5_000_000, 8_000_000} {
		starts = append(starts,
			counters{exprBytes: MaxExprBytes - room, loadBytes: MaxExprBytes - room},
			counters{loadBytes: MaxLoadBytes - room})
	}
	eval := func(src string, start counters, once bool) (cty.Value, string, counters, string) {
		b := &budget{iterations: start.iterations, exprBytes: start.exprBytes, loadBytes: start.loadBytes}
		f := loadFunctions(b)
		if !once {
			f["try"] = tryFunc
		}
		expr, diags := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		(&syntaxWalker{visit: addBudgetWrapper}).walk(expr)
		v, diags := expr.Value(&hcl.EvalContext{Functions: f, Variables: map[string]cty.Value{}})
		limit := ""
		if b.err != nil {
			limit = b.err.msg
		}
		return v, diags.Error(), counters{b.iterations, b.exprBytes, b.loadBytes}, limit
	}
	for _, src := range exprs {
		for _, start := range starts {
			v1, d1, c1, l1 := eval(src, start, true)
			v2, d2, c2, l2 := eval(src, start, false)
			// Once a limit is exceeded, the value and diagnostics of the
			// expression are dropped (evalExpr): only the limit counts.
			// (tryFunc then fails with a panic: its second evaluation's
			// value is not of the type the first found.)
			if l1 != l2 || l1 == "" && (!v1.RawEquals(v2) || d1 != d2 || c1 != c2) {
				t.Errorf("%s from %+v:\nonce  %#v %q %+v %q\ntwice %#v %q %+v %q", src, start, v1, d1, c1, l1, v2, d2, c2, l2)
			}
		}
	}
}
