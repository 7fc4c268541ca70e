package terraform

import (
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/stackgate/stackgate/scanner/tfmap"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

const (
	expandSingle = iota
	expandCount
	expandEach
	expandUnknown
)

// expansion is the evaluated count or for_each of a resource or module call.
type expansion struct {
	kind   int
	keys   []cty.Value // count: numbers 0..n-1; for_each: string keys, sorted
	values []cty.Value // for_each: each.value
	reason string      // expandUnknown: why the instances are not known
	// eachRef is set when for_each is a reference to a whole resource
	// (for_each = aws_s3_bucket.lake): each.value is then that instance.
	eachRef *tfmap.Ref
}

// instanceKey renders the address suffix of instance i.
func (e expansion) instanceKey(i int) string {
	switch e.kind {
	case expandCount:
		return "[" + strconv.Itoa(i) + "]"
	case expandEach:
		return "[" + strconv.Quote(e.keys[i].AsString()) + "]"
	case expandUnknown:
		return "[*]"
	}
	return ""
}

// data returns the count/each values of instance i.
func (e expansion) data(i int) instData {
	var d instData
	switch e.kind {
	case expandCount:
		d = instData{hasCount: true, countIndex: e.keys[i]}
	case expandEach:
		d = instData{hasEach: true, eachKey: e.keys[i], eachValue: e.values[i]}
		if e.eachRef != nil {
			d.eachRef = &tfmap.Ref{Address: e.eachRef.Address + e.instanceKey(i), Type: e.eachRef.Type}
		}
	case expandUnknown:
		d = instData{
			hasCount: true, countIndex: unknownBecause(cty.Number, e.reason),
			hasEach: true, eachKey: unknownBecause(cty.String, e.reason), eachValue: unknownBecause(cty.DynamicPseudoType, e.reason),
		}
	default:
		return instData{}
	}
	if d.hasCount {
		d.countObj = cty.ObjectVal(map[string]cty.Value{"index": d.countIndex})
	}
	if d.hasEach {
		d.eachObj = cty.ObjectVal(map[string]cty.Value{"key": d.eachKey, "value": d.eachValue})
	}
	return d
}

// size is how many instances there are.
func (e expansion) size() int {
	if e.kind == expandSingle || e.kind == expandUnknown {
		return 1
	}
	return len(e.keys)
}

// combine builds the value other expressions see for the instances: the
// object itself, a tuple (count), or an object by key (for_each).
func (e expansion) combine(objs []cty.Value) cty.Value {
	switch e.kind {
	case expandSingle:
		return objs[0]
	case expandCount:
		if len(objs) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(objs)
	case expandEach:
		m := make(map[string]cty.Value, len(objs))
		for i, o := range objs {
			m[e.keys[i].AsString()] = o
		}
		return cty.ObjectVal(m)
	}
	return unknownBecause(cty.DynamicPseudoType, e.reason)
}

// expand evaluates count or for_each for what (an address, for messages).
// ok is false when the expansion is invalid; the error is recorded.
func (m *modInst) expand(count, forEach hcl.Expression, what string) (expansion, bool) {
	l := m.l
	switch {
	case count != nil:
		full := m.evalExpr(count, scope{})
		v, _ := full.UnmarkDeep()
		if !v.IsKnown() {
			return m.unknownExpansion(count, "count", what, full), true
		}
		if v.IsNull() {
			l.addErr(errAt(count.Range(), "invalid count for %s: must not be null", what))
			return expansion{}, false
		}
		n, err := intArg(v)
		if err != nil || n < 0 {
			l.addErr(errAt(count.Range(), "invalid count for %s: must be a whole number of zero or more", what))
			return expansion{}, false
		}
		if !m.reserve(n, count.Range(), "count", what) {
			return expansion{}, false
		}
		e := expansion{kind: expandCount, keys: make([]cty.Value, n)}
		for i := range e.keys {
			e.keys[i] = cty.NumberIntVal(int64(i))
		}
		return e, true
	case forEach != nil:
		full := m.evalExpr(forEach, scope{})
		v, topMarks := full.Unmark()
		if !v.IsKnown() {
			return m.unknownExpansion(forEach, "for_each", what, full), true
		}
		if v.IsNull() {
			l.addErr(errAt(forEach.Range(), "invalid for_each for %s: must not be null", what))
			return expansion{}, false
		}
		ty := v.Type()
		switch {
		case ty.IsMapType() || ty.IsObjectType():
		case ty.IsSetType() && (ty.ElementType() == cty.String || ty.ElementType() == cty.DynamicPseudoType):
			if !v.IsWhollyKnown() {
				return m.unknownExpansion(forEach, "for_each", what, full), true
			}
		default:
			l.addErr(errAt(forEach.Range(), "invalid for_each for %s: must be a map, or set of strings, and you have provided a value of type %s", what, ty.FriendlyName()))
			return expansion{}, false
		}
		if !m.reserve(int64(v.LengthInt()), forEach.Range(), "for_each", what) {
			return expansion{}, false
		}
		type kv struct {
			k string
			v cty.Value
		}
		var items []kv
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			k, _ = k.Unmark()
			if ty.IsSetType() {
				if k.IsNull() {
					l.addErr(errAt(forEach.Range(), "invalid for_each for %s: the set must not contain null", what))
					return expansion{}, false
				}
			}
			items = append(items, kv{k.AsString(), ev.WithMarks(topMarks)})
		}
		sort.Slice(items, func(i, j int) bool { return items[i].k < items[j].k })
		e := expansion{kind: expandEach}
		if ref, ok := m.resolveRef(forEach, scope{}, 0); ok && ref.Attribute == "" && !strings.HasSuffix(ref.Address, "]") {
			e.eachRef = &ref
		}
		for _, it := range items {
			e.keys = append(e.keys, cty.StringVal(it.k))
			e.values = append(e.values, it.v)
		}
		return e, true
	}
	if !m.reserve(1, hcl.Range{}, "", what) {
		return expansion{}, false
	}
	return expansion{kind: expandSingle}, true
}

// unknownExpansion is the single stand-in instance of a count or for_each
// whose value is not known statically.
func (m *modInst) unknownExpansion(expr hcl.Expression, arg, what string, v cty.Value) expansion {
	reason := arg + " of " + what + " is unknown (" + firstReason(v) + ")"
	r := expr.Range()
	m.l.note("%s:%d: %s: one instance %s[*] stands for all of them", r.Filename, r.Start.Line, reason, what)
	return expansion{kind: expandUnknown, reason: reason}
}

// reserve counts n more instances against the limits.
func (m *modInst) reserve(n int64, rng hcl.Range, arg, what string) bool {
	l := m.l
	if max := l.opts.maxInstances(); arg != "" && n > int64(max) {
		l.addErr(errAt(rng, "%s of %s creates %s instances, over the limit of %d per resource or module call", arg, what, big.NewInt(n).String(), max))
		return false
	}
	l.total += int(n)
	if max := l.opts.maxTotal(); l.total > max {
		if rng.Filename == "" {
			l.addErr(errAt(hcl.Range{Filename: l.rootDisplay}, "the configuration creates more than %d resource and module instances", max))
		} else {
			l.addErr(errAt(rng, "the configuration creates more than %d resource and module instances (at %s)", max, what))
		}
		return false
	}
	return true
}
