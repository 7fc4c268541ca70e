package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/go-cty-funcs/collection"
	"github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	yaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// baseFuncs is baseFunctions, built by the first load (not at start-up)
// and shared by every later one: function values are immutable, and a
// load wraps them (loadFunctions).
var baseFuncs = sync.OnceValue(baseFunctions)

// baseFunctions are Terraform's built-in functions that do not touch the
// file system, keyed by name. Functions this evaluator does not implement
// are absent: a call to one is reported and its result is unknown.
func baseFunctions() map[string]function.Function {
	f := map[string]function.Function{
		// numeric
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,
		"sum": sumFunc,
		// string
		"chomp": stdlib.ChompFunc, "endswith": endsWithFunc, "format": stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc, "join": stdlib.JoinFunc,
		"lower": stdlib.LowerFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"replace": replaceFunc, "split": stdlib.SplitFunc, "startswith": startsWithFunc,
		"strcontains": strContainsFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc,
		"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc, "upper": stdlib.UpperFunc,
		// collection
		"alltrue": allTrueFunc, "anytrue": anyTrueFunc, "chunklist": stdlib.ChunklistFunc,
		"coalesce": collection.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "index": indexFunc,
		"keys": stdlib.KeysFunc, "length": lengthFunc, "lookup": lookupFunc,
		"matchkeys": matchKeysFunc, "merge": stdlib.MergeFunc, "one": oneFunc,
		"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "transpose": transposeFunc,
		"values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		// encoding
		"base64decode": base64DecodeFunc, "base64encode": base64EncodeFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc, "urlencode": urlEncodeFunc,
		"base64gzip": base64GzipFunc, "textencodebase64": textEncodeBase64Func, "textdecodebase64": textDecodeBase64Func,
		"yamldecode": yaml.YAMLDecodeFunc, "yamlencode": yaml.YAMLEncodeFunc,
		// date and time
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc, "timecmp": timeCmpFunc,
		"timestamp": unknownFunc("timestamp", cty.String), "plantimestamp": unknownFunc("plantimestamp", cty.String),
		// hash and crypto
		"base64sha256": hashFunc(sha256.New, base64.StdEncoding.EncodeToString),
		"base64sha512": hashFunc(sha512.New, base64.StdEncoding.EncodeToString),
		"md5":          hashFunc(md5.New, hex.EncodeToString), "sha1": hashFunc(sha1.New, hex.EncodeToString),
		"sha256": hashFunc(sha256.New, hex.EncodeToString), "sha512": hashFunc(sha512.New, hex.EncodeToString),
		"uuid": unknownFunc("uuid", cty.String), "bcrypt": unknownFunc("bcrypt", cty.String),
		"uuidv5":     uuid.V5Func,
		"rsadecrypt": unknownFuncBecause(cty.String, "rsadecrypt() is not evaluated: its result is a secret"),
		// network
		"cidrhost": cidrHostFunc, "cidrnetmask": cidrNetmaskFunc, "cidrsubnet": cidrSubnetFunc,
		"cidrsubnets": cidrSubnetsFunc,
		// type conversion
		"can":    tryfunc.CanFunc, // try is the load's own (tryOnce)
		"tobool": stdlib.MakeToFunc(cty.Bool), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tostring": stdlib.MakeToFunc(cty.String), "tolist": toCollectionFunc(cty.List(cty.DynamicPseudoType)),
		"toset": toCollectionFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"sensitive": sensitiveFunc, "nonsensitive": nonSensitiveFunc, "issensitive": isSensitiveFunc,
		"ephemeralasnull": ephemeralAsNullFunc,
		// path
		"basename": stringFunc(filepath.Base), "dirname": stringFunc(filepath.Dir),
		"pathexpand": unknownFuncBecause(cty.String, "pathexpand() depends on the home directory of the machine that runs Terraform"),
	}
	return f
}

// loadFunctions is the function table of one load: the base functions,
// each wrapped (keepReasons) to keep the reasons of unknown values and to
// hold to the load's budget, and the internal functions of for
// expressions and templates.
func loadFunctions(b *budget) map[string]function.Function {
	base := baseFuncs()
	wraps := baseWraps()
	f := make(map[string]function.Function, len(base)+3)
	for name, fn := range base {
		if w := wraps[name]; w != nil {
			fn = w.keepReasons(b)
		}
		f[name] = fn
	}
	f["try"] = tryOnce(b)
	b.funcs(f)
	return f
}

// baseWraps holds, for every base function but can (its parameters are
// expressions), what its keepReasons wrapper needs that does not depend on
// the load. Every load wraps every base function, and most call few of
// them: making this once, not per load, spares each load most of the
// wrapping's allocations.
var baseWraps = sync.OnceValue(func() map[string]*reasonWrap {
	base := baseFuncs()
	wraps := make(map[string]*reasonWrap, len(base))
	for name, fn := range base {
		if name != "can" {
			wraps[name] = newReasonWrap(name, fn)
		}
	}
	return wraps
})

