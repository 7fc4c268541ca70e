package plan

import (
	"encoding/json"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackgate/stackgate/policies/model"
)

func TestDiffPaths(t *testing.T) {
	obj := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, a, b string
		unknown    []string
		want       []string
	}{
		{"equal", `{"a": 1, "t": {"x": "y"}}`, `{"a": 1, "t": {"x": "y"}}`, nil, []string{}},
		{"scalar", `{"a": 1}`, `{"a": 2}`, nil, []string{"a"}},
		{"null to empty is no change", `{"tags": null}`, `{"tags": {}}`, nil, []string{}},
		{"map key added and changed", `{"tags": {"a": "1"}}`, `{"tags": {"a": "2", "b": "3"}}`, nil, []string{"tags.a", "tags.b"}},
		{"nested block", `{"rule": [{"d": [{"alg": "AES256"}]}]}`, `{"rule": [{"d": [{"alg": "aws:kms"}]}]}`, nil, []string{"rule[0].d[0].alg"}},
		{"scalar list grows", `{"ids": ["a"]}`, `{"ids": ["a", "b"]}`, nil, []string{"ids[1]"}},
		{"set of blocks: added element only", `{"in": [{"p": 1}]}`, `{"in": [{"p": 2}, {"p": 1}]}`, nil, []string{"in[0].p"}},
		{"kind change", `{"a": "x"}`, `{"a": {"b": "c"}}`, nil, []string{"a", "a.b"}},
		{"collection to scalar without leaves", `{"a": {}}`, `{"a": "x"}`, nil, []string{"a"}},
		{"becomes unknown", `{"arn": "x", "id": "i"}`, `{"id": "i"}`, []string{"arn"}, []string{"arn"}},
		{"create", `null`, `{"a": 1, "b": null}`, []string{"id"}, []string{"a", "id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.DiffPaths(normalize(obj(tt.a)), normalize(obj(tt.b)), tt.unknown)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]any{
		`5`: int64(5), `5.0`: int64(5), `5.5`: 5.5, `-3`: int64(-3), `1e400`: "1e400", `9223372036854775808`: 9.223372036854776e18,
	} {
		if got := normalize(json.Number(in)); got != want {
			t.Errorf("%s: %#v, want %#v", in, got, want)
		}
	}
}

func TestReplacePaths(t *testing.T) {
	raw := []any{[]any{"bucket"}, []any{"rule", json.Number("0"), "x"}, []any{"bucket"}, "junk", []any{}, []any{"a", true, "b"}}
	want := []string{"a", "bucket", "rule[0].x"}
	if got := replacePaths(raw); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseModule(t *testing.T) {
	tests := []struct {
		in   string
		want []modStep
		ok   bool
	}{
		{"", nil, true},
		{"module.a", []modStep{{"a", ""}}, true},
		{`module.a["x.y]"].module.b[0]`, []modStep{{"a", `["x.y]"]`}, {"b", "[0]"}}, true},
		{`module.a["x\"]"]`, []modStep{{"a", `["x\"]"]`}}, true},
		{"mod.a", nil, false},
		{"module.a.", nil, false},
		{"module.", nil, false},
		{`module.a["x`, nil, false},
		{"module.a[0]x", nil, false},
	}
	for _, tt := range tests {
		got, ok := parseModule(tt.in)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("%q: %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && moduleAddr(got) != tt.in+map[bool]string{true: ".", false: ""}[tt.in != ""] {
			t.Errorf("%q: round trip %q", tt.in, moduleAddr(got))
		}
	}
}

func TestParseRefTarget(t *testing.T) {
	tests := []struct {
		in   string
		want refTarget
		ok   bool
	}{
		{"aws_kms_key.data.arn", refTarget{"aws_kms_key", "data", "", "arn"}, true},
		{"aws_kms_key.data", refTarget{"aws_kms_key", "data", "", ""}, true},
		{`aws_kms_key.k["a.b"].arn`, refTarget{"aws_kms_key", "k", `["a.b"]`, "arn"}, true},
		{"aws_subnet.s[0].id", refTarget{"aws_subnet", "s", "[0]", "id"}, true},
		{"aws_x.y.block[0].attr", refTarget{"aws_x", "y", "", "block"}, true},
		{"var.x", refTarget{}, false},
		{"data.aws_iam_policy_document.p.json", refTarget{}, false},
		{"module.m.out", refTarget{}, false},
		{"each.key", refTarget{}, false},
		{"aws_x", refTarget{}, false},
		{`aws_x.y["open`, refTarget{}, false},
	}
	for _, tt := range tests {
		got, ok := parseRefTarget(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%q: %+v %v, want %+v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsSet(t *testing.T) {
	var exprs map[string]*tfjson.Expression
	src := `{
	  "tags": {"constant_value": {"owner": "a"}},
	  "bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]},
	  "nothing": {"constant_value": null},
	  "rule": [{"apply": [{"sse_algorithm": {"constant_value": "aws:kms"}}]}],
	  "ingress": {"constant_value": [{"from_port": 1, "description": null}, {"from_port": 2, "description": "d"}]}
	}`
	if err := json.Unmarshal([]byte(src), &exprs); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"tags": true, "tags.owner": true, "tags.other": false,
		"bucket": true, "bucket.anything": true,
		"nothing": false, "missing": false,
		"rule[0].apply[0].sse_algorithm": true, "rule[0].apply[0].kms_master_key_id": false,
		"rule[0].bucket_key_enabled": false, "rule[3].apply[0].sse_algorithm": true,
		"ingress[5].from_port": true, "ingress[0].description": true, "ingress[0].self": false,
		"": true,
	} {
		if got := isSet(exprs, path); got != want {
			t.Errorf("isSet(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestResolveCountKeys(t *testing.T) {
	rv := &resolver{cfg: indexConfig(nil), instances: map[string]bool{"aws_kms_key.k[1]": true, "aws_kms_key.one": true}}
	tests := []struct {
		refs []string
		key  string
		want string
		ok   bool
	}{
		{[]string{"aws_kms_key.k", "count.index"}, "[1]", "aws_kms_key.k[1]", true},
		{[]string{"aws_kms_key.k", "count.index"}, "[7]", "aws_kms_key.k", true},
		{[]string{"aws_kms_key.one.arn", "aws_kms_key.one"}, "[1]", "aws_kms_key.one", true},
		{[]string{`aws_kms_key.k[0].arn`}, "", "aws_kms_key.k[0]", true},
		{[]string{"aws_kms_key.one.arn", "aws_kms_key.k.arn"}, "", "", false},
		{[]string{"aws_kms_key.one.arn", "local.x"}, "", "", false},
		{[]string{"var.x"}, "", "", false}, // a root variable has a value
	}
	for _, tt := range tests {
		ref, ok := rv.resolve(tt.refs, refScope{key: tt.key}, 0)
		if ok != tt.ok || ref.Address != tt.want {
			t.Errorf("%q key %q: %+v %v, want %q %v", tt.refs, tt.key, ref, ok, tt.want, tt.ok)
		}
	}
}

// TestDiffLargeSets: matching lists by value is quadratic, so lists far
// larger than any real resource's fall back to comparing by index.
func TestDiffLargeSets(t *testing.T) {
	var a, b []any
	for i := range 20000 {
		a = append(a, map[string]any{"p": int64(i)})
		if i > 0 {
			b = append(b, map[string]any{"p": int64(i)})
		}
	}
	got := model.DiffPaths(map[string]any{"in": a}, map[string]any{"in": b}, nil)
	if len(got) != 20000 {
		t.Errorf("%d changed paths, want 20000 (index-wise)", len(got))
	}
}

// TestCreatedPathsIsDiffPaths checks that createdPaths lists what
// model.DiffPaths lists for a resource with nothing before it.
func TestCreatedPathsIsDiffPaths(t *testing.T) {
	tests := []struct {
		after   string
		unknown []string
	}{
		{`null`, nil},
		{`{}`, nil},
		{`null`, []string{""}},
		{`{"a": 1, "b": null, "c": {}, "d": [], "e": [null, 2]}`, []string{"id", "a"}},
		{`{"t": {"a.b": "x", "a": {"b": "y"}}, "l": [{"x": [1, {"y": false}]}]}`, []string{"t.a.b", "l[0].x[1].z", ""}},
		{`{"": 1, "k": {"": "v"}}`, []string{"k."}},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.after), &v); err != nil {
			t.Fatal(err)
		}
		after := asObject(normalize(v))
		got := createdPaths(after, tt.unknown)
		want := model.DiffPaths(map[string]any(nil), after, tt.unknown)
		if !slices.Equal(got, want) || got == nil {
			t.Errorf("%s %q: got %q, want %q", tt.after, tt.unknown, got, want)
		}
	}
}
