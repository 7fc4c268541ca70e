package terraform

// The CIDR functions, checked against Terraform's own
// (internal/lang/funcs/cidr.go), which are the arithmetic of
// github.com/apparentlymart/go-cidr behind internal/ipaddr, Terraform's
// fork of Go 1.16's net.ParseCIDR. github.com/hashicorp/go-cty-funcs/cidr
// has the same four functions, but behind the current net.ParseCIDR and
// with older argument handling. Per function:
//
//   - All four: Terraform accepts IPv4 octets and prefix lengths written
//     with leading zeros ("010.001.0.0/24" is 10.1.0.0/24, decimal, not
//     octal); Go 1.17 and later reject those octets, and so does
//     go-cty-funcs. terraformPrefix rewrites such a prefix to the
//     canonical form first, for go-cty-funcs and our own code alike. A
//     prefix written as an IPv4-mapped IPv6 address (::ffff:a.b.c.d/n)
//     is computed on in 128 bits, as Terraform does, and printed the way
//     net.IP and net.IPNet print it: as IPv4.
//   - cidrsubnets: go-cty-funcs' SubnetsFunc is Terraform's code (same
//     allocation, same 1..32 bit limit per step, same messages) except
//     for the parser, so it is used, after terraformPrefix. (Like
//     Terraform's, it cannot start from an IPv4-mapped prefix: go-cidr's
//     PreviousSubnet shortens the address to 4 bytes under a 128-bit
//     mask, and the call fails with "not enough remaining address space".)
//   - cidrnetmask: go-cty-funcs' NetmaskFunc returns an IPv6 "netmask"
//     (ffff:ffff:ffff:ffff:: for a /64); Terraform rejects IPv6 prefixes
//     ("IPv6 addresses cannot have a netmask"). That check is made here,
//     on the masked network address as Terraform makes it (an
//     IPv4-mapped prefix of /96 or longer passes), and the mask itself
//     comes from NetmaskFunc.
//   - cidrhost: own code. go-cty-funcs reads hostnum as a Go int, so an
//     IPv6 host number of 2^63 or more is an error there; Terraform reads
//     it as a big integer. Host numbers are checked against the prefix
//     here with big integers: go-cidr's HostBig checks only their low 64
//     bits, so Terraform can return an address outside the prefix (or
//     fail with an internal error) for an out-of-range host number where
//     this code reports "does not accommodate a host numbered".
//   - cidrsubnet: own code. go-cty-funcs rejects newbits over 32 and reads
//     netnum as a Go int; Terraform allows any newbits that fit the
//     address (cidrsubnet("fe80::/48", 33, 6) is "fe80::3:0:0:0/81") and
//     reads netnum as a big integer. A negative newbits or netnum, or a
//     netnum too large for newbits, is an error here; go-cidr's 64-bit
//     check lets some of them through to a meaningless result.

import (
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	ctycidr "github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// terraformPrefix parses an address prefix the way Terraform does: IPv4
// octets (also the dotted tail of an IPv6 address) and the prefix length
// may have leading zeros, read as decimal; host bits may be set and are
// ignored. It returns the masked prefix and the canonical spelling of the
// input (host bits kept), which the current Go parsers accept.
func terraformPrefix(s string) (netip.Prefix, string, error) {
	addr, bits, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Prefix{}, "", fmt.Errorf("invalid CIDR expression: %s", s)
	}
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		addr = addr[:i+1] + stripOctetZeros(addr[i+1:])
	} else {
		addr = stripOctetZeros(addr)
	}
	canon := addr + "/" + stripZeros(bits)
	p, err := netip.ParsePrefix(canon)
	if err != nil {
		return netip.Prefix{}, "", fmt.Errorf("invalid CIDR expression: %s", s)
	}
	return p.Masked(), canon, nil
}