// reasonWrap is a base function with the parts of its keepReasons wrapper
// that every load shares; never modified once made.
type reasonWrap struct {
	name string
	fn   function.Function
	// fn.Params and fn.VarParam copy on each call: once here
	fnParams []function.Parameter
	fnVar    *function.Parameter
	// the wrapper's parameters: any value
	params   []function.Parameter
	varParam *function.Parameter
	what     string // the result, in budget errors
	desc     string
}

func newReasonWrap(name string, fn function.Function) *reasonWrap {
	any := func(name string) function.Parameter {
		return function.Parameter{Name: name, Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}
	}
	w := &reasonWrap{name: name, fn: fn, fnParams: fn.Params(), fnVar: fn.VarParam(),
		what: name + "()", desc: fn.Description()}
	w.params = make([]function.Parameter, len(w.fnParams))
	for i, p := range w.fnParams {
		w.params[i] = any(p.Name)
	}
	if vp := w.fnVar; vp != nil {
		p := any(vp.Name)
		w.varParam = &p
	}
	return w
}

// convertArgs converts arguments to fn's parameter types, as HCL does
// before a call: a tuple literal becomes the list a parameter wants. It
// returns args itself when none needs converting (most calls): the
// result is only read, by the budget's check and by fn.Call, which
// copies before it unmarks.
func (w *reasonWrap) convertArgs(args []cty.Value) ([]cty.Value, error) {
	fnParams, fnVar := w.fnParams, w.fnVar
	out, copied := args, false
	for i, a := range args {
		var ty cty.Type
		switch {
		case i < len(fnParams):
			ty = fnParams[i].Type
		case fnVar != nil:
			ty = fnVar.Type
		default:
			return nil, fmt.Errorf("too many arguments")
		}
		if ty == cty.DynamicPseudoType || a.Type().Equals(ty) {
			continue
		}
		// linear for a tuple of one element type, where cty's
		// conversion takes quadratic time (join over a for result)
		c, err := convertCollection(a, ty)
		if err != nil {
			if errors.Is(err, errSlowConvert) {
				return nil, function.NewArgError(i, err)
			}
			name := ""
			if i < len(fnParams) {
				name = fnParams[i].Name
			} else {
				name = fnVar.Name
			}
			return nil, function.NewArgErrorf(i, "Invalid value for %q parameter: %s.", name, convert.MismatchMessage(a.Type(), ty))
		}
		if !copied {
			out, copied = slices.Clone(args), true
		}
		out[i] = c
	}
	return out, nil
}

// keepReasons wraps the function of w for one load so that an unknown
// result says why it is unknown: cty drops the marks of a marked unknown
// argument whose parameter accepts marks (element(module.vpc.cidrs, 0)
// would be unknown with no reason). The wrapper accepts anything and lets
// fn check, convert and compute exactly as before; it only adds the
// reasons of the arguments to a result that is unknown without one. It
// also holds the call to the load's budget b: a call whose output would
// be over a limit is refused before it runs (budget.preCheck), a result
// over one is refused after, and once a limit is exceeded every call is
// unknown at once.
func (w *reasonWrap) keepReasons(b *budget) function.Function {
	return function.New(&function.Spec{
		Description: w.desc,
		Params:      w.params,
		VarParam:    w.varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			if b.err != nil {
				return cty.DynamicPseudoType, nil
			}
			conv, err := w.convertArgs(args)
			if err != nil {
				return cty.NilType, err
			}
			if err := b.preCheck(w.name, conv); err != nil {
				return cty.NilType, err
			}
			// fn's own type check runs once, in fn.Call below, with the
			// same arguments: its errors are the same, and the result
			// keeps fn's type (the wrapper's is only a bound).
			return cty.DynamicPseudoType, nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if b.err != nil {
				return cty.DynamicVal, nil
			}
			args, err := w.convertArgs(args)
			if err != nil {
				return cty.NilVal, err
			}
			v, err := w.fn.Call(args)
			if err == nil {
				if err := b.checkValue(v, w.what); err != nil {
					return cty.NilVal, err
				}
			}
			if err != nil || v.IsKnown() || len(reasonsOf(v.Marks())) > 0 {
				return v, err
			}
			for _, a := range args {
				if _, marks := a.UnmarkDeep(); len(reasonsOf(marks)) > 0 {
					for _, r := range reasonsOf(marks) {
						v = v.Mark(reasonMark{r})
					}
				}
			}
			return v, nil
		},
	})
}

func str(v cty.Value) string { return v.AsString() }

