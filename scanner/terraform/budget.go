package terraform

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The evaluation budget keeps a hostile configuration from exhausting
// memory or time in expressions: join grown three times over a thousand
// elements asks for 100 GB, and two nested for expressions over
// range(100000) iterate 1e10 times. Values are checked where they are
// produced:
//
//   - every function call (the wrapper in funcs.go) is checked before it
//     runs where its output size follows from its inputs (join, range,
//     formatlist, setproduct, format widths, indent, replace, split,
//     concat, the encoders), and its result after;
//   - every for expression counts its iterations before it iterates, and
//     the size of each element it produces. hclsyntax evaluates a for
//     expression internally, so the parser wraps its collection and its
//     element expressions in calls to two internal functions (forCollFunc,
//     forItemFunc) that do the counting; interpolations in templates are
//     wrapped the same way (forItemFunc), as a template concatenates
//     without calling a function.
//
// The first limit exceeded stops the load: the error names the expression
// (file:line:col), and every later function call and for expression gives
// an unknown value at once, so the rest of the load ends quickly.
type budget struct {
	iterations int64 // for iterations in this load
	exprBytes  int64 // bytes produced by the expression being evaluated
	loadBytes  int64 // bytes produced in this load
	err        *limitError
	reported   bool
}

// limitError is the error of a budget limit exceeded.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// Names of the internal functions of for expressions and templates. They
// hold a space, so no configuration can name them.
const (
	forCollFunc = "stackgate for"
	forItemFunc = "stackgate item"
)

// exceeded records the first limit exceeded and returns its error.
func (b *budget) exceeded(format string, args ...any) error {
	if b.err == nil {
		b.err = &limitError{msg: fmt.Sprintf(format, args...)}
	}
	return b.err
}

// produced counts n bytes produced, against the limits of an expression
// and of the load.
func (b *budget) produced(n int64) error {
	b.exprBytes += n
	b.loadBytes += n
	switch {
	case b.exprBytes > MaxExprBytes:
		return b.exceeded("evaluating this expression produces more than %s (function results, for expression elements and template parts together), over the limit of one expression", bytesString(MaxExprBytes))
	case b.loadBytes > MaxLoadBytes:
		return b.exceeded("evaluating the configuration produces more than %s (function results, for expression elements and template parts together), over the limit of one load", bytesString(MaxLoadBytes))
	}
	return nil
}

// checkValue measures v (a function result or a for element) against the
// limits of one value and counts it as produced.
func (b *budget) checkValue(v cty.Value, what string) error {
	var s valueSize
	if !s.add(v) {
		if s.elems > MaxCollectionElements {
			return b.exceeded("%s has more than %d elements, over the limit of one value", what, MaxCollectionElements)
		}
		return b.exceeded("%s is larger than %s, over the limit of one value", what, bytesString(MaxValueBytes))
	}
	return b.produced(s.bytes)
}

// valueSize measures a value: the bytes of its strings (plus a few per
// element) and its elements, nested ones included. A string shared by
// many elements counts each time: a consumer (jsonencode, join, the rule
// engine) copies it each time.
type valueSize struct{ bytes, elems int64 }

// add adds v; it returns false, early, once over MaxValueBytes or
// MaxCollectionElements.
func (s *valueSize) add(v cty.Value) bool {
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	s.bytes += 8
	if !v.IsKnown() || v.IsNull() {
		return s.bytes <= MaxValueBytes
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		s.bytes += int64(len(v.AsString()))
	case ty.IsListType() || ty.IsSetType() || ty.IsMapType() || ty.IsTupleType() || ty.IsObjectType():
		n := int64(v.LengthInt())
		s.elems += n
		if s.elems > MaxCollectionElements {
			return false
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if ty.IsMapType() || ty.IsObjectType() {
				s.bytes += int64(len(k.AsString()))
			}
			if !s.add(e) {
				return false
			}
		}
	}
	return s.bytes <= MaxValueBytes && s.elems <= MaxCollectionElements
}

