package cfn

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestIsTemplate(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"version only", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", true},
		{"JSON version", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`, true},
		{"SAM without version", "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n", true},
		{"custom resource only", "Resources:\n  X:\n    Type: Custom::Thing\n", true},
		{"compact JSON", `{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}`, true},
		{"kubernetes manifest", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - resources: {}\n", false},
		{"GitHub workflow", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo Resources\n", false},
		{"Resources without AWS types", "Resources:\n  cpu: 2\n  Type: big\n", false},
		{"empty", "", false},
		{"JSON holding a template (macro event)", `{"requestId": 1, "fragment": {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}}`, false},
		{"JSON template with a BOM", "\xef\xbb\xbf" + `{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}`, true},
		{"malformed JSON template (Load reports it)", `{"Resources": {"B": {"Type": "AWS::S3::Bucket",}}`, true},
		{"binary", "\x00\xff\xfeResources", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTemplate([]byte(tt.src)); got != tt.want {
				t.Errorf("IsTemplate = %v, want %v", got, tt.want)
			}
		})
	}
	for _, f := range testdataTemplates(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !IsTemplate(src) {
			t.Errorf("%s: not detected", filepath.Base(f))
		}
	}
}

// isTemplateDecoded is IsTemplate as it was before topLevelHints: every
// JSON file's top-level keys read by encoding/json.
func isTemplateDecoded(src []byte) bool {
	if len(src) > detectWindow {
		src = src[:detectWindow]
	}
	if !bytes.Contains(src, []byte("AWSTemplateFormatVersion")) && !bytes.Contains(src, []byte("Resources")) {
		return false
	}
	if keys, ok := jsonTopLevelKeys(src); ok {
		if !keys["AWSTemplateFormatVersion"] && !keys["Resources"] {
			return false
		}
	}
	if versionRe.Match(src) {
		return true
	}
	loc := resourcesRe.FindIndex(src)
	return loc != nil && typeRe.Match(src[loc[1]:])
}

var isTemplateSeeds = []string{
	`{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`,
	`{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`,
	`{"fragment": {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, "requestId": "x"}`,
	`{"fragment": {"AWSTemplateFormatVersion": "2010-09-09"}, "x": 1}`,
	`{"Resources" : {"B": {"Type": "AWS::S3::Bucket"}}, }`,
	`{"a": "\"Resources\": {", "Resources": {"B": {"Type": "Custom::X"}}}`,
	`{"Resourc\u0065s": {"B": {"Type": "AWS::S3::Bucket"}}}`,
	`{"x": ["Resources", {"Resources": 1}], "AWSTemplateFormatVersion"` + "\n:" + ` "v"}`,
	"\xef\xbb\xbf {\"AWSTemplateFormatVersion\":\"2010-09-09\"}",
	`{"AWSTemplateFormatVersion": `,
	"AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
	"Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
	"# Resources here\nDescription: x\nResources:\n  B:\n    'Type': \"AWS::S3::Bucket\"\n",
	"x: AWSTemplateFormatVersion\n\"AWSTemplateFormatVersion\" : 1\n",
	"Resources:\n  a: Type\n  B:\n    \"Type\" :\n  Custom::X\n",
	"\u00ef\u00bb\u00bf'AWSTemplateFormatVersion' :",
}

// TestIsTemplateHints checks IsTemplate against the decoding version on
// tricky documents and on every file under testdata.
func TestIsTemplateHints(t *testing.T) {
	check := func(name string, src []byte) {
		if got, want := IsTemplate(src), isTemplateDecoded(src); got != want {
			t.Errorf("%s: IsTemplate %v, decoding version %v", name, got, want)
		}
	}
	for i, s := range isTemplateSeeds {
		check(fmt.Sprintf("seed %d", i), []byte(s))
	}
	n := 0
	err := filepath.WalkDir("../../testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, err := os.ReadFile(p); err == nil {
			check(p, b)
			n++
		}
		return nil
	})
	if err != nil || n < 100 {
		t.Fatalf("walked %d files: %v", n, err)
	}
}

func FuzzIsTemplate(f *testing.F) {
	for _, s := range isTemplateSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, want := IsTemplate(src), isTemplateDecoded(src); got != want {
			t.Errorf("IsTemplate %v, decoding version %v on %q", got, want, src)
		}
	})
}