// stringFunc wraps a string -> string Go function.
func stringFunc(fn func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(fn(str(args[0]))), nil
		},
	})
}

// tryOnce is HCL's try for a load with budget b, except that an argument
// whose value is partly unknown gives an unknown that keeps the reasons
// of its unknown parts (HCL's try gives a bare unknown), so a finding
// says what is unknown, and that it evaluates its arguments once where
// HCL's try evaluates them twice: once for the result's type and once
// for the result (TestTryOnceAsTwice compares it with such a try). Its
// type is the dynamic
// pseudo-type, which every result conforms to (its arguments, expression
// closures, are never unknown or marked, so cty calls Impl whenever the
// type is found), and Impl evaluates them. It then counts against the
// budget what the second evaluation would have counted (the evaluations
// are the same), so the limits hold as before; when that would exceed a
// limit, or the first exceeded one, it evaluates them again and returns
// that, as before, so what is reported stays the same.
func tryOnce(b *budget) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "expressions", Type: customdecode.ExpressionClosureType},
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			iterations, exprBytes, loadBytes := b.iterations, b.exprBytes, b.loadBytes
			v, err := try(args)
			if err != nil {
				return v, err // the type was not found: no second evaluation
			}
			iterations = 2*b.iterations - iterations
			exprBytes = 2*b.exprBytes - exprBytes
			loadBytes = 2*b.loadBytes - loadBytes
			if b.err != nil || iterations > MaxForIterations || exprBytes > MaxExprBytes || loadBytes > MaxLoadBytes {
				return try(args)
			}
			b.iterations, b.exprBytes, b.loadBytes = iterations, exprBytes, loadBytes
			return v, nil
		},
	})
}

func try(args []cty.Value) (cty.Value, error) {
	if len(args) == 0 {
		return cty.NilVal, fmt.Errorf("at least one argument is required")
	}
	var first *hcl.Diagnostic
	for _, arg := range args {
		v, diags := customdecode.ExpressionClosureFromVal(arg).Value()
		if diags.HasErrors() {
			if first == nil {
				first = diags[0]
			}
			continue
		}
		if !v.IsWhollyKnown() {
			// which argument succeeds may change once the value is known
			_, marks := v.UnmarkDeep()
			return cty.DynamicVal.WithMarks(marks), nil
		}
		return v, nil
	}
	return cty.NilVal, fmt.Errorf("no expression succeeded: %s", diagMessage(first))
}

// lookupFunc is Terraform's lookup: the cty one, except that the default
// may be null (lookup(rule, "cidr_block", null) is common in modules),
// giving null when the key is missing.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowUnknown: true, AllowMarked: true},
	},
	// null is of the dynamic pseudo-type: AllowDynamicType lets it through
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) == 3 && args[2].IsKnown() && args[2].IsNull() {
			return cty.DynamicPseudoType, nil
		}
		types := make([]cty.Type, len(args))
		for i, a := range args {
			types[i] = a.Type()
		}
		return stdlib.LookupFunc.ReturnType(types)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) != 3 || !args[2].IsKnown() || !args[2].IsNull() {
			return stdlib.LookupFunc.Call(args)
		}
		k, _ := args[1].Unmark()
		if !args[0].IsKnown() || !k.IsKnown() {
			return cty.DynamicVal, nil
		}
		m, marks := args[0].Unmark()
		switch {
		case m.IsNull() || !(m.Type().IsObjectType() || m.Type().IsMapType()):
			return cty.NilVal, fmt.Errorf("the first argument must be a map or an object")
		case m.Type().IsObjectType() && m.Type().HasAttribute(k.AsString()):
			return m.GetAttr(k.AsString()).WithMarks(marks), nil
		case m.Type().IsMapType() && m.HasIndex(k).True():
			return m.Index(k).WithMarks(marks), nil
		}
		return cty.NullVal(cty.DynamicPseudoType), nil
	},
})

// unknownFunc is a function whose result is only known at apply time.
func unknownFunc(name string, ty cty.Type) function.Function {
	return unknownFuncBecause(ty, name+"() is known only after apply")
}

// unknownFuncBecause is a function whose result is unknown for reason.
func unknownFuncBecause(ty cty.Type, reason string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true},
		Type:     function.StaticReturnType(ty),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return unknownBecause(ty, reason), nil
		},
	})
}

func hashFunc(h func() hash.Hash, enc func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s := h()
			s.Write([]byte(str(args[0])))
			return cty.StringVal(enc(s.Sum(nil))), nil
		},
	})
}

var base64EncodeFunc = stringFunc(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) })

var urlEncodeFunc = stringFunc(url.QueryEscape)

