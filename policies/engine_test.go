package policies

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stackgate/stackgate/policies/model"
)

func TestEvaluateLocatesFindings(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	algPath := "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"
	rng := func(line int) model.Range {
		return model.Range{Start: model.Pos{Line: line, Column: 5}, End: model.Pos{Line: line, Column: 11}}
	}
	doc := &model.Document{
		Environment: model.Environment{Name: "dev", Rules: map[string]map[string]any{"s3-encryption-kms": {}}},
		Resources: []model.Resource{
			{
				Address: "Plain", Type: "AWS::S3::Bucket",
				Properties: map[string]any{"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
					map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
				}}},
				Origin: model.Origin{Layer: model.LayerCloudFormation, File: "t.yaml", NameRange: rng(3), Paths: map[string]model.Range{algPath: rng(9)}},
			},
			{
				Address: "Param", Type: "AWS::S3::Bucket",
				Properties: map[string]any{"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
					map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": nil}},
				}}},
				UnknownPaths: []model.Unknown{{Path: algPath, Reason: "parameter Algorithm has no value and no Default"}},
				Origin:       model.Origin{Layer: model.LayerCloudFormation, File: "t.yaml", NameRange: rng(20), Paths: map[string]model.Range{algPath: rng(26)}},
			},
			{
				Address: "Bare", Type: "AWS::S3::Bucket",
				Origin: model.Origin{Layer: model.LayerTerraform, File: "main.tf", NameRange: rng(1)},
			},
		},
	}
	fs, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		res, status, file string
		line              int
	}
	want := []row{{"Bare", "fail", "main.tf", 1}, {"Plain", "fail", "t.yaml", 9}, {"Param", "unknown", "t.yaml", 26}}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(fs), len(want), fs)
	}
	for i, w := range want {
		f := fs[i]
		if got := (row{f.Resource, f.Status, f.File, f.Line}); got != w {
			t.Errorf("finding %d = %+v, want %+v", i, got, w)
		}
		if f.Rule != "s3-encryption-kms" || f.Severity != "high" || f.Environment != "dev" {
			t.Errorf("finding %d metadata: %+v", i, f)
		}
	}
	if !strings.Contains(fs[2].UnknownReason, "parameter Algorithm has no value") {
		t.Errorf("unknown finding does not say what is unknown: %q", fs[2].UnknownReason)
	}
	if !strings.Contains(fs[0].Remediation, "aws_s3_bucket_server_side_encryption_configuration") {
		t.Errorf("terraform resource got non-terraform fix: %q", fs[0].Remediation)
	}
	if !strings.Contains(fs[1].Remediation, "SSEAlgorithm: aws:kms") {
		t.Errorf("cloudformation fix lacks the example snippet: %q", fs[1].Remediation)
	}
}

func TestEvaluateRejectsUnknownRule(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Evaluate(context.Background(), &model.Document{Environment: model.Environment{Rules: map[string]map[string]any{"nope": {}}}})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("want unknown rule error, got %v", err)
	}
}

// TestQueriesPreparedOnce: evaluating many documents prepares one query per
// distinct rule set, not one per document.
func TestQueriesPreparedOnce(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		doc := benchDocument(8)
		if i%2 == 1 {
			doc.Environment.Rules = map[string]map[string]any{"s3-versioning": {}, "required-tags": {"tags": map[string]any{"owner": []any{}}}}
		}
		if _, err := e.Evaluate(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.prepared); n != 2 {
		t.Fatalf("%d prepared queries for 50 documents in 2 rule sets, want 2", n)
	}
}

// A finding on a resource in a module relates to the module block in the
// root module; in a module that terraform init downloaded it moves there,
// and the module's own line becomes the related location.
func TestEvaluateLocatesFindingsInModules(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	at := func(file string, line int) model.Range {
		return model.Range{Filename: file, Start: model.Pos{Line: line, Column: 1}, End: model.Pos{Line: line, Column: 20}}
	}
	bucket := func(addr, file string, line int, call model.Range) model.Resource {
		return model.Resource{Address: addr, Type: "AWS::S3::Bucket",
			Origin: model.Origin{Layer: model.LayerTerraform, File: file, NameRange: at(file, line), CallSite: call}}
	}
	// versioning suspended through a module input of the root
	suspended := bucket("module.logs.aws_s3_bucket.this[0]", ".terraform/modules/logs/main.tf", 45, at("main.tf", 30))
	suspended.Properties = map[string]any{"VersioningConfiguration": map[string]any{"Status": "Suspended"}}
	suspended.Origin.Paths = map[string]model.Range{"VersioningConfiguration.Status": at(".terraform/modules/logs/main.tf", 60)}
	suspended.Origin.Inputs = map[string]model.Range{"VersioningConfiguration.Status": at("main.tf", 33)}
	doc := &model.Document{
		Environment: model.Environment{Name: "dev", Rules: map[string]map[string]any{"s3-versioning": {}}},
		Resources: []model.Resource{
			bucket("module.local.aws_s3_bucket.this", "modules/bucket/main.tf", 4, at("main.tf", 10)),
			bucket("module.registry.aws_s3_bucket.this[0]", ".terraform/modules/registry/main.tf", 45, at("main.tf", 20)),
			suspended,
		},
	}
	fs, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fs {
		s := f.File + ":" + strconv.Itoa(f.Line)
		for _, r := range f.Related {
			s += " | " + r.File + ":" + strconv.Itoa(r.Line) + " " + r.Message
		}
		got[f.Resource] = s
	}
	want := map[string]string{
		"module.local.aws_s3_bucket.this":       "modules/bucket/main.tf:4 | main.tf:10 the module call in the root module",
		"module.registry.aws_s3_bucket.this[0]": "main.tf:20 | .terraform/modules/registry/main.tf:45 where the downloaded module declares it",
		"module.logs.aws_s3_bucket.this[0]":     "main.tf:33 | .terraform/modules/logs/main.tf:60 where the downloaded module declares it",
	}
	for addr, w := range want {
		if got[addr] != w {
			t.Errorf("%s: %q, want %q", addr, got[addr], w)
		}
	}
}

