package terraform

import (
	"fmt"
	"math/big"
	"net/netip"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// parseCIDR parses an address prefix; like Terraform, host bits may be
// set and are ignored.
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid CIDR expression: %s", s)
	}
	return p.Masked(), nil
}

func addrInt(a netip.Addr) *big.Int { return new(big.Int).SetBytes(a.AsSlice()) }

func intAddr(n *big.Int, v4 bool) (netip.Addr, error) {
	size := 16
	if v4 {
		size = 4
	}
	if n.Sign() < 0 || n.BitLen() > size*8 {
		return netip.Addr{}, fmt.Errorf("address out of range")
	}
	b := make([]byte, size)
	n.FillBytes(b)
	a, _ := netip.AddrFromSlice(b)
	return a, nil
}

// subnet returns the netnum'th subnet of p with newbits more prefix bits.
func subnet(p netip.Prefix, newbits, netnum int64) (netip.Prefix, error) {
	total := int64(p.Addr().BitLen())
	bits := int64(p.Bits()) + newbits
	if newbits < 0 || bits > total {
		return netip.Prefix{}, fmt.Errorf("insufficient address space to extend prefix of %d by %d", p.Bits(), newbits)
	}
	if netnum < 0 || (newbits < 63 && netnum >= int64(1)<<newbits) {
		return netip.Prefix{}, fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %d", newbits, netnum)
	}
	n := new(big.Int).Lsh(big.NewInt(netnum), uint(total-bits))
	n.Or(n, addrInt(p.Addr()))
	a, err := intAddr(n, p.Addr().Is4())
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, int(bits)), nil
}

func intArg(v cty.Value) (int64, error) {
	var n int64
	if err := gocty.FromCtyValue(v, &n); err != nil {
		return 0, fmt.Errorf("must be a whole number: %v", err)
	}
	return n, nil
}

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		newbits, err := intArg(args[1])
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		netnum, err := intArg(args[2])
		if err != nil {
			return cty.NilVal, function.NewArgError(2, err)
		}
		s, err := subnet(p, newbits, netnum)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(s.String()), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		total := p.Addr().BitLen()
		next := addrInt(p.Addr())
		end := new(big.Int).Add(addrInt(p.Addr()), new(big.Int).Lsh(big.NewInt(1), uint(total-p.Bits())))
		var out []cty.Value
		for i, a := range args[1:] {
			nb, err := intArg(a)
			if err != nil {
				return cty.NilVal, function.NewArgError(i+1, err)
			}
			bits := int64(p.Bits()) + nb
			if nb < 1 || bits > int64(total) {
				return cty.NilVal, function.NewArgErrorf(i+1, "would extend prefix to %d bits, which is too long for an address of %d bits", bits, total)
			}
			size := new(big.Int).Lsh(big.NewInt(1), uint(int64(total)-bits))
			// Align to the subnet size.
			rem := new(big.Int).Mod(next, size)
			if rem.Sign() != 0 {
				next.Add(next, new(big.Int).Sub(size, rem))
			}
			if new(big.Int).Add(next, size).Cmp(end) > 0 {
				return cty.NilVal, function.NewArgErrorf(i+1, "not enough remaining address space for a subnet with a prefix of %d bits", bits)
			}
			addr, err := intAddr(next, p.Addr().Is4())
			if err != nil {
				return cty.NilVal, err
			}
			out = append(out, cty.StringVal(netip.PrefixFrom(addr, int(bits)).String()))
			next = new(big.Int).Add(next, size)
		}
		return cty.ListVal(out), nil
	},
})

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		hostnum, err := intArg(args[1])
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		hostBits := uint(p.Addr().BitLen() - p.Bits())
		size := new(big.Int).Lsh(big.NewInt(1), hostBits)
		h := big.NewInt(hostnum)
		if h.Sign() < 0 {
			h.Add(h, size)
		}
		if h.Sign() < 0 || h.Cmp(size) >= 0 {
			return cty.NilVal, fmt.Errorf("prefix of %d does not accommodate a host numbered %d", p.Bits(), hostnum)
		}
		a, err := intAddr(h.Or(h, addrInt(p.Addr())), p.Addr().Is4())
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(a.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		if !p.Addr().Is4() {
			return cty.NilVal, fmt.Errorf("IPv6 addresses cannot have a netmask: %s", args[0].AsString())
		}
		m := uint32(0xffffffff) << (32 - p.Bits())
		if p.Bits() == 0 {
			m = 0
		}
		return cty.StringVal(fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)), nil
	},
})
