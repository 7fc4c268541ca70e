package terraform

import (
	"math/big"
	"strings"
	"testing"

	ctycidr "github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The expected results are Terraform's: the examples of its function
// documentation (developer.hashicorp.com/terraform/language/functions)
// and the cases of its tests (internal/lang/funcs/cidr_test.go), plus the
// cases where this package deliberately differs from go-cty-funcs (see
// cidr.go).

type cidrCase struct {
	name string
	args []cty.Value
	want string // the result; a list is joined with " "
	err  string // a substring of the error; "" means none
}

func cn(n int64) cty.Value { return cty.NumberIntVal(n) }

func cbig(s string) cty.Value {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return cty.NumberVal(new(big.Float).SetInt(n))
}

func runCidr(t *testing.T, fn function.Function, tests []cidrCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fn.Call(tt.args)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("= %#v, %v; want error containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			var s string
			if got.Type().IsListType() {
				var parts []string
				for _, v := range got.AsValueSlice() {
					parts = append(parts, v.AsString())
				}
				s = strings.Join(parts, " ")
			} else {
				s = got.AsString()
			}
			if s != tt.want {
				t.Errorf("= %s, want %s", s, tt.want)
			}
		})
	}
}

func cs(s string) cty.Value { return cty.StringVal(s) }

func TestCidrHost(t *testing.T) {
	runCidr(t, cidrHostFunc, []cidrCase{
		// documentation
		{"doc 16", []cty.Value{cs("10.12.112.0/20"), cn(16)}, "10.12.112.16", ""},
		{"doc 268", []cty.Value{cs("10.12.112.0/20"), cn(268)}, "10.12.113.12", ""},
		{"doc ipv6", []cty.Value{cs("fd00:fd12:3456:7890:00a2::/72"), cn(34)}, "fd00:fd12:3456:7890::22", ""},
		{"doc 2", []cty.Value{cs("10.0.0.0/8"), cn(2)}, "10.0.0.2", ""},
		{"doc -2", []cty.Value{cs("10.0.0.0/8"), cn(-2)}, "10.255.255.254", ""},
		// Terraform's tests
		{"5", []cty.Value{cs("192.168.1.0/24"), cn(5)}, "192.168.1.5", ""},
		{"-5", []cty.Value{cs("192.168.1.0/24"), cn(-5)}, "192.168.1.251", ""},
		{"-256", []cty.Value{cs("192.168.1.0/24"), cn(-256)}, "192.168.1.0", ""},
		{"leading zeros are decimal", []cty.Value{cs("010.001.0.0/24"), cn(6)}, "10.1.0.6", ""},
		{"255 in two bits", []cty.Value{cs("192.168.1.0/30"), cn(255)}, "", "does not accommodate a host numbered 255"},
		{"-255 in two bits", []cty.Value{cs("192.168.1.0/30"), cn(-255)}, "", "does not accommodate a host numbered -255"},
		{"not a cidr", []cty.Value{cs("not-a-cidr"), cn(6)}, "", "invalid CIDR expression"},
		{"octet over 255", []cty.Value{cs("10.256.0.0/8"), cn(6)}, "", "invalid CIDR expression"},
		{"fraction", []cty.Value{cs("10.0.0.0/8"), cty.NumberFloatVal(.75)}, "", "whole number"},
		// differences from go-cty-funcs
		{"host bits ignored", []cty.Value{cs("10.12.127.0/20"), cn(16)}, "10.12.112.16", ""},
		{"ipv6 host number over 2^63", []cty.Value{cs("2001:db8::/32"), cbig("36893488147419103232")}, "2001:db8:0:2::", ""},
		{"ipv6 host number over the prefix", []cty.Value{cs("2001:db8::/64"), cbig("18446744073709551616")}, "", "does not accommodate a host numbered 18446744073709551616"},
		{"ipv4-mapped prints as ipv4", []cty.Value{cs("::ffff:192.168.0.0/112"), cn(5)}, "192.168.0.5", ""},
		{"zero-padded prefix length", []cty.Value{cs("10.0.0.0/08"), cn(1)}, "10.0.0.1", ""},
	})
}