var (
	chunkedOnce   sync.Once
	chunkedEngine *Engine
	chunkedErr    error
)

// checkChunked evaluates doc again one resource per chunk (with the
// resources it references, Engine.evaluateChunks), then through a memo
// (checkMemo), and wants the same findings as the evaluation of the whole
// document.
func checkChunked(t *testing.T, doc *model.Document, want []model.Finding) {
	t.Helper()
	chunkedOnce.Do(func() {
		chunkedEngine, chunkedErr = New()
		if chunkedEngine != nil {
			chunkedEngine.chunkSize = 1
		}
	})
	if chunkedErr != nil {
		t.Fatal(chunkedErr)
	}
	if len(doc.Resources) < 2 {
		return
	}
	got, err := chunkedEngine.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatalf("chunked evaluation: %v", err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("chunked evaluation differs from the whole document's (-whole +chunked):\n%s", diff)
	}
	if got = evaluateReleasing(t, chunkedEngine, doc); !cmp.Equal(want, got, cmpopts.EquateEmpty()) {
		t.Errorf("chunked evaluation releasing resources differs from the whole document's (-whole +chunked):\n%s", cmp.Diff(want, got, cmpopts.EquateEmpty()))
	}
	checkMemo(t, chunkedEngine, doc, want)
}

// evaluateReleasing evaluates a copy of doc's resource list with
// ReleasingJudged (which changes the resources, not what they hold) and
// checks what was let go: every resource that no other references, and
// no other.
func evaluateReleasing(t *testing.T, e *Engine, doc *model.Document) []model.Finding {
	t.Helper()
	released := *doc
	released.Resources = slices.Clone(doc.Resources)
	got, err := e.Evaluate(context.Background(), &released, ReleasingJudged())
	if err != nil {
		t.Fatalf("chunked evaluation releasing resources: %v", err)
	}
	referenced := referencedAddresses(doc)
	for i, r := range released.Resources {
		kept := doc.Resources[i]
		switch {
		case r.Address != kept.Address || r.Type != kept.Type || r.Origin.File != kept.Origin.File || r.Origin.NameRange != kept.Origin.NameRange:
			t.Errorf("%s: released its address, type or origin", kept.Address)
		case referenced[r.Address] && !reflect.DeepEqual(r, kept):
			t.Errorf("%s: referenced by another resource, but released", r.Address)
		case !referenced[r.Address] && len(doc.Resources) > e.chunkSize && (r.Properties != nil || r.References != nil || r.Change != nil):
			t.Errorf("%s: judged in a chunk and referenced by none, but kept its properties", r.Address)
		}
	}
	return got
}

// TestChunkedEvaluation evaluates a document with every rule on, in chunks
// of several sizes: instances whose launch templates are in other chunks,
// resources sharing an address, resources being deleted, sensitive values.
func TestChunkedEvaluation(t *testing.T) {
	_, doc, want := evaluatedMemoDoc(t)
	for _, size := range []int{1, 2, 7, 64, 150} {
		c, err := New()
		if err != nil {
			t.Fatal(err)
		}
		c.chunkSize = size
		got, err := c.Evaluate(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("chunks of %d: findings differ (-whole +chunked):\n%s", size, diff)
		}
		if diff := cmp.Diff(want, evaluateReleasing(t, c, doc)); diff != "" {
			t.Errorf("chunks of %d, releasing resources: findings differ (-whole +chunked):\n%s", size, diff)
		}
	}
}

// TestBuiltinRulesPassEveryCheck: the built-in rules, with their tests,
// pass every stage of the compiler, the checks New skips for them
// (newCompiler) included; those checks still run when user rules are
// loaded. A mistake only they catch (a type error, a rule that recurses)
// is caught here or nowhere.
func TestBuiltinRulesPassEveryCheck(t *testing.T) {
	set, user, err := loadModules(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(user) != 0 {
		t.Fatalf("no policy directory given, yet %d user modules", len(user))
	}
	full := ast.NewCompiler()
	full.Compile(set.modules)
	if full.Failed() {
		t.Fatalf("built-in rules fail the full compile: %v", full.Errors)
	}

	for _, src := range []string{
		"package bad\n\nn := count(5)\n",            // types
		"package bad\n\np if q\n\nq if p\n",         // recursion
		"package bad\n\np if no_such_function(1)\n", // undefined function
	} {
		mistake := map[string]*ast.Module{"bad.rego": ast.MustParseModule(src)}
		checking := newCompiler(false)
		if checking.Compile(mistake); !checking.Failed() {
			t.Errorf("the full compiler accepted %q", src)
		}
		skipping := newCompiler(true)
		if skipping.Compile(mistake); skipping.Failed() {
			t.Errorf("the compiler of the built-in rules still checks %q: %v", src, skipping.Errors)
		}
	}
}
