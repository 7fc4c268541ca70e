package policies

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/stackgate/stackgate/policies/model"
)

// benchDocument builds a document of n resources shaped like a real stack:
// buckets (half compliant), keys, security groups and launch templates.
func benchDocument(n int) *model.Document {
	doc := &model.Document{Environment: model.Environment{Name: "bench"}}
	for i := 0; len(doc.Resources) < n; i++ {
		alg := "aws:kms"
		if i%2 == 1 {
			alg = "AES256"
		}
		doc.Resources = append(doc.Resources,
			model.Resource{Address: fmt.Sprintf("Bucket%d", i), Type: "AWS::S3::Bucket", Origin: model.Origin{Layer: model.LayerCloudFormation, File: "bench.yaml"},
				Properties: map[string]any{
					"BucketName": fmt.Sprintf("bucket-%d", i),
					"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
						map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": alg, "KMSMasterKeyID": "${Key.Arn}"}, "BucketKeyEnabled": true},
					}},
					"VersioningConfiguration":        map[string]any{"Status": "Enabled"},
					"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": i%3 != 0},
					"Tags":                           []any{map[string]any{"Key": "data-classification", "Value": "internal"}},
				},
				References: map[string]model.Reference{"BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID": {Address: fmt.Sprintf("Key%d", i), Type: "AWS::KMS::Key", Attribute: "Arn"}},
			},
			model.Resource{Address: fmt.Sprintf("Key%d", i), Type: "AWS::KMS::Key", Origin: model.Origin{Layer: model.LayerCloudFormation, File: "bench.yaml"},
				Properties: map[string]any{"EnableKeyRotation": i%4 != 0, "KeyPolicy": map[string]any{"Version": "2012-10-17"}}},
			model.Resource{Address: fmt.Sprintf("Sg%d", i), Type: "AWS::EC2::SecurityGroup", Origin: model.Origin{Layer: model.LayerCloudFormation, File: "bench.yaml"},
				Properties: map[string]any{"GroupDescription": "web", "SecurityGroupIngress": []any{
					map[string]any{"IpProtocol": "tcp", "FromPort": int64(443), "ToPort": int64(443), "CidrIp": "0.0.0.0/0"},
					map[string]any{"IpProtocol": "tcp", "FromPort": int64(22), "ToPort": int64(22), "CidrIp": "10.0.0.0/8"},
				}}},
			model.Resource{Address: fmt.Sprintf("Lt%d", i), Type: "AWS::EC2::LaunchTemplate", Origin: model.Origin{Layer: model.LayerCloudFormation, File: "bench.yaml"},
				Properties: map[string]any{"LaunchTemplateData": map[string]any{"MetadataOptions": map[string]any{"HttpTokens": "required"}}}},
		)
	}
	doc.Resources = doc.Resources[:n]
	return doc
}

// BenchmarkEvaluate measures whole-document evaluation with the default
// rules and queries prepared once; run with -cpu 1 for the one-core figure.
func BenchmarkEvaluate(b *testing.B) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			doc := benchDocument(n)
			ctx := context.Background()
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				doc.Environment.Rules = nil
				if _, err := e.Evaluate(ctx, doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
			// On a shared machine wall time is noisy; the process CPU time
			// (user + system, GC included) per resource is not.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/float64(n), "cpu-ns/resource")
		})
	}
}

