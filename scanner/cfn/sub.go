package cfn

import (
	"math/big"
	"net/netip"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sub evaluates Fn::Sub. Variables resolve, in order, to the variable map
// of the two-argument form, Fn::ForEach identifiers, pseudo parameters,
// parameters, resources (${Id}) and resource attributes (${Id.Attr}).
// References keep their "${...}" placeholder, so a string that only
// references resources is known; an unknown variable makes it unknown.
func (l *loader) sub(n, arg *yaml.Node, sc *scope) *value {
	tmpl := arg
	var vars *yaml.Node
	if arg.Kind == yaml.SequenceNode {
		args, ok := l.args("Fn::Sub", n, arg, 1, 2)
		if !ok {
			return unknownVal(n, "invalid Fn::Sub")
		}
		tmpl = args[0]
		if len(args) == 2 {
			vars = args[1]
			if vars.Kind != yaml.MappingNode {
				return l.fail(vars, "the variables of Fn::Sub must be a mapping, not %s", kindName(vars))
			}
		}
	}
	if tmpl.Kind != yaml.ScalarNode {
		// A function that yields the string at deploy time (Fn::Transform,
		// a rain directive) leaves the result unknown.
		if v := l.eval(tmpl, sc); v.kind == vUnknown {
			return unknownVal(n, v.reason)
		}
		return l.fail(n, "the template of Fn::Sub must be a string, not %s", kindName(tmpl))
	}
	s := tmpl.Value
	var b strings.Builder
	var only *value // the reference, when the whole string is one reference
	count := 0
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		name := rest[:j]
		s = rest[j+1:]
		if strings.HasPrefix(name, "!") {
			// ${!Literal} is written as ${Literal}.
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		v := l.subVar(strings.TrimSpace(name), vars, n, sc)
		switch v.kind {
		case vUnknown:
			return unknownVal(n, v.reason)
		case vScalar:
			str, _ := scalarString(v.s)
			b.WriteString(str)
			count++
			if v.ref != nil {
				only = v
			}
		case vNoValue:
		default:
			return l.fail(n, "Fn::Sub variable ${%s} is %s; only strings can be substituted (use Fn::Join for lists)", name, valueKind(v))
		}
	}
	out := b.String()
	if only != nil && count == 1 && out == only.s {
		return l.refVal(n, only.ref.Address, only.ref.Attribute)
	}
	return scalarVal(n, out)
}

func (l *loader) subVar(name string, vars *yaml.Node, n *yaml.Node, sc *scope) *value {
	if v := mapGet(vars, name); v != nil {
		return l.eval(v, sc)
	}
	if v, ok := l.named(name, n, sc); ok {
		return v
	}
	if _, ok := l.types[name]; ok && !sc.inCondition {
		return l.refVal(n, name, "")
	}
	if i := strings.IndexByte(name, '.'); i > 0 && !sc.inCondition {
		if _, ok := l.types[name[:i]]; ok {
			return l.refVal(n, name[:i], name[i+1:])
		}
	}
	if strings.HasPrefix(name, "Rain::") {
		return l.rainVal(n, "!"+name)
	}
	if !sc.inCondition {
		id := name
		if i := strings.IndexByte(name, '.'); i > 0 {
			id = name[:i]
		}
		if v := l.generated(n, id, "Fn::Sub ${"+name+"}"); v != nil {
			return v
		}
	}
	return l.fail(n, "Fn::Sub refers to ${%s}, which is not a parameter, resource, attribute or variable", name)
}

// cidr evaluates Fn::Cidr [ipBlock, count, cidrBits]: count subnets of
// cidrBits host bits each, carved from ipBlock in order.
func (l *loader) cidr(n, arg *yaml.Node, sc *scope) *value {
	args, ok := l.args("Fn::Cidr", n, arg, 3, 3)
	if !ok {
		return unknownVal(n, "invalid Fn::Cidr")
	}
	var strs [3]string
	for i := range strs {
		v := l.eval(args[i], sc)
		if v.ref != nil {
			return unknownVal(n, "Fn::Cidr of "+v.s.(string)+", which is known only at deploy time")
		}
		s, u := l.knownString(v, n, "an argument of Fn::Cidr")
		if u != nil {
			return u
		}
		strs[i] = strings.TrimSpace(s)
	}
	prefix, err := netip.ParsePrefix(strs[0])
	if err != nil {
		return l.fail(args[0], "Fn::Cidr: %q is not a CIDR block", strs[0])
	}
	count, ok1 := parseNumber(strs[1])
	bits, ok2 := parseNumber(strs[2])
	c, isInt1 := count.(int64)
	hb, isInt2 := bits.(int64)
	total := int64(prefix.Addr().BitLen())
	if !ok1 || !isInt1 || c < 1 || c > 256 {
		return l.fail(args[1], "Fn::Cidr: the count must be an integer from 1 to 256")
	}
	if !ok2 || !isInt2 || hb < 0 || hb > total-int64(prefix.Bits()) {
		return l.fail(args[2], "Fn::Cidr: cidrBits must be an integer from 0 to %d for %s", total-int64(prefix.Bits()), strs[0])
	}
	if avail := total - int64(prefix.Bits()) - hb; avail < 9 && c > int64(1)<<avail {
		return l.fail(n, "Fn::Cidr: %s has room for only %d subnets of %d host bits", strs[0], int64(1)<<avail, hb)
	}
	base := new(big.Int).SetBytes(prefix.Masked().Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(hb))
	out := &value{kind: vList, node: n}
	size := int(total / 8)
	for i := int64(0); i < c; i++ {
		if !l.spend(n) {
			return unknownVal(n, "template evaluation stopped")
		}
		addr := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(i)))
		buf := addr.FillBytes(make([]byte, size))
		a, _ := netip.AddrFromSlice(buf)
		out.items = append(out.items, scalarVal(n, netip.PrefixFrom(a, int(total-hb)).String()))
	}
	return out
}
