package workspace

import (
	"strings"
	"testing"
)

func TestMaskSecrets(t *testing.T) {
	sources := map[string][]byte{
		"root/main.tf": []byte(`variable "secret" {
  sensitive = true
  default   = "s3cr3t-default"
}
variable "heredoc" {
  sensitive = true
  default   = <<EOT
line-one-secret
EOT
}
variable "plain" { default = "visible-default" }
module "m" {
  source   = "./m"
  token    = "s3cr3t-module"
  secret   = var.secret
}
output "o" {
  value     = "s3cr3t-output"
  sensitive = true
}
`),
		"root/m/vars.tf.json": []byte(`{"variable": {"token": {"sensitive": true, "default": "s3cr3t-json"}}}`),
		// The word spelled with a JSON escape is still the attribute.
		"root/e/vars.tf.json": []byte(`{"variable": {"key": {"sens\u0069tive": true, "default": "s3cr3t-escaped"}}}`),
		// Nothing sensitive: the file is not parsed for masking at all.
		"root/plain.tf": []byte(`variable "open" { default = "visible-plain" }`),
	}
	for _, tc := range []struct {
		file, src string
		hidden    []string
		shown     []string
	}{
		{file: "root/main.tf", src: string(sources["root/main.tf"]),
			hidden: []string{"s3cr3t-default", "line-one-secret", "s3cr3t-module", "s3cr3t-output"},
			shown:  []string{"visible-default", "secret   = var.secret", `"./m"`}},
		{file: "root/m/vars.tf.json", src: string(sources["root/m/vars.tf.json"]), hidden: []string{"s3cr3t-json"}},
		{file: "root/e/vars.tf.json", src: string(sources["root/e/vars.tf.json"]), hidden: []string{"s3cr3t-escaped"}},
		{file: "root/plain.tf", src: string(sources["root/plain.tf"]), shown: []string{"visible-plain"}},
		{file: "root/key.tfvars", src: "key = \"s3cr3t-escaped-tfvars\"\n", hidden: []string{"s3cr3t-escaped-tfvars"}},
		{file: "root/terraform.tfvars", src: "secret = \"s3cr3t-tfvars\"\nplain = \"visible-tfvars\"\n",
			hidden: []string{"s3cr3t-tfvars"}, shown: []string{"visible-tfvars"}},
		{file: "t.yaml", src: "Parameters:\n  P:\n    Type: String\n    NoEcho: true\n    Default: s3cr3t-yaml # note\n  Q:\n    Type: String\n    Default: visible-yaml\n  L:\n    Type: CommaDelimitedList\n    NoEcho: 'true'\n    Default: [\"s3cr3t-a\", s3cr3t-b]\n  B:\n    Type: String\n    NoEcho: true\n    Default: |\n      s3cr3t-block\n      s3cr3t-block2\nResources: {}\n",
			hidden: []string{"s3cr3t-yaml", "s3cr3t-a", "s3cr3t-b", "s3cr3t-block"}, shown: []string{"visible-yaml", "# note", "Resources: {}"}},
		{file: "t.json", src: `{"Parameters": {"P": {"Type": "String", "NoEcho": "true", "Default": "s3cr3t-\"json"}}, "Resources": {}}`,
			hidden: []string{"s3cr3t"}, shown: []string{`"Resources": {}`}},
		{file: "plan.json", src: `{"format_version":"1.2","terraform_version":"1.11.4","variables":{"v":{"value":"s3cr3t-var"},"w":{"value":"visible-var"}},` +
			`"resource_changes":[{"address":"a","change":{"after":{"tags":{"k":"s3cr3t-tag","n":"visible-tag"}},"after_sensitive":{"tags":{"k":true}}}}],` +
			`"configuration":{"root_module":{"variables":{"v":{"sensitive":true},"w":{}}}}}`,
			hidden: []string{"s3cr3t-var", "s3cr3t-tag"}, shown: []string{"visible-var", "visible-tag"}},
	} {
		read := func(f string) ([]byte, error) { return []byte(tc.src), nil }
		got, err := maskedSources(sources, read)(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range tc.hidden {
			if strings.Contains(string(got), h) {
				t.Errorf("%s: %q shown:\n%s", tc.file, h, got)
			}
		}
		for _, s := range tc.shown {
			if !strings.Contains(string(got), s) {
				t.Errorf("%s: %q masked:\n%s", tc.file, s, got)
			}
		}
		if strings.Count(string(got), "\n") != strings.Count(tc.src, "\n") || len([]rune(string(got))) != len([]rune(tc.src)) {
			t.Errorf("%s: masking moved text:\n%s", tc.file, got)
		}
	}
}

// maskSpansCases are texts and spans where masking is easy to get wrong:
// spans that overlap, touch, hold line breaks or quotes, start or end
// inside a multi-byte character, or fall outside the text.
var maskSpansCases = []struct {
	src   string
	spans []span
}{
	{`{"a":"secret","b":"x"}`, []span{{5, 13}}},
	{"key = \"héllo wörld\"\nnext", []span{{6, 20}}},
	{"αβγδε\r\nζηθ", []span{{1, 9}, {3, 12}, {0, 2}}},
	{"日本語のテキスト", []span{{2, 7}, {7, 8}, {20, 24}}},
	{"'quoted'", []span{{0, 8}}},
	{`""`, []span{{0, 2}}},
	{"abc", []span{{-1, 2}, {2, 9}, {2, 2}}},
	{"line one\nline two\n", []span{{5, 14}, {10, 12}, {0, 18}}},
}

// TestMaskSpans: masking copies the text between spans and masks only
// inside them, as the character-by-character version does.
func TestMaskSpans(t *testing.T) {
	for _, c := range maskSpansCases {
		got := maskSpans([]byte(c.src), c.spans)
		want := maskSpansDecoding([]byte(c.src), c.spans)
		if string(got) != string(want) {
			t.Errorf("maskSpans(%q, %v) = %q, want %q", c.src, c.spans, got, want)
		}
	}
	if got := string(maskSpans([]byte(`{"a":"secret"}`), []span{{5, 13}})); got != `{"a":"******"}` {
		t.Errorf("a quoted value: %q", got)
	}
}

// FuzzMaskSpans checks maskSpans against maskSpansDecoding on any text and
// spans (taken from pairs of bytes of the second input).
func FuzzMaskSpans(f *testing.F) {
	for _, c := range maskSpansCases {
		var b []byte
		for _, s := range c.spans {
			b = append(b, byte(s.start), byte(s.end))
		}
		f.Add([]byte(c.src), b)
	}
	f.Fuzz(func(t *testing.T, src, bounds []byte) {
		var spans []span
		for i := 0; i+1 < len(bounds); i += 2 {
			spans = append(spans, span{int(bounds[i]) - 8, int(bounds[i+1]) - 8})
		}
		got := maskSpans(src, spans)
		want := maskSpansDecoding(src, spans)
		if string(got) != string(want) {
			t.Fatalf("maskSpans(%q, %v) = %q, want %q", src, spans, got, want)
		}
	})
}