// bytesString renders a byte count: "16 MiB", "1.5 GiB".
func bytesString(n int64) string {
	switch {
	case n >= 1<<30:
		return trimZero(float64(n)/(1<<30)) + " GiB"
	case n >= 1<<20:
		return trimZero(float64(n)/(1<<20)) + " MiB"
	case n >= 1<<10:
		return trimZero(float64(n)/(1<<10)) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

// funcs adds the two internal functions of the for expressions and
// templates of one load to f. Their parameter is of a capsule type with a
// custom expression decoder (as try's is), so they receive the expression
// rather than its value: they evaluate it themselves, which lets them skip
// it altogether once a limit is exceeded (the remaining iterations of an
// outer for expression then cost next to nothing), and hand its
// diagnostics on to HCL unchanged.
func (b *budget) funcs(f map[string]function.Function) {
	f[forCollFunc] = b.passFunc(b.evalColl)
	f[forItemFunc] = b.passFunc(b.evalItem)
}

// evaluated is what the decoder of the internal functions gives them: the
// value of their expression.
type evaluated struct{ v cty.Value }

// passFunc is an internal function whose argument is evaluated by eval
// and returned as it is.
func (b *budget) passFunc(eval func(hcl.Expression, *hcl.EvalContext) (cty.Value, hcl.Diagnostics)) function.Function {
	var ty cty.Type
	decode := customdecode.CustomExpressionDecoderFunc(func(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
		v, diags := eval(expr, ctx)
		return cty.CapsuleVal(ty, &evaluated{v}), diags
	})
	// a type of its own: the type says which decoder evaluates the argument
	ty = cty.CapsuleWithOps("stackgate expression", reflect.TypeOf(evaluated{}), &cty.CapsuleOps{
		ExtensionData: func(key any) any {
			if key == customdecode.CustomExpressionDecoder {
				return decode
			}
			return nil
		},
	})
	value := func(arg cty.Value) cty.Value {
		if arg.Type() != ty || !arg.IsKnown() || arg.IsNull() {
			return cty.DynamicVal
		}
		return arg.EncapsulatedValue().(*evaluated).v
	}
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "expression", Type: ty}},
		Type: func(args []cty.Value) (cty.Type, error) {
			return value(args[0]).Type(), nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return value(args[0]), nil
		},
	})
}

// limitDiag is the diagnostic of a limit exceeded at expr.
func limitDiag(err error, expr hcl.Expression, ctx *hcl.EvalContext) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Evaluation limit exceeded", Detail: err.Error(),
		Subject: expr.Range().Ptr(), Expression: expr, EvalContext: ctx, Extra: err}}
}

// evalColl evaluates the collection of a for expression, counting the
// iterations to come.
func (b *budget) evalColl(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if b.err != nil {
		return cty.DynamicVal, nil
	}
	val, diags := expr.Value(ctx)
	if b.err != nil {
		return cty.DynamicVal, diags
	}
	v, _ := val.Unmark()
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return val, diags // the for expression reports it
	}
	n := int64(v.LengthInt())
	if n > MaxCollectionElements {
		return cty.DynamicVal, append(diags, limitDiag(b.exceeded("the collection of this for expression has %d elements, over the limit of %d", n, MaxCollectionElements), expr, ctx)...)
	}
	b.iterations += n
	if b.iterations > MaxForIterations {
		return cty.DynamicVal, append(diags, limitDiag(b.exceeded("for expressions iterate more than %d times in this configuration, over the limit of one load (nested for expressions multiply)", MaxForIterations), expr, ctx)...)
	}
	return val, diags
}

// evalItem evaluates an element of a for expression or a template
// interpolation, counting its size.
func (b *budget) evalItem(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if b.err != nil {
		return cty.DynamicVal, nil
	}
	v, diags := expr.Value(ctx)
	if b.err != nil {
		return cty.DynamicVal, diags
	}
	var err error
	if v.Type() == cty.String && !v.IsMarked() && v.IsKnown() && !v.IsNull() {
		// the common case, a template part: no walk
		n := int64(len(v.AsString()))
		if n > MaxValueBytes {
			err = b.exceeded("this value is larger than %s, over the limit of one value", bytesString(MaxValueBytes))
		} else {
			err = b.produced(n + 8)
		}
	} else {
		err = b.checkValue(v, "this value")
	}
	if err != nil {
		return cty.DynamicVal, append(diags, limitDiag(err, expr, ctx)...)
	}
	return v, diags
}

// constCtx is the context of values that must be constants (variables
// files, variable defaults): no functions but the internal ones of for
// expressions, which the parser added. It is made once per load (every
// variable default of every module instance is evaluated in it);
// evaluation does not modify it.
func (l *loader) constCtx() *hcl.EvalContext {
	if l.consts == nil {
		f := map[string]function.Function{forCollFunc: l.base[forCollFunc], forItemFunc: l.base[forItemFunc]}
		l.consts = &hcl.EvalContext{Functions: f}
	}
	return l.consts
}

// budgetDiag returns the range of the diagnostic that reports a budget
// limit, if one of diags does: an internal function's, or a function
// call's that the wrapper refused.
func budgetDiag(diags hcl.Diagnostics) (hcl.Range, bool) {
	for _, d := range diags {
		if d.Subject == nil {
			continue
		}
		err, _ := d.Extra.(error)
		if x, ok := d.Extra.(hclsyntax.FunctionCallDiagExtra); ok {
			err = x.FunctionCallError()
		}
		var le *limitError
		if errors.As(err, &le) {
			return *d.Subject, true
		}
	}
	return hcl.Range{}, false
}

