package cfn

import (
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
