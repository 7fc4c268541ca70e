package cfn

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/policies/model"
)

// firstError returns the first *model.Error of err (a *model.Error or an
// ErrorList).
func firstError(t *testing.T, err error) *model.Error {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not a *model.Error", err, err)
	}
	return me
}

func billionLaughs() []byte {
	var b bytes.Buffer
	b.WriteString("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "      a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return b.Bytes()
}

func deepNesting(n int, flow bool) []byte {
	var b bytes.Buffer
	b.WriteString("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: ")
	if flow {
		b.WriteString(strings.Repeat("[", n))
		b.WriteString(strings.Repeat("]", n))
	} else {
		b.WriteString("\n        ")
		b.WriteString(strings.Repeat("- ", n))
		b.WriteString("x")
	}
	b.WriteString("\n")
	return b.Bytes()
}

func manyResources(n int) []byte {
	var b bytes.Buffer
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {Type: String, Default: prod}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  Key%[1]d:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: "true"
  Bucket%[1]d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "data-${Env}-%[1]d"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: !If [IsProd, "aws:kms:dsse", AES256]
              KMSMasterKeyID: !GetAtt Key%[1]d.Arn
      VersioningConfiguration: {Status: Enabled}
      Tags: [{Key: team, Value: data}]
`, i)
	}
	return b.Bytes()
}

// TestHostileInput: every hostile template is rejected (or loaded) with a
// clear error naming the line, quickly.
func TestHostileInput(t *testing.T) {
	big := make([]byte, 50<<20)
	for i := range big {
		big[i] = ' '
	}
	tests := []struct {
		name     string
		src      []byte
		opts     Options
		wantLine int
		wantMsg  string
	}{
		{"billion laughs", billionLaughs(), Options{}, 6, "CloudFormation does not support YAML anchors and aliases"},
		{"alias to a scalar", []byte("Resources:\n  A:\n    Type: &t AWS::S3::Bucket\n  B:\n    Type: *t\n"), Options{}, 5, "YAML alias *t"},
		{"10,000-deep flow nesting", deepNesting(10000, true), Options{}, 5, "nesting exceeds the limit of 128 levels"},
		{"10,000-deep block nesting", deepNesting(10000, false), Options{}, 6, "nesting exceeds the limit of 128 levels"},
		{"200-deep nesting", deepNesting(200, true), Options{}, 5, "nesting exceeds the limit of 128 levels"},
		{"50 MB template", big, Options{}, 0, "template is 52428800 bytes, over the limit of 16777216 bytes (16 MiB)"},
		{"custom size limit", []byte("Resources: {}\n" + strings.Repeat("#", 2000)), Options{MaxBytes: 1024}, 0, "over the limit of 1024 bytes (1 KiB)"},
		{"invalid UTF-8", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: caf\xe9\n"), Options{}, 5, "invalid UTF-8 byte 0xe9"},
		{"duplicate keys", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n  C:\n    Type: AWS::SQS::Queue\n  B:\n    Type: AWS::SNS::Topic\n"), Options{}, 6, `duplicate key "B" (first defined on line 2, again on line 6)`},
		{"non-map top level", []byte("- AWSTemplateFormatVersion\n- Resources\n"), Options{}, 1, "template must be a mapping of sections"},
		{"scalar top level", []byte("just text\n"), Options{}, 1, "template must be a mapping of sections"},
		{"empty", []byte("# nothing\n"), Options{}, 0, "template is empty"},
		{"two documents", []byte("Resources: {}\n---\nResources: {}\n"), Options{}, 2, "more than one YAML document"},
		{"no Resources", []byte("AWSTemplateFormatVersion: '2010-09-09'\n"), Options{}, 1, "template has no Resources section"},
		{"Resources not a map", []byte("Resources:\n  - Type: AWS::S3::Bucket\n"), Options{}, 2, "Resources must be a mapping"},
		{"resource without Type", []byte("Resources:\n  Bucket:\n    Properties: {}\n"), Options{}, 2, "resource Bucket has no Type"},
		{"resource not a map", []byte("Resources:\n  Bucket: AWS::S3::Bucket\n"), Options{}, 2, "resource Bucket must be a mapping"},
		{"Select with one argument", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Select [0]\n"), Options{}, 5, "Fn::Select takes 2 arguments, got 1"},
		{"Select out of range", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Select [3, [a, b]]\n"), Options{}, 5, "index 3 is out of range for a list of 2 items"},
		{"If with two arguments", []byte("Conditions:\n  C: !Equals [a, a]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !If [C, x]\n"), Options{}, 7, "Fn::If takes 3 arguments, got 2"},
		{"Join not a list", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Join x\n"), Options{}, 5, "Fn::Join takes a list of 2 arguments, not a scalar"},
		{"Ref to nothing", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Missing\n"), Options{}, 5, "Ref to Missing, which is not a parameter or resource"},
		{"GetAtt to nothing", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !GetAtt Missing.Arn\n"), Options{}, 5, "Fn::GetAtt refers to Missing"},
		{"Sub with unknown variable", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub ${Nope}-x\n"), Options{}, 5, "Fn::Sub refers to ${Nope}"},
		{"unknown tag", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Reference X\n"), Options{}, 5, "unknown tag !Reference"},
		{"unknown function", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {Fn::Concat: [a, b]}\n"), Options{}, 5, "unknown intrinsic function Fn::Concat"},
		{"condition cycle", []byte("Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: A\n"), Options{}, 3, "depends on itself"},
		{"undefined condition", []byte("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: Nope\n"), Options{}, 4, "condition Nope is not defined"},
		{"condition refers to a resource", []byte("Conditions:\n  A: !Equals [!Ref Q, x]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"), Options{}, 2, "conditions cannot refer to resource Q"},
		{"Equals in properties", []byte("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      FifoQueue: !Equals [a, a]\n"), Options{}, 5, "Fn::Equals can be used only in the Conditions section"},
		{"bad Number parameter", []byte("Parameters:\n  N:\n    Type: Number\n    Default: lots\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"), Options{}, 4, "parameter N: its Default is not a valid Number"},
		{"value not allowed", []byte("Parameters:\n  E:\n    Type: String\n    AllowedValues: [dev, prod]\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"), Options{Params: map[string]string{"E": "test"}}, 2, "not one of its AllowedValues"},
		{"merge key", []byte("Resources:\n  Q:\n    <<: {Type: AWS::SQS::Queue}\n"), Options{}, 3, "merge keys"},
		{"invalid YAML", []byte("Resources:\n  Q:\n    Type: @x\n"), Options{}, 3, "invalid YAML: found character that cannot start any token"},
		{"FindInMap missing mapping", []byte("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !FindInMap [M, a, b]\n"), Options{}, 5, "mapping M is not defined in Mappings"},
		{"Cidr count too large", []byte("Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: !Select [0, !Cidr [10.0.0.0/24, 4096, 2]]\n"), Options{}, 5, "the count must be an integer from 1 to 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			tpl, err := Load("hostile.yaml", tt.src, tt.opts)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if err == nil {
				t.Fatalf("want error containing %q, got %d resources", tt.wantMsg, len(tpl.Resources))
			}
			me := firstError(t, err)
			if me.File != "hostile.yaml" || me.Line != tt.wantLine || !strings.Contains(me.Message, tt.wantMsg) {
				t.Errorf("got %v (line %d), want line %d and message containing %q", err, me.Line, tt.wantLine, tt.wantMsg)
			}
		})
	}
}

// TestManyResources: a template with 5,000 resources loads fine.
func TestManyResources(t *testing.T) {
	src := manyResources(2500)
	tpl, err := Load("big.yaml", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.Resources) != 5000 {
		t.Fatalf("got %d resources", len(tpl.Resources))
	}
	last := tpl.Resources[4999]
	if got, _ := model.Lookup(last.Properties, "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"); got != "aws:kms:dsse" {
		t.Errorf("SSEAlgorithm = %v", got)
	}
	if ref := last.References["BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID"]; ref.Address != "Key2499" || ref.Type != "AWS::KMS::Key" {
		t.Errorf("reference %+v", ref)
	}
}

// TestExpansionBudget: a small template that multiplies values through
// Mappings is stopped by the value budget, not by running out of memory.
func TestExpansionBudget(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("Mappings:\n  M:\n    k:\n      v: [")
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("x")
	}
	b.WriteString("]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      L:\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("        - !FindInMap [M, k, v]\n")
	}
	start := time.Now()
	_, err := Load("bomb.yaml", b.Bytes(), Options{})
	if err == nil || !strings.Contains(err.Error(), "template expands to more than") {
		t.Fatalf("want expansion error, got %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

// TestMinifiedJSON: a large single-line JSON template (as generated by
// tools) loads quickly; positions on one long line must not be quadratic.
func TestMinifiedJSON(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"Resources":{`)
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"Q%d":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"q-é-%d","VisibilityTimeout":"30"}}`, i, i)
	}
	b.WriteString(`}}`)
	start := time.Now()
	tpl, err := Load("min.json", b.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	last := tpl.Resources[4999]
	rg := last.Origin.AllPaths()["QueueName"]
	if got := string(b.Bytes()[rg.Start.Byte:rg.End.Byte]); got != `"q-é-4999"` || rg.Start.Line != 1 {
		t.Errorf("range %+v covers %q", rg, got)
	}
	if pre := b.Bytes()[:rg.Start.Byte]; rg.Start.Column != len([]rune(string(pre)))+1 {
		t.Errorf("column %d is not counted in code points", rg.Start.Column)
	}
	if last.Properties["VisibilityTimeout"] != int64(30) {
		t.Errorf("VisibilityTimeout = %#v", last.Properties["VisibilityTimeout"])
	}
}