func TestCidrNetmask(t *testing.T) {
	runCidr(t, cidrNetmaskFunc, []cidrCase{
		{"doc", []cty.Value{cs("172.16.0.0/12")}, "255.240.0.0", ""},
		{"/24", []cty.Value{cs("192.168.1.0/24")}, "255.255.255.0", ""},
		{"/32", []cty.Value{cs("192.168.1.0/32")}, "255.255.255.255", ""},
		{"/0", []cty.Value{cs("0.0.0.0/0")}, "0.0.0.0", ""},
		{"leading zeros are decimal", []cty.Value{cs("010.001.0.0/24")}, "255.255.255.0", ""},
		{"not a cidr", []cty.Value{cs("not-a-cidr")}, "", "invalid CIDR expression"},
		{"octet over 255", []cty.Value{cs("110.256.0.0/8")}, "", "invalid CIDR expression"},
		// go-cty-funcs returns ffff:ffff:ffff:ffff:: here
		{"ipv6", []cty.Value{cs("1::/64")}, "", "IPv6 addresses cannot have a netmask"},
		// an IPv4-mapped network is IPv4 to Terraform; its mask has 128 bits
		{"ipv4-mapped", []cty.Value{cs("::ffff:10.0.0.0/104")}, "ffff:ffff:ffff:ffff:ffff:ffff:ff00:0", ""},
		{"ipv4-mapped masked away", []cty.Value{cs("::ffff:10.0.0.0/64")}, "", "IPv6 addresses cannot have a netmask"},
	})
}

func TestCidrSubnet(t *testing.T) {
	runCidr(t, cidrSubnetFunc, []cidrCase{
		// documentation
		{"doc /12", []cty.Value{cs("172.16.0.0/12"), cn(4), cn(2)}, "172.18.0.0/16", ""},
		{"doc /24", []cty.Value{cs("10.1.2.0/24"), cn(4), cn(15)}, "10.1.2.240/28", ""},
		{"doc ipv6", []cty.Value{cs("fd00:fd12:3456:7890::/56"), cn(16), cn(162)}, "fd00:fd12:3456:7800:a200::/72", ""},
		// Terraform's tests
		{"/20", []cty.Value{cs("192.168.2.0/20"), cn(4), cn(6)}, "192.168.6.0/24", ""},
		{"ipv6 /48", []cty.Value{cs("fe80::/48"), cn(16), cn(6)}, "fe80:0:0:6::/64", ""},
		{"ipv4-mapped normalised", []cty.Value{cs("::ffff:192.168.0.0/112"), cn(8), cn(6)}, "192.168.6.0/24", ""},
		{"more than 32 new bits", []cty.Value{cs("fe80::/48"), cn(33), cn(6)}, "fe80::3:0:0:0/81", ""},
		{"leading zeros are decimal", []cty.Value{cs("010.001.0.0/24"), cn(4), cn(1)}, "10.1.0.16/28", ""},
		{"not enough bits", []cty.Value{cs("192.168.0.0/30"), cn(4), cn(6)}, "", "insufficient address space to extend prefix of 30 by 4"},
		{"16 in 2 bits", []cty.Value{cs("192.168.0.0/16"), cn(2), cn(16)}, "", "prefix extension of 2 does not accommodate a subnet numbered 16"},
		{"prefix over 32", []cty.Value{cs("192.168.0.0/168"), cn(2), cn(1)}, "", "invalid CIDR expression"},
		{"not a cidr", []cty.Value{cs("not-a-cidr"), cn(4), cn(6)}, "", "invalid CIDR expression"},
		{"octet over 255", []cty.Value{cs("10.256.0.0/8"), cn(4), cn(6)}, "", "invalid CIDR expression"},
		{"fraction", []cty.Value{cs("10.0.0.0/8"), cty.NumberFloatVal(2.0 / 3.0), cn(1)}, "", "whole number"},
		// differences from go-cty-funcs and go-cidr
		{"ipv6 netnum over 2^63", []cty.Value{cs("::/0"), cn(100), cbig("36893488147419103232")}, "0:0:2000::/100", ""},
		{"negative netnum", []cty.Value{cs("10.0.0.0/8"), cn(8), cn(-1)}, "", "does not accommodate a subnet numbered -1"},
		{"negative newbits", []cty.Value{cs("10.0.0.0/16"), cn(-8), cn(0)}, "", "insufficient address space"},
		{"netnum over 64 bits", []cty.Value{cs("::/0"), cn(70), cbig("1180591620717411303424")}, "", "does not accommodate"},
	})
}

