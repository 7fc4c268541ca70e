package cfntypes

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCoercionTable(t *testing.T) {
	for typ, props := range propertyTypes() {
		if !strings.Contains(typ, "::") {
			t.Errorf("type %q is not a CloudFormation type", typ)
		}
		for path, pt := range props {
			switch pt {
			case Boolean, Integer, Number, String:
			default:
				t.Errorf("%s %s: unknown type %q", typ, path, pt)
			}
		}
	}
	for _, must := range []string{"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
		"AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::RDS::DBInstance", "AWS::Lambda::Function"} {
		if len(propertyTypes()[must]) == 0 {
			t.Errorf("no property types for %s", must)
		}
	}
	if propertyTypes()["AWS::RDS::DBInstance"]["AllocatedStorage"] != String {
		t.Error("AWS::RDS::DBInstance AllocatedStorage is a String in CloudFormation")
	}
	tests := []struct {
		in   any
		typ  string
		want any
	}{
		{"true", Boolean, true}, {"FALSE", Boolean, false}, {"yes", Boolean, "yes"},
		{"5432", Integer, int64(5432)}, {float64(3), Integer, int64(3)}, {"x", Integer, "x"},
		{"1.5", Number, 1.5}, {int64(20), String, "20"}, {true, String, "true"}, {nil, String, nil},
		{"5432", "", "5432"},
	}
	for _, tt := range tests {
		if got := Coerce(tt.in, tt.typ); !cmp.Equal(got, tt.want) {
			t.Errorf("Coerce(%#v, %q) = %#v, want %#v", tt.in, tt.typ, got, tt.want)
		}
	}
}

// CoerceProperties converts every declared scalar of a properties tree,
// through lists, and leaves skipped paths and undeclared ones alone.
func TestCoerceProperties(t *testing.T) {
	props := map[string]any{
		"GroupName": "web",
		"SecurityGroupIngress": []any{
			map[string]any{"FromPort": "80", "ToPort": "80", "IpProtocol": "tcp", "CidrIp": "0.0.0.0/0"},
			map[string]any{"FromPort": "${aws_security_group_rule.x.from_port}", "ToPort": int64(443)},
		},
		"Tags":    []any{map[string]any{"Key": "n", "Value": int64(1)}},
		"Unknown": "5",
	}
	CoerceProperties("AWS::EC2::SecurityGroup", props, map[string]bool{"SecurityGroupIngress[1].FromPort": true})
	want := map[string]any{
		"GroupName": "web",
		"SecurityGroupIngress": []any{
			map[string]any{"FromPort": int64(80), "ToPort": int64(80), "IpProtocol": "tcp", "CidrIp": "0.0.0.0/0"},
			map[string]any{"FromPort": "${aws_security_group_rule.x.from_port}", "ToPort": int64(443)},
		},
		"Tags":    []any{map[string]any{"Key": "n", "Value": "1"}},
		"Unknown": "5",
	}
	if d := cmp.Diff(want, props); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestTypeOfBytes(t *testing.T) {
	check := func(typ, pattern string) {
		if got, want := TypeOfBytes(typ, []byte(pattern)), TypeOf(typ, pattern); got != want {
			t.Errorf("%s %s: TypeOfBytes %q, TypeOf %q", typ, pattern, got, want)
		}
	}
	for typ, props := range propertyTypes() {
		for pattern := range props {
			check(typ, pattern)
		}
		check(typ, "Tags[].Key")
		check(typ, "NoSuchProperty")
	}
	check("Custom::Thing", "Tags[].Value")
	check("Custom::Thing", "Tags[].Other")
	check("", "")
	if n := testing.AllocsPerRun(100, func() { TypeOfBytes("AWS::S3::Bucket", []byte("Tags[].Key")) }); n != 0 {
		t.Errorf("TypeOfBytes allocates %v times", n)
	}
}
