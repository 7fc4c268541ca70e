package terraform

import (
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// maxSlowConvert bounds the elements of a tuple that cty's general
// conversion may turn into a list or set: that conversion takes time
// quadratic in the length (toset over 100,000 strings runs for minutes).
const maxSlowConvert = 5000

// errSlowConvert is the cause of refusing a conversion over maxSlowConvert.
var errSlowConvert = errors.New("too large to convert")

// convertCollection converts v to ty with a linear fast path for the
// common case, a tuple whose elements all have one type converted to a
// list or set, and a bound on the general (quadratic) conversion.
func convertCollection(v cty.Value, ty cty.Type) (cty.Value, error) {
	if !v.IsKnown() || v.IsNull() || v.IsMarked() || !v.Type().IsTupleType() || !(ty.IsListType() || ty.IsSetType()) {
		return convert.Convert(v, ty)
	}
	elemTypes := v.Type().TupleElementTypes()
	if len(elemTypes) == 0 {
		return convert.Convert(v, ty)
	}
	first := elemTypes[0]
	same := true
	for _, et := range elemTypes[1:] {
		if !et.Equals(first) {
			same = false
			break
		}
	}
	if !same {
		if len(elemTypes) > maxSlowConvert {
			return cty.NilVal, fmt.Errorf("a tuple of %d elements of different types is %w to %s (limit %d)", len(elemTypes), errSlowConvert, ty.FriendlyName(), maxSlowConvert)
		}
		return convert.Convert(v, ty)
	}
	want := ty.ElementType()
	if want == cty.DynamicPseudoType {
		want = first
	}
	elems := make([]cty.Value, 0, len(elemTypes))
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		c, err := convert.Convert(e, want)
		if err != nil {
			return cty.NilVal, err
		}
		elems = append(elems, c)
	}
	if ty.IsSetType() {
		return cty.SetVal(elems), nil
	}
	return cty.ListVal(elems), nil
}

// toCollectionFunc is tolist / toset with the fast path.
func toCollectionFunc(ty cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			gotTy := args[0].Type()
			if gotTy == cty.DynamicPseudoType {
				return ty, nil
			}
			if gotTy.IsTupleType() && len(gotTy.TupleElementTypes()) > maxSlowConvert {
				return ty, nil // typed by Impl's result
			}
			conv := convert.GetConversionUnsafe(gotTy, ty)
			if conv == nil {
				return cty.NilType, function.NewArgErrorf(0, "cannot convert %s to %s", gotTy.FriendlyName(), ty.FriendlyName())
			}
			out, err := conv(cty.UnknownVal(gotTy))
			if err != nil {
				return cty.NilType, err
			}
			return out.Type(), nil
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			v, err := convertCollection(args[0], retType)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return v, nil
		},
	})
}