// unitDocuments builds n small documents shaped like the units of a scan of
// a template repository: a few resources each, most of types no default rule
// is about, some with values not known statically (parameters without a
// default), an instance or a bucket now and then.
func unitDocuments(n int) []*model.Document {
	origin := model.Origin{Layer: model.LayerCloudFormation, File: "unit.yaml"}
	var docs []*model.Document
	for i := range n {
		doc := &model.Document{Environment: model.Environment{Name: "bench"}}
		add := func(r model.Resource) {
			r.Address = fmt.Sprintf("%s%d", r.Type[strings.LastIndex(r.Type, ":")+1:], len(doc.Resources))
			r.Origin = origin
			doc.Resources = append(doc.Resources, r)
		}
		add(model.Resource{Type: "AWS::IAM::Role", Properties: map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}},
			"Policies":                 []any{map[string]any{"PolicyName": "p", "PolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": []any{"s3:GetObject"}, "Resource": "*"}}}}},
		}})
		add(model.Resource{Type: "AWS::Lambda::Function", Properties: map[string]any{"Runtime": "python3.12", "Handler": "index.handler", "Code": map[string]any{"ZipFile": "def handler(e, c): pass"}},
			UnknownPaths: []model.Unknown{{Path: "Role", Reason: "a reference"}, {Path: "Environment.Variables.TABLE", Reason: "parameter Table has no value"}}})
		add(model.Resource{Type: "AWS::SNS::Topic", Properties: map[string]any{"TopicName": "t"}})
		docs = append(docs, doc)
		switch i % 4 {
		case 0:
			add(model.Resource{Type: "AWS::EC2::Instance", Properties: map[string]any{"InstanceType": "t3.micro", "Tags": []any{map[string]any{"Key": "Name", "Value": "x"}}},
				UnknownPaths: []model.Unknown{{Path: "ImageId", Reason: "parameter ImageId has no value"}, {Path: "KeyName", Reason: "parameter KeyName has no value"}, {Path: "SubnetId", Reason: "parameter Subnet has no value"}}})
			add(model.Resource{Type: "AWS::EC2::SecurityGroup", Properties: map[string]any{"GroupDescription": "web", "SecurityGroupIngress": []any{
				map[string]any{"IpProtocol": "tcp", "FromPort": int64(80), "ToPort": int64(80), "CidrIp": "0.0.0.0/0"},
				map[string]any{"IpProtocol": "tcp", "FromPort": int64(22), "ToPort": int64(22)},
			}}, UnknownPaths: []model.Unknown{{Path: "VpcId", Reason: "parameter VpcId has no value"}, {Path: "SecurityGroupIngress[1].CidrIp", Reason: "parameter SSHLocation has no value"}}})
		case 1:
			add(model.Resource{Type: "AWS::S3::Bucket", Properties: map[string]any{"VersioningConfiguration": map[string]any{"Status": "Enabled"}},
				UnknownPaths: []model.Unknown{{Path: "BucketName", Reason: "parameter BucketName has no value"}}})
		}
	}
	return docs
}

// BenchmarkEvaluateUnits measures a scan's many small evaluations, one per
// unit (template), with the default rules; see unitDocuments.
func BenchmarkEvaluateUnits(b *testing.B) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	docs := unitDocuments(300)
	n := 0
	for _, d := range docs {
		n += len(d.Resources)
	}
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, doc := range docs {
			doc.Environment.Rules = nil
			if _, err := e.Evaluate(ctx, doc); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/float64(n), "cpu-ns/resource")
}

// BenchmarkEvaluateUnprepared is the baseline the engine design is measured
// against: compiling the modules and preparing the query for every
// evaluation, what a naive "compile per file" integration does.
func BenchmarkEvaluateUnprepared(b *testing.B) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	doc := benchDocument(100)
	doc.Environment.Rules = e.DefaultRules()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		pq := &preparedQuery{}
		for id := range doc.Environment.Rules {
			pq.rules = append(pq.rules, e.byID[id])
		}
		refs := ""
		for i, r := range pq.rules {
			if i > 0 {
				refs += ", "
			}
			refs += r.rule.Package + ".deny"
		}
		opts := []func(*rego.Rego){rego.Query("out := [" + refs + "]")}
		for _, m := range e.set.modules {
			opts = append(opts, rego.ParsedModule(m))
		}
		q, err := rego.New(opts...).PrepareForEval(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := q.Eval(ctx, rego.EvalParsedInput(inputValue(doc, nil, nil))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
}

// cpuTime is the user + system CPU time of the process so far, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkInputValue measures building the rule input of one chunk
// (inputValue), the part of an evaluation spent before OPA runs.
func BenchmarkInputValue(b *testing.B) {
	doc := benchDocument(defaultChunkSize)
	b.ReportAllocs()
	for b.Loop() {
		inputValue(doc, nil, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(doc.Resources)), "ns/resource")
}

// BenchmarkNew measures loading and compiling the built-in rules: a cost
// every command, the language server's first diagnostics and the hook's
// cold start pay once.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
