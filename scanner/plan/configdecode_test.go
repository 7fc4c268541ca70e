package plan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestConfigMirror: every mirror type has the fields of the
// terraform-json type it stands for, in order, with the same JSON names
// and the same types but for expressions: a new field in terraform-json
// fails here rather than going missing from the configuration.
func TestConfigMirror(t *testing.T) {
	for _, pair := range [][2]any{
		{fastConfig{}, tfjson.Config{}}, {fastProviderConfig{}, tfjson.ProviderConfig{}}, {fastModule{}, tfjson.ConfigModule{}},
		{fastOutput{}, tfjson.ConfigOutput{}}, {fastResource{}, tfjson.ConfigResource{}}, {fastProvisioner{}, tfjson.ConfigProvisioner{}},
		{fastModuleCall{}, tfjson.ModuleCall{}},
	} {
		m, o := reflect.TypeOf(pair[0]), reflect.TypeOf(pair[1])
		if m.NumField() != o.NumField() {
			t.Errorf("%s has %d fields, %s %d", m, m.NumField(), o, o.NumField())
			continue
		}
		for i := range m.NumField() {
			mf, of := m.Field(i), o.Field(i)
			if mf.Name != of.Name || mf.Tag != of.Tag {
				t.Errorf("%s field %d is %s %s, %s has %s %s", m, i, mf.Name, mf.Tag, o, of.Name, of.Tag)
			}
			mt, ot := mf.Type.String(), of.Type.String()
			mt = strings.NewReplacer("plan.exprMap", "map[string]*tfjson.Expression", "plan.fastExpr", "tfjson.Expression",
				"plan.fastProviderConfig", "tfjson.ProviderConfig", "plan.fastModuleCall", "tfjson.ModuleCall", "plan.fastModule", "tfjson.ConfigModule",
				"plan.fastOutput", "tfjson.ConfigOutput", "plan.fastResource", "tfjson.ConfigResource", "plan.fastProvisioner", "tfjson.ConfigProvisioner").Replace(mt)
			if mt != ot {
				t.Errorf("%s.%s is %s, in %s %s", m, mf.Name, mf.Type, o, ot)
			}
		}
	}
}

// TestDecodeConfig: decodeConfig decodes what json.Unmarshal into
// *tfjson.Config decodes, errors included, on every fixture's
// configuration and on expressions of every shape.
func TestDecodeConfig(t *testing.T) {
	var inputs []string
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		var doc struct{ Configuration json.RawMessage }
		if err := json.Unmarshal(src, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Configuration != nil {
			inputs = append(inputs, string(doc.Configuration))
		}
	}
	for _, expr := range []string{
		`{"constant_value":"x"}`, `{"constant_value":1.5}`, `{"constant_value":null}`, `{"constant_value":true,"references":["a.b"]}`,
		`{"references":[]}`, `{"references":null}`, `{"references":[1]}`, `{"references":[null]}`, `{"references":"a"}`, `{}`, `[]`, `[null]`,
		`[{"x":{"constant_value":1}},null,{}]`, `[{"x":null}]`, `[{"x":[{"y":{"references":["v.a"]}}]}]`, `[1]`, `["x"]`, `[{"x":1}]`,
		`"x"`, `5`, `true`, `{"Constant_Value":"x"}`, `{"constant_value":"a","constant_value":"b"}`, `{"constant_valu\u0065":"x"}`,
		`{"constant_value":"caf\u00e9"}`, `{"constant_value":{"a":[1,{"b":null}]},"other":5}`, `[{"a":{},"a":{}}]`, `[{"\u0061":{}}]`,
		`{"constant_value":1e400}`, `{"references":["a","b"],"constant_value":{"x":1}}`,
	} {
		inputs = append(inputs, `{"root_module":{"resources":[{"address":"a.b","expressions":{"e":`+expr+`,"n":null},"count_expression":`+expr+`}],`+
			`"module_calls":{"m":{"expressions":{"e":`+expr+`},"module":{"outputs":{"o":{"expression":`+expr+`}},"resources":[{"address":"c.d","expressions":{"e":`+expr+`}},{"Address":"x"}]}}}},`+
			`"provider_config":{"aws":{"expressions":{"region":`+expr+`}}}}`)
	}
	inputs = append(inputs, `null`, `{}`, `[]`, `5`, `{"root_module":null}`, `{"root_module":{"resources":[null]}}`,
		`{"root_module":{"resources":[{"expressions":null,"provisioners":[{"type":"x","expressions":{"c":{"constant_value":1}}},null]}]}}`,
		`{"root_module":{"resources":[{"expressions":{"a":{},"a":{"constant_value":1}}}]}}`, `{"root_module":{"resources":[{"expressions":[]}]}}`,
		`{"root_module":{"module_calls":{"m":null},"outputs":{"o":null},"variables":{"v":{"default":1}}},"provider_config":{"p":null}}`)
	for _, in := range inputs {
		var want *tfjson.Config
		werr := json.Unmarshal([]byte(in), &want)
		got, gerr := decodeConfig([]byte(in))
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%.200s: error %v, json.Unmarshal %v", in, gerr, werr)
			continue
		}
		if werr == nil && in != "null" && !reflect.DeepEqual(got, want) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			t.Errorf("%.200s: decoded as %s, json.Unmarshal %s", in, gj, wj)
		}
	}
}