// reportBudget records the budget's error once, at the range of the
// diagnostic that reported it or else at rng.
func (l *loader) reportBudget(diags hcl.Diagnostics, rng hcl.Range) {
	if l.budget.err == nil || l.budget.reported {
		return
	}
	l.budget.reported = true
	if r, ok := budgetDiag(diags); ok {
		rng = r
	}
	l.addErr(errAt(rng, "%s", l.budget.err.msg))
}

// addBudgetWrapper rewrites a node of a parsed native syntax tree so that
// its for expressions and template interpolations are counted: the
// collection of a for expression goes through forCollFunc, its key and
// value expressions and each interpolation of a template through
// forItemFunc. The functions return their argument unchanged, so
// evaluation is otherwise the same; the ranges are those of the wrapped
// expressions, so messages are too. parseUncached calls it for every node,
// parents before their children.
func addBudgetWrapper(n hclsyntax.Node) {
	switch e := n.(type) {
	case *hclsyntax.ForExpr:
		e.CollExpr = budgetWrap(forCollFunc, e.CollExpr)
		e.KeyExpr = budgetWrap(forItemFunc, e.KeyExpr)
		e.ValExpr = budgetWrap(forItemFunc, e.ValExpr)
	case *hclsyntax.TemplateExpr:
		if len(e.Parts) < 2 {
			return
		}
		for i, p := range e.Parts {
			if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
				e.Parts[i] = budgetWrap(forItemFunc, p)
			}
		}
	}
}

// budgetWrap wraps e in a call of the internal function name.
func budgetWrap(name string, e hclsyntax.Expression) hclsyntax.Expression {
	if e == nil {
		return nil
	}
	r := e.Range()
	return &hclsyntax.FunctionCallExpr{Name: name, Args: []hclsyntax.Expression{e},
		NameRange: r, OpenParenRange: r, CloseParenRange: r}
}

// preCheck refuses, before it runs, a call of a function whose output
// size follows from its arguments and is over a limit. args are converted
// to the function's parameter types; unknown, null and marked arguments
// are left to the function (and to the check of its result).
func (b *budget) preCheck(name string, args []cty.Value) error {
	switch name {
	case "join":
		if len(args) < 1 || !plainString(args[0]) {
			return nil
		}
		sep := int64(len(args[0].AsString()))
		var total, n int64
		for _, l := range args[1:] {
			if !plainKnown(l) || !l.CanIterateElements() {
				return nil
			}
			for it := l.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e, _ := e.Unmark(); e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
					total += int64(len(e.AsString()))
				}
				n++
				if total+sep*n > MaxValueBytes {
					return b.exceeded("join() would produce a string of more than %s, over the limit of one value", bytesString(MaxValueBytes))
				}
			}
		}
	case "range":
		n, ok := rangeLength(args)
		if ok && n.Cmp(big.NewFloat(MaxCollectionElements)) > 0 {
			return b.exceeded("range() would produce %s elements, over the limit of %d for one value", n.Text('f', 0), MaxCollectionElements)
		}
	case "setproduct":
		prod := big.NewInt(1)
		for _, a := range args {
			if !plainKnown(a) || !a.CanIterateElements() {
				return nil
			}
			prod.Mul(prod, big.NewInt(int64(a.LengthInt())))
		}
		if len(args) > 0 && prod.Cmp(big.NewInt(MaxCollectionElements)) > 0 {
			return b.exceeded("setproduct() would produce %s elements, over the limit of %d for one value", prod, MaxCollectionElements)
		}
	case "concat":
		var n int64
		for _, a := range args {
			if plainKnown(a) && a.CanIterateElements() {
				n += int64(a.LengthInt())
			}
		}
		if n > MaxCollectionElements {
			return b.exceeded("concat() would produce %d elements, over the limit of %d for one value", n, MaxCollectionElements)
		}
	case "formatlist":
		if len(args) < 1 || !plainString(args[0]) {
			return nil
		}
		var n, per int64 = 1, int64(len(args[0].AsString()))
		for _, a := range args[1:] {
			if !plainKnown(a) {
				return nil
			}
			if a.Type().IsListType() || a.Type().IsTupleType() || a.Type().IsSetType() {
				n = max(n, int64(a.LengthInt()))
			} else if a.Type() == cty.String {
				per += int64(len(a.AsString()))
			}
		}
		if n > MaxCollectionElements {
			return b.exceeded("formatlist() would produce %d elements, over the limit of %d for one value", n, MaxCollectionElements)
		}
		if n*per > MaxValueBytes {
			return b.exceeded("formatlist() would produce more than %s, over the limit of one value", bytesString(MaxValueBytes))
		}
		return checkFormatWidths(b, name, args[0].AsString())
	case "format":
		if len(args) >= 1 && plainString(args[0]) {
			return checkFormatWidths(b, name, args[0].AsString())
		}
	case "indent":
		if len(args) == 2 && plainKnown(args[0]) && plainString(args[1]) {
			spaces, acc := args[0].AsBigFloat().Int64()
			if acc != big.Exact && spaces > 0 || spaces > MaxValueBytes {
				return b.exceeded("indent() of %s spaces is over the limit of one value", args[0].AsBigFloat().Text('f', 0))
			}
			s := args[1].AsString()
			lines := int64(strings.Count(s, "\n")) + 1
			if spaces > 0 && lines*spaces+int64(len(s)) > MaxValueBytes {
				return b.exceeded("indent() would produce a string of more than %s, over the limit of one value", bytesString(MaxValueBytes))
			}
		}
	case "replace":
		if len(args) == 3 && plainString(args[0]) && plainString(args[1]) && plainString(args[2]) {
			s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
			if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
				return nil // a regular expression: only the result is checked, after
			}
			var n int64
			if sub == "" {
				n = int64(utf8.RuneCountInString(s)) + 1
			} else {
				n = int64(strings.Count(s, sub))
			}
			if int64(len(s))+n*int64(len(rep)) > MaxValueBytes {
				return b.exceeded("replace() would produce a string of more than %s, over the limit of one value", bytesString(MaxValueBytes))
			}
		}
	case "split":
		if len(args) == 2 && plainString(args[0]) && plainString(args[1]) {
			sep, s := args[0].AsString(), args[1].AsString()
			n := int64(utf8.RuneCountInString(s))
			if sep != "" {
				n = int64(strings.Count(s, sep)) + 1
			}
			if n > MaxCollectionElements {
				return b.exceeded("split() would produce %d elements, over the limit of %d for one value", n, MaxCollectionElements)
			}
		}
	case "jsonencode", "yamlencode", "base64encode", "base64gzip", "textencodebase64", "urlencode":
		// the output is at least as large as the input
		for _, a := range args[:min(1, len(args))] {
			var s valueSize
			if !s.add(a) {
				return b.exceeded("%s() of a value larger than %s, or with more than %d elements, is over the limit of one value", name, bytesString(MaxValueBytes), MaxCollectionElements)
			}
		}
	}
	return nil
}

