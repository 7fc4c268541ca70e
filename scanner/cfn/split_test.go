package cfn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/benchgen"
)

// splitCases are templates whose layout the chunked parse accepts (split
// true) or must refuse (false), each exercising one of splitLayout's
// rules or a construct at the end of a chunk.
var splitCases = []struct {
	name  string
	split bool
	src   string
}{
	{"sections around resources", true, `AWSTemplateFormatVersion: "2010-09-09"
Description: >
  A folded description
  on two lines.
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
Mappings:
  Sizes:
    prod: {Size: 100}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
# a comment before the resources
Resources:   # and one after their key

  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: "true"
      Description: |
        literal
          indented
# a comment at column 1 inside the section

  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    Properties:
      BucketName: !Sub "data-${Env}-${AWS::Region}"
      Size: !FindInMap [Sizes, !Ref Env, Size]
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !GetAtt Key.Arn}
      Note: "a quoted
        scalar on two lines"
      Tags: [{Key: team, Value: "naïve ünïcode"}]
  Topic:
    Type: AWS::SNS::Topic
    Metadata:
      stackgate:
        ignore:
          - rule: sns-encryption
            reason: test
    Properties:
      Body: |-
        stripped

Outputs:
  Arn:
    Value: !GetAtt Bucket.Arn
`},
	{"block scalar ends a chunk", true, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: |\n        text\n\n\n  B:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: >\n        folded\n\n"},
	{"errors in declarations", true, "Resources:\n  A: 5\n  B:\n    Properties: {}\n  C:\n    Type: [x]\n  D:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: !Ref Nope\n      Y: !GetAtt Missing.Arn\n"},
	{"keep chomping", false, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: |+\n        text\n\n  B:\n    Type: AWS::SNS::Topic\n"},
	// Accepted, but A's chunk ends in an open quoted scalar and does not
	// parse: the template is parsed whole.
	{"quoted scalar across a key line", true, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: \"open\n  B: close\"\n"},
	{"duplicate resource", false, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SQS::Queue\n"},
	{"duplicate key in a resource", true, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Topic\n    Type: AWS::SQS::Queue\n"},
	{"alias in a resource", true, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: *a\n"},
	{"anchor", false, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: &p {X: 1}\n  B:\n    Type: AWS::SNS::Topic\n    Properties: *p\n"},
	{"flow resources", false, "Resources: {A: {Type: AWS::SNS::Topic}}\n"},
	{"empty resources", false, "Resources:\nOutputs: {}\n"},
	{"document marker", false, "---\nResources:\n  A:\n    Type: AWS::SNS::Topic\n"},
	{"second document", false, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n---\nResources: {}\n"},
	{"less indented entry", false, "Resources:\n    A:\n      Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Topic\n"},
	{"sequence in resources", false, "Resources:\n  - A\n"},
	{"quoted key", false, "Resources:\n  \"A\":\n    Type: AWS::SNS::Topic\n"},
	{"deep resource", true, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: " + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + "\n"},
	{"bad yaml in a resource", true, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: [1, 2\n"},
	{"no resources section", false, "Parameters:\n  A:\n    Type: String\n"},
	{"unknown section", true, "Resource:\n  X: 1\nResources:\n  A:\n    Type: AWS::SNS::Topic\n"},
	{"pretty.json", true, `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "Env": {"Type": "String", "Default": "prod"}
  },
  "Resources": {
    "Key": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "EnableKeyRotation": "true",
        "Description": "a, b: {c} [d] # e"
      }
    },
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "data-${Env}"},
        "KMSKey": {"Fn::GetAtt": ["Key", "Arn"]}, "Tags": [
      {"Key": "t", "Value": "naïve"}
      ]}
    },
    "Topic": {
      "Type": "AWS::SNS::Topic",
      "Properties": {"X": [1, 2.5, true, null, "s"]}
    }
  },
  "Outputs": {
    "Arn": {"Value": {"Fn::GetAtt": ["Bucket", "Arn"]}}
  }
}
`},
	{"json errors.json", true, "{\n  \"Resources\": {\n    \"A\": 5,\n    \"B\": {\"Type\": \"AWS::SNS::Topic\", \"Properties\": {\"X\": {\"Ref\": \"Nope\"}}}\n  }\n}\n"},
	{"json duplicate.json", false, "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"AWS::SNS::Topic\"},\n    \"A\": {\"Type\": \"AWS::SNS::Topic\"}\n  }\n}\n"},
	{"json duplicate inside.json", true, "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"AWS::SNS::Topic\", \"Type\": \"X\"}\n  }\n}\n"},
	{"json minified.json", false, `{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}`},
	{"json key without space.json", false, "{\n  \"Resources\":{\n    \"A\": {\"Type\": \"AWS::SNS::Topic\"}\n  }\n}\n"},
	{"json empty resources.json", false, "{\n  \"Resources\": {\n  }\n}\n"},
	{"foreach", false, "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::T:\n    - N\n    - [a, b]\n    - Topic${N}:\n        Type: AWS::SNS::Topic\n"},
}

// jsonTemplate is a YAML template of plain values as indented JSON.
func jsonTemplate(t testing.TB, src []byte) []byte {
	var doc any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// splitSources are the templates the chunked parse is compared on: the
// cases above, the testdata templates, the fuzz corpus and generated
// ones.
func splitSources(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range splitCases {
		name := c.name
		if !strings.HasSuffix(name, ".json") {
			name += ".yaml"
		}
		out[name] = []byte(c.src)
	}
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name := p
		if strings.Contains(p, "FuzzLoad") {
			name += ".yaml" // the fuzz target loads them as YAML
		}
		out[name] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out["generated.yaml"] = benchgen.Template(300)
	out["generated.json"] = jsonTemplate(t, benchgen.Template(300))
	out["many.yaml"] = manyResources(100)
	return out
}

// withSplitMin runs f with splitMinBytes set to n.
func withSplitMin(n int, f func()) {
	old := splitMinBytes
	splitMinBytes = n
	defer func() { splitMinBytes = old }()
	f()
}

func stripComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		stripComments(c)
	}
}

// TestSplitTreeMatchesWhole: when splitLayout accepts a template and every
// chunk parses, the chunks' nodes are the whole document's nodes (but
// for comments, which the loader does not read), with the same lines and
// columns.
func TestSplitTreeMatchesWhole(t *testing.T) {
	compared := map[string]bool{}
	withSplitMin(0, func() {
		for _, c := range splitCases {
			_, _, ok := splitLayout([]byte(c.src))
			if strings.HasSuffix(c.name, ".json") {
				_, _, _, ok = splitLayoutJSON([]byte(c.src))
			}
			if ok != c.split {
				t.Errorf("%s: splitLayout = %v, want %v", c.name, ok, c.split)
			}
		}
		for name, src := range splitSources(t) {
			sections, resources, ok := splitLayout(src)
			brace := -1
			if isJSONFile(name) {
				sections, resources, brace, ok = splitLayoutJSON(src)
			}
			if !ok {
				continue
			}
			s, ok := parseSplit(name, src, sections, resources, brace)
			if !ok {
				continue
			}
			sec := mapGet(s.root, "Resources")
			complete := true
			for b := range s.split.batches {
				nodes, ok := s.parseBatch(b, true)
				if !ok {
					complete = false
					break
				}
				sec.Content = append(sec.Content, nodes...)
			}
			if !complete {
				continue
			}
			whole, err := parseWhole(name, src)
			if err != nil {
				t.Errorf("%s: the chunks parse, the whole document does not: %v", name, err)
				continue
			}
			stripComments(whole.root)
			stripComments(s.root)
			if !reflect.DeepEqual(whole.root, s.root) {
				t.Errorf("%s: the chunks' nodes differ from the whole document's", name)
			}
			compared[name] = true
		}
	})
	for _, name := range []string{"generated.yaml", "generated.json", "pretty.json", "many.yaml", "sections around resources.yaml", "block scalar ends a chunk.yaml", "errors in declarations.yaml"} {
		if !compared[name] {
			t.Errorf("%s was not parsed in chunks", name)
		}
	}
	t.Logf("%d templates parsed in chunks", len(compared))
}

// TestSplitLoadMatchesWhole: Load gives the same template, notes and
// errors (with their positions) whether it splits a template or not.
func TestSplitLoadMatchesWhole(t *testing.T) {
	opts := Options{Region: "eu-west-1", Params: map[string]string{"AdminCidr": "10.0.0.0/8"}}
	for name, src := range splitSources(t) {
		var split, whole *Template
		var splitErr, wholeErr error
		withSplitMin(0, func() { split, splitErr = Load(name, src, opts) })
		withSplitMin(math.MaxInt, func() { whole, wholeErr = Load(name, src, opts) })
		if !reflect.DeepEqual(split, whole) || !reflect.DeepEqual(splitErr, wholeErr) {
			t.Errorf("%s: split and whole loads differ:\nsplit: %v\nwhole: %v", name, splitErr, wholeErr)
		}
	}
}

// TestLeafSharing: in a large template, equal mappings of scalars are one
// map, and mappings that differ only in a value's type are not.
func TestLeafSharing(t *testing.T) {
	var tpl *Template
	var err error
	src := []byte("Resources:\n" +
		"  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration: {Status: Enabled}\n      Other: [{N: \"1\"}]\n" +
		"  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration: {Status: Enabled}\n      Other: [{N: 1}]\n")
	withSplitMin(0, func() { tpl, err = Load("t.yaml", src, Options{}) })
	if err != nil {
		t.Fatal(err)
	}
	a, b := tpl.Resources[0].Properties, tpl.Resources[1].Properties
	va, vb := a["VersioningConfiguration"].(map[string]any), b["VersioningConfiguration"].(map[string]any)
	if reflect.ValueOf(va).UnsafePointer() != reflect.ValueOf(vb).UnsafePointer() {
		t.Error("equal VersioningConfiguration mappings are two maps")
	}
	// Other has no declared type: "1" stays a string, 1 an integer.
	oa, ob := a["Other"].([]any)[0].(map[string]any), b["Other"].([]any)[0].(map[string]any)
	if reflect.ValueOf(oa).UnsafePointer() == reflect.ValueOf(ob).UnsafePointer() {
		t.Errorf("%#v and %#v are one map", oa, ob)
	}
	for _, pair := range [][2]any{{"true", true}, {int64(1), 1.0}, {"1", int64(1)}, {nil, ""}, {0.0, -0.0 * -1}} {
		ka, _ := leafKey(nil, []leafField{{"k", pair[0]}})
		kb, _ := leafKey(nil, []leafField{{"k", pair[1]}})
		if string(ka) == string(kb) && !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%#v and %#v have one key %q", pair[0], pair[1], ka)
		}
	}
}

// FuzzSplit: on any input, Load gives the same template and errors
// whether it may split the template or not.
func FuzzSplit(f *testing.F) {
	for _, c := range splitCases {
		f.Add([]byte(c.src))
	}
	f.Add(manyResources(3))
	f.Add(jsonTemplate(f, benchgen.Template(3)))
	f.Fuzz(func(t *testing.T, src []byte) {
		opts := Options{Region: "us-east-1", MaxBytes: 1 << 20}
		name := "fuzz.yaml"
		if len(src) > 0 && src[0] == '{' {
			name = "fuzz.json" // the JSON layout starts with its brace
		}
		var split, whole *Template
		var splitErr, wholeErr error
		withSplitMin(0, func() { split, splitErr = Load(name, src, opts) })
		withSplitMin(math.MaxInt, func() { whole, wholeErr = Load(name, src, opts) })
		if !reflect.DeepEqual(split, whole) || !reflect.DeepEqual(splitErr, wholeErr) {
			t.Fatalf("split and whole loads differ:\nsplit: %v\nwhole: %v", splitErr, wholeErr)
		}
	})
}
