package cfn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
)

// TestIntrinsics evaluates one property per case in a small template.
func TestIntrinsics(t *testing.T) {
	const head = `Parameters:
  Env: {Type: String, Default: prod}
  Unset: {Type: String}
Mappings:
  Sizes:
    prod: {Memory: 1024, Zones: [a, b]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsUnset: !Equals [!Ref Unset, x]
  Either: !Or [!Condition IsUnset, !Condition IsProd]
  Both: !And [!Condition IsUnset, !Condition IsProd]
Resources:
  Key:
    Type: AWS::KMS::Key
  R:
    Type: Custom::Test
    Properties:
      V: `
	tests := []struct {
		name    string
		expr    string
		want    any
		unknown string
		ref     *model.Reference
	}{
		{"Ref long form", "{Ref: Env}", "prod", "", nil},
		{"Sub with vars", `!Sub ["${A}-${Env}", {A: !FindInMap [Sizes, !Ref Env, Memory]}]`, "1024-prod", "", nil},
		{"Sub literal escape", `!Sub "${!Env}"`, "${Env}", "", nil},
		{"Sub single reference", `!Sub "${Key.Arn}"`, "${Key.Arn}", "", &model.Reference{Address: "Key", Type: "AWS::KMS::Key", Attribute: "Arn"}},
		{"Sub unknown parameter", `!Sub "x-${Unset}"`, nil, "parameter Unset has no value and no Default", nil},
		{"GetAtt list form", "!GetAtt [Key, KeyId]", "${Key.KeyId}", "", &model.Reference{Address: "Key", Type: "AWS::KMS::Key", Attribute: "KeyId"}},
		{"GetAtt nested attribute", "!GetAtt Key.Endpoint.Address", "${Key.Endpoint.Address}", "", &model.Reference{Address: "Key", Type: "AWS::KMS::Key", Attribute: "Endpoint.Address"}},
		{"Fn::GetAtt long form", "{Fn::GetAtt: [Key, Arn]}", "${Key.Arn}", "", &model.Reference{Address: "Key", Type: "AWS::KMS::Key", Attribute: "Arn"}},
		{"If true", "!If [IsProd, big, small]", "big", "", nil},
		{"If undecided", "!If [IsUnset, a, b]", nil, "condition IsUnset cannot be decided: parameter Unset has no value and no Default", nil},
		{"Or decided by a known true", "!If [Either, yes, no]", "yes", "", nil},
		{"And undecided", "!If [Both, yes, no]", nil, "condition IsUnset cannot be decided: parameter Unset has no value and no Default", nil},
		{"Join with NoValue", `!Join [",", [a, !Ref AWS::NoValue, b]]`, "a,b", "", nil},
		{"Select from mapping list", "!Select [1, !FindInMap [Sizes, prod, Zones]]", "b", "", nil},
		{"Split", `!Select [2, !Split ["/", "a/b/c"]]`, "c", "", nil},
		{"Base64", "!Base64 hello", "aGVsbG8=", "", nil},
		{"Cidr IPv4", "!Cidr [10.0.0.0/16, 3, 8]", []any{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"}, "", nil},
		{"Cidr IPv6", "!Select [1, !Cidr ['2001:db8::/56', 2, 64]]", "2001:db8:0:1::/64", "", nil},
		{"GetAZs", "!GetAZs ''", nil, "Fn::GetAZs lists the account's Availability Zones at deploy time", nil},
		{"Select from a list attribute", "!Select [0, !GetAtt Key.SecondaryAddresses]", nil, "Fn::Select from ${Key.SecondaryAddresses}, a list known only at deploy time", nil},
		{"Join of a list attribute", `!Join [",", !GetAtt Key.SecondaryAddresses]`, nil, "Fn::Join of ${Key.SecondaryAddresses}, a list known only at deploy time", nil},
		{"ImportValue unknown name", "!ImportValue {Fn::Sub: '${Unset}-Arn'}", nil, "Fn::ImportValue is resolved at deploy time (export name unknown: parameter Unset has no value and no Default)", nil},
		{"Transform", "{Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/k}}}", nil, "Fn::Transform (macro AWS::Include) is expanded at deploy time", nil},
		{"Length", "!Length [a, b, c]", int64(3), "", nil},
		{"ToJsonString", "!ToJsonString {b: [1, true], a: x}", `{"b":[1,true],"a":"x"}`, "", nil},
		{"FindInMap default", "!FindInMap [Sizes, dev, Memory, {DefaultValue: 128}]", int64(128), "", nil},
		{"IAM Condition key is not a function", "{Condition: {Bool: {aws:SecureTransport: false}}}", map[string]any{"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": false}}}, "", nil},
		{"YAML types kept", "[true, 5432, '5432', 1.5, ~, .inf]", []any{true, int64(5432), "5432", 1.5, nil, ".inf"}, "", nil},
		{"nested unknown in list", "[a, !Ref Unset]", []any{"a", nil}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Load("i.yaml", []byte(head+tt.expr+"\n"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := find(t, tpl, "R")
			got := r.Properties["V"]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			reason, _ := unknownReason(r, "V")
			if reason != tt.unknown {
				t.Errorf("unknown reason %q, want %q", reason, tt.unknown)
			}
			if tt.ref != nil {
				if diff := cmp.Diff(*tt.ref, r.References["V"]); diff != "" {
					t.Errorf("reference (-want +got):\n%s", diff)
				}
			}
			if rg := r.Origin.AllPaths()["V"]; rg.Start.Line != 18 {
				t.Errorf("path V at line %d, want 18", rg.Start.Line)
			}
		})
	}
}

func TestForEachNotes(t *testing.T) {
	src := `Transform: [AWS::LanguageExtensions, MyMacro]
Parameters:
  Names: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Buckets:
    - Name
    - !Ref Names
    - ${Name}Bucket:
        Type: AWS::S3::Bucket
  Fn::ForEach::Envs:
    - Env
    - [dev, prod-eu]
    - Fn::ForEach::Apps:
        - App
        - [api, web]
        - '&{Env}${App}Queue':
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub ${Env}-${App}
`
	tpl, err := Load("f.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range tpl.Resources {
		names = append(names, r.Address+"="+r.Properties["QueueName"].(string))
	}
	want := []string{"devapiQueue=dev-api", "devwebQueue=dev-web", "prodeuapiQueue=prod-eu-api", "prodeuwebQueue=prod-eu-web"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	joined := strings.Join(tpl.Notes, "\n")
	for _, n := range []string{
		"Fn::ForEach::Buckets: its collection is not known (parameter Names has no value and no Default); the resources it declares are not checked",
		"Transform MyMacro is a macro that runs at deploy time",
	} {
		if !strings.Contains(joined, n) {
			t.Errorf("notes %q lack %q", joined, n)
		}
	}
}