// plainKnown reports whether v is known, not null and not marked.
func plainKnown(v cty.Value) bool { return !v.IsMarked() && v.IsKnown() && !v.IsNull() }

func plainString(v cty.Value) bool { return plainKnown(v) && v.Type() == cty.String }

// rangeLength is how many numbers range(args) gives.
func rangeLength(args []cty.Value) (*big.Float, bool) {
	for _, a := range args {
		if !plainKnown(a) || a.Type() != cty.Number {
			return nil, false
		}
	}
	start, step := big.NewFloat(0), big.NewFloat(1)
	var limit *big.Float
	switch len(args) {
	case 1:
		limit = args[0].AsBigFloat()
	case 2:
		start, limit = args[0].AsBigFloat(), args[1].AsBigFloat()
	case 3:
		start, limit, step = args[0].AsBigFloat(), args[1].AsBigFloat(), args[2].AsBigFloat()
	default:
		return nil, false
	}
	if step.Sign() == 0 || start.IsInf() || limit.IsInf() || step.IsInf() {
		return nil, false
	}
	n := new(big.Float).Sub(limit, start)
	n.Quo(n, step)
	if n.Sign() <= 0 {
		return new(big.Float), true
	}
	return n, true
}

// formatVerb finds the width and precision of format verbs.
var formatVerb = regexp.MustCompile(`%[-+# 0]*(\[[0-9]+\])?([0-9]*)(?:\.([0-9]*))?`)

// checkFormatWidths refuses a format whose widths or precisions ask for
// more than a value may hold (format("%999999999d", 1)).
func checkFormatWidths(b *budget, name, spec string) error {
	if !strings.Contains(spec, "%") {
		return nil
	}
	for _, m := range formatVerb.FindAllStringSubmatch(spec, -1) {
		for _, w := range m[2:] {
			if len(w) > 9 || len(w) > 0 && mustAtoi(w) > MaxValueBytes {
				return b.exceeded("%s(): the width %s is over the limit of one value (%s)", name, w, bytesString(MaxValueBytes))
			}
		}
	}
	return nil
}

func mustAtoi(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}