var base64DecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(str(args[0]))
		if err != nil {
			return cty.NilVal, fmt.Errorf("failed to decode base64 data")
		}
		if !utf8.Valid(b) {
			return cty.NilVal, fmt.Errorf("the decoded result is not valid UTF-8")
		}
		return cty.StringVal(string(b)), nil
	},
})

func stringPredicate(fn func(s, sub string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(fn(str(args[0]), str(args[1]))), nil
		},
	})
}

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)
)

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := str(args[0]), str(args[1]), str(args[2])
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(s, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

// lengthFunc is Terraform's length: collections and strings.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if ty == cty.String || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType() || ty == cty.DynamicPseudoType {
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "argument must be a string, a collection type, or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		switch {
		case v.Type() == cty.String:
			return stdlib.Strlen(v)
		case v.Type().IsTupleType():
			return cty.NumberIntVal(int64(v.Type().Length())), nil
		case v.Type().IsObjectType():
			return cty.NumberIntVal(int64(len(v.Type().AttributeTypes()))), nil
		case !v.IsKnown():
			return cty.UnknownVal(cty.Number), nil
		}
		return v.Length(), nil
	},
})

// indexFunc is Terraform's index(list, value): the position of value.
var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		l := args[0]
		if !(l.Type().IsListType() || l.Type().IsTupleType()) {
			return cty.NilVal, function.NewArgErrorf(0, "argument must be a list or tuple")
		}
		if !l.IsWhollyKnown() || !args[1].IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		i := 0
		for it := l.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			eq, err := stdlib.Equal(e, args[1])
			if err != nil {
				return cty.NilVal, err
			}
			if eq.IsKnown() && eq.True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.NilVal, fmt.Errorf("item not found")
	},
})

func boolListFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			result := all
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if !e.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if e.IsNull() {
					if all {
						return cty.False, nil
					}
					continue
				}
				if all && e.False() {
					return cty.False, nil
				}
				if !all && e.True() {
					result = true
				}
			}
			return cty.BoolVal(result), nil
		},
	})
}

var (
	allTrueFunc = boolListFunc(true)
	anyTrueFunc = boolListFunc(false)
)

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		l := args[0]
		ty := l.Type()
		if !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType()) || l.LengthInt() == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "argument must be a non-empty list or set of numbers")
		}
		total := new(big.Float)
		for it := l.ElementIterator(); it.Next(); {
			_, e := it.Element()
			n, err := convert.Convert(e, cty.Number)
			if err != nil || n.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be a list or set of numbers")
			}
			total.Add(total, n.AsBigFloat())
		}
		return cty.NumberVal(total), nil
	},
})

// oneFunc is Terraform's one: null for an empty collection, the only
// element for a one-element collection, an error otherwise.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			if n := len(ty.TupleElementTypes()); n == 1 {
				return ty.TupleElementTypes()[0], nil
			} else if n == 0 {
				return cty.DynamicPseudoType, nil
			}
			return cty.NilType, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
		}
		return cty.NilType, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
	},
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		l := args[0]
		switch l.LengthInt() {
		case 0:
			return cty.NullVal(ty), nil
		case 1:
			it := l.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NilVal, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
	},
})

var transposeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:   function.StaticReturnType(cty.Map(cty.List(cty.String))),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		out := map[string][]cty.Value{}
		for it := args[0].ElementIterator(); it.Next(); {
			k, l := it.Element()
			if l.IsNull() {
				continue
			}
			for li := l.ElementIterator(); li.Next(); {
				_, e := li.Element()
				if e.IsNull() {
					return cty.NilVal, fmt.Errorf("lists must not contain null values")
				}
				out[e.AsString()] = append(out[e.AsString()], k)
			}
		}
		m := map[string]cty.Value{}
		for k, vs := range out {
			m[k] = cty.ListVal(vs)
		}
		if len(m) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		return cty.MapVal(m), nil
	},
})

var matchKeysFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)},
	},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		vals, keys, search := args[0], args[1], args[2]
		if vals.LengthInt() != keys.LengthInt() {
			return cty.NilVal, fmt.Errorf("length of keys and values should be equal")
		}
		var out []cty.Value
		i := 0
		for it := keys.ElementIterator(); it.Next(); i++ {
			_, k := it.Element()
			for st := search.ElementIterator(); st.Next(); {
				_, s := st.Element()
				eq, err := stdlib.Equal(k, s)
				if err != nil {
					return cty.NilVal, err
				}
				if eq.IsKnown() && eq.True() {
					out = append(out, vals.Index(cty.NumberIntVal(int64(i))))
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(ty.ElementType()), nil
		}
		return cty.ListVal(out), nil
	},
})

var sensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0].Mark(sensitiveMark{}), nil
	},
})

var nonSensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, sensitiveMark{})
		return v.WithMarks(marks), nil
	},
})
