package policies

import (
	"context"
	"fmt"
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
		if _, err := q.Eval(ctx, rego.EvalParsedInput(inputValue(doc, nil))); err != nil {
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