func TestCidrSubnets(t *testing.T) {
	runCidr(t, cidrSubnetsFunc, []cidrCase{
		// documentation
		{"doc", []cty.Value{cs("10.1.0.0/16"), cn(4), cn(4), cn(8), cn(4)}, "10.1.0.0/20 10.1.16.0/20 10.1.32.0/24 10.1.48.0/20", ""},
		{"doc ipv6", []cty.Value{cs("fd00:fd12:3456:7890::/56"), cn(16), cn(16), cn(16), cn(32)},
			"fd00:fd12:3456:7800::/72 fd00:fd12:3456:7800:100::/72 fd00:fd12:3456:7800:200::/72 fd00:fd12:3456:7800:300::/88", ""},
		// Terraform's tests
		{"mixed", []cty.Value{cs("10.0.0.0/21"), cn(3), cn(3), cn(3), cn(4), cn(4), cn(4), cn(7), cn(7), cn(7)},
			"10.0.0.0/24 10.0.1.0/24 10.0.2.0/24 10.0.3.0/25 10.0.3.128/25 10.0.4.0/25 10.0.4.128/28 10.0.4.144/28 10.0.4.160/28", ""},
		{"leading zeros are decimal", []cty.Value{cs("010.0.0.0/21"), cn(3)}, "10.0.0.0/24", ""},
		{"too long", []cty.Value{cs("10.0.0.0/30"), cn(1), cn(3)}, "", "would extend prefix to 33 bits, which is too long for an IPv4 address"},
		{"no space left", []cty.Value{cs("10.0.0.0/8"), cn(1), cn(1), cn(1)}, "", "not enough remaining address space for a subnet with a prefix of 9 bits after 10.128.0.0/9"},
		{"zero", []cty.Value{cs("10.0.0.0/8"), cn(1), cn(0)}, "", "must extend prefix by at least one bit"},
		{"negative", []cty.Value{cs("10.0.0.0/8"), cn(1), cn(-1)}, "", "must extend prefix by at least one bit"},
		{"over 32", []cty.Value{cs("fe80::/48"), cn(1), cn(33)}, "", "may not extend prefix by more than 32 bits"},
		{"none", []cty.Value{cs("10.0.0.0/8")}, "", ""},
		{"not a cidr", []cty.Value{cs("not-a-cidr"), cn(1)}, "", "invalid CIDR expression"},
		// Terraform's code (go-cidr's PreviousSubnet turns the mapped
		// address into 4 bytes under a 128-bit mask) fails here too.
		{"ipv4-mapped", []cty.Value{cs("::ffff:10.0.0.0/120"), cn(2), cn(2)}, "", "not enough remaining address space for a subnet with a prefix of 122 bits"},
	})
}

func TestTerraformPrefix(t *testing.T) {
	tests := []struct{ in, canon, masked string }{
		{"10.1.2.3/16", "10.1.2.3/16", "10.1.0.0/16"},
		{"010.001.000.0/024", "10.1.0.0/24", "10.1.0.0/24"},
		{"0000010.0.0.0/8", "10.0.0.0/8", "10.0.0.0/8"},
		{"::ffff:010.0.0.1/128", "::ffff:10.0.0.1/128", "::ffff:10.0.0.1/128"},
		{"fe80:0000::1/0064", "fe80:0000::1/64", "fe80::/64"},
	}
	for _, tt := range tests {
		p, canon, err := terraformPrefix(tt.in)
		if err != nil || canon != tt.canon || p.String() != tt.masked {
			t.Errorf("terraformPrefix(%q) = %v, %q, %v; want %s, %q", tt.in, p, canon, err, tt.masked, tt.canon)
		}
	}
	for _, in := range []string{"", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0/8", "10.0.0.0.0/8", "1.2.3.4/-1", "fe80::1%eth0/64", "10.0.0.256/8", "/8"} {
		if _, _, err := terraformPrefix(in); err == nil {
			t.Errorf("terraformPrefix(%q) succeeded", in)
		}
	}
}

// TestCidrGoCtyFuncsDiffers pins the go-cty-funcs behaviours that keep
// cidrhost, cidrsubnet and the IPv6 check of cidrnetmask here (see
// cidr.go). When one of these starts to fail, go-cty-funcs has moved
// towards Terraform and the own code may be replaced.
func TestCidrGoCtyFuncsDiffers(t *testing.T) {
	if _, err := ctycidr.HostFunc.Call([]cty.Value{cs("010.001.0.0/24"), cn(6)}); err == nil {
		t.Error("go-cty-funcs cidrhost accepts leading zeros")
	}
	if _, err := ctycidr.HostFunc.Call([]cty.Value{cs("2001:db8::/32"), cbig("36893488147419103232")}); err == nil {
		t.Error("go-cty-funcs cidrhost accepts host numbers over 2^63")
	}
	if v, err := ctycidr.NetmaskFunc.Call([]cty.Value{cs("1::/64")}); err != nil || v.AsString() != "ffff:ffff:ffff:ffff::" {
		t.Errorf("go-cty-funcs cidrnetmask(1::/64) = %#v, %v", v, err)
	}
	if _, err := ctycidr.SubnetFunc.Call([]cty.Value{cs("fe80::/48"), cn(33), cn(6)}); err == nil {
		t.Error("go-cty-funcs cidrsubnet extends by more than 32 bits")
	}
	if _, err := ctycidr.SubnetsFunc.Call([]cty.Value{cs("010.0.0.0/21"), cn(3)}); err == nil {
		t.Error("go-cty-funcs cidrsubnets accepts leading zeros")
	}
}
