package cfn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseParameterFile(t *testing.T) {
	tests := []struct {
		file string
		want map[string]string
	}{
		{"cli.json", map[string]string{"Environment": "prod", "RetentionDays": "365"}},
		{"template-configuration.json", map[string]string{"Environment": "staging", "RetentionDays": "30", "AllowedCidrs": "10.0.0.0/8,172.16.0.0/12"}},
		{"plain.yaml", map[string]string{"Environment": "prod", "UseDsse": "true", "RetentionDays": "400"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "params", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseParameterFile(tt.file, src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseParameterFileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"entry without key", `[{"ParameterValue": "x"}]`, 1, "no ParameterKey"},
		{"entry without value", "- ParameterKey: Env\n", 1, "parameter Env has no ParameterValue"},
		{"nested value", "Env:\n  a: b\n", 2, "parameter Env: value must be a string"},
		{"scalar file", "prod\n", 1, "parameter file must be a list"},
		{"alias", "A: &x prod\nB: *x\n", 2, "YAML alias"},
		{"duplicate", "A: x\nA: y\n", 2, `duplicate key "A"`},
		{"Parameters not a map", "Parameters: [a]\n", 1, "Parameters must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseParameterFile("p.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("want error")
			}
			me := firstError(t, err)
			if me.Line != tt.line || !strings.Contains(me.Message, tt.msg) || me.File != "p.yaml" {
				t.Errorf("got %v, want line %d with %q", err, tt.line, tt.msg)
			}
		})
	}
}

// TestParameterTypes: parameter values are typed by the parameter Type and
// Options.Params override Defaults.
func TestParameterTypes(t *testing.T) {
	src := []byte(`
Parameters:
  Count: {Type: Number, Default: "3"}
  Ratio: {Type: Number, Default: 0.5}
  Subnets: {Type: List<AWS::EC2::Subnet::Id>, Default: "subnet-a, subnet-b"}
  Ports: {Type: List<Number>, Default: "80,443"}
  Names: {Type: CommaDelimitedList}
  Flag: {Type: String, Default: true}
Resources:
  Q:
    Type: Custom::Thing
    Properties:
      Count: !Ref Count
      Ratio: !Ref Ratio
      Subnets: !Ref Subnets
      Ports: !Ref Ports
      Names: !Ref Names
      Flag: !Ref Flag
      Second: !Select [1, !Ref Subnets]
      Region: !Ref AWS::Region
      Partition: !Ref AWS::Partition
      Suffix: !Ref AWS::URLSuffix
      StackId: !Ref AWS::StackId
      Notify: !Ref AWS::NotificationARNs
`)
	tpl, err := Load("p.yaml", src, Options{Region: "cn-north-1", Params: map[string]string{"Count": "7", "Unused": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	r := tpl.Resources[0]
	want := map[string]any{
		"Count": int64(7), "Ratio": 0.5, "Subnets": []any{"subnet-a", "subnet-b"}, "Ports": []any{int64(80), int64(443)},
		"Names": nil, "Flag": "true", "Second": "subnet-b", "Region": "cn-north-1", "Partition": "aws-cn",
		"Suffix": "amazonaws.com.cn", "StackId": nil, "Notify": nil,
	}
	if diff := cmp.Diff(want, r.Properties); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for path, reason := range map[string]string{
		"Names":   "parameter Names has no value and no Default",
		"StackId": "AWS::StackId is known only after the stack is created",
		"Notify":  "AWS::NotificationARNs is set when the stack is deployed",
	} {
		if got, _ := unknownReason(&r, path); got != reason {
			t.Errorf("%s: reason %q, want %q", path, got, reason)
		}
	}
}