// stripOctetZeros drops the leading zeros of each part of a dotted quad;
// anything that is not one is returned as it is, for the parser to reject.
func stripOctetZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = stripZeros(p)
	}
	return strings.Join(parts, ".")
}

// stripZeros drops the leading zeros of a decimal number, keeping one
// digit; a string that is not all digits is returned as it is.
func stripZeros(s string) string {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return s
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

// addrString prints an address as net.IP does: an IPv4-mapped IPv6
// address as IPv4.
func addrString(a netip.Addr) string { return a.Unmap().String() }

// prefixString prints a prefix as net.IPNet does: an IPv4-mapped network
// address as IPv4, with the last 32 bits of the mask as its length.
func prefixString(p netip.Prefix) string {
	if p.Addr().Is4In6() {
		return netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0)).String()
	}
	return p.String()
}

func addrInt(a netip.Addr) *big.Int { return new(big.Int).SetBytes(a.AsSlice()) }

func intAddr(n *big.Int, like netip.Addr) netip.Addr {
	b := make([]byte, like.BitLen()/8)
	n.FillBytes(b)
	a, _ := netip.AddrFromSlice(b)
	return a
}

// intArg reads a whole-number argument as an int64 (also used outside
// this file: count, element indexes, range bounds).
func intArg(v cty.Value) (int64, error) {
	var n int64
	if err := gocty.FromCtyValue(v, &n); err != nil {
		return 0, fmt.Errorf("must be a whole number: %v", err)
	}
	return n, nil
}

// bigArg reads a whole-number argument (a fraction is an error, as in
// Terraform).
func bigArg(v cty.Value) (*big.Int, error) {
	var n *big.Int
	if err := gocty.FromCtyValue(v, &n); err != nil {
		return nil, err
	}
	return n, nil
}

// subnet returns the netnum'th subnet of p with newbits more prefix bits.
func subnet(p netip.Prefix, newbits int, netnum *big.Int) (netip.Prefix, error) {
	total := p.Addr().BitLen()
	bits := p.Bits() + newbits
	if newbits < 0 || bits > total {
		return netip.Prefix{}, fmt.Errorf("insufficient address space to extend prefix of %d by %d", p.Bits(), newbits)
	}
	if netnum.Sign() < 0 || netnum.BitLen() > newbits {
		return netip.Prefix{}, fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %s", newbits, netnum)
	}
	n := new(big.Int).Lsh(netnum, uint(total-bits))
	n.Or(n, addrInt(p.Addr()))
	return netip.PrefixFrom(intAddr(n, p.Addr()), bits), nil
}

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var newbits int
		if err := gocty.FromCtyValue(args[1], &newbits); err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		netnum, err := bigArg(args[2])
		if err != nil {
			return cty.NilVal, function.NewArgError(2, err)
		}
		p, _, err := terraformPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		s, err := subnet(p, newbits, netnum)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(prefixString(s)), nil
	},
})

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		hostnum, err := bigArg(args[1])
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		p, _, err := terraformPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
		h := new(big.Int).Set(hostnum)
		if h.Sign() < 0 { // counted back from the end of the range
			h.Add(h, size)
		}
		if h.Sign() < 0 || h.Cmp(size) >= 0 {
			return cty.NilVal, fmt.Errorf("prefix of %d does not accommodate a host numbered %s", p.Bits(), hostnum)
		}
		return cty.StringVal(addrString(intAddr(h.Or(h, addrInt(p.Addr())), p.Addr()))), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, canon, err := terraformPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		if a := p.Addr(); !a.Is4() && !a.Is4In6() {
			return cty.NilVal, function.NewArgErrorf(0, "IPv6 addresses cannot have a netmask: %s", args[0].AsString())
		}
		return ctycidr.NetmaskFunc.Call([]cty.Value{cty.StringVal(canon)})
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		_, canon, err := terraformPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		return ctycidr.SubnetsFunc.Call(append([]cty.Value{cty.StringVal(canon)}, args[1:]...))
	},
})
