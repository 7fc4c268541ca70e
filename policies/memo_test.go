package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stackgate/stackgate/policies/model"
)

// checkMemo evaluates doc through a new memo twice, the second time from
// what the first remembered, and wants the findings of the evaluation
// without it both times.
func checkMemo(t *testing.T, e *Engine, doc *model.Document, want []model.Finding) {
	t.Helper()
	m := NewMemo(1 << 10)
	for _, pass := range []string{"remembering", "remembered"} {
		got, err := e.Evaluate(context.Background(), doc, WithMemo(m))
		if err != nil {
			t.Fatalf("%s: %v", pass, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: findings differ from the evaluation without a memo (-without +with):\n%s", pass, diff)
		}
	}
	if len(doc.Resources) > 0 && m.hits == 0 {
		t.Errorf("the second evaluation used nothing remembered (%d misses)", m.misses)
	}
}

// memoDoc is the document of TestChunkedEvaluation and the memo tests:
// every rule on, instances and their launch templates, resources sharing
// an address, resources being deleted, sensitive values.
func memoDoc(e *Engine) *model.Document {
	doc := benchDocument(120)
	for i := 0; i < 30; i++ {
		lt := fmt.Sprintf("Lt%d", (i*7)%30)
		doc.Resources = append(doc.Resources, model.Resource{Address: fmt.Sprintf("Instance%d", i), Type: "AWS::EC2::Instance",
			Origin:     model.Origin{Layer: model.LayerCloudFormation, File: "bench.yaml"},
			Properties: map[string]any{"LaunchTemplate": map[string]any{"LaunchTemplateId": "${" + lt + "}"}, "Password": "hunter2-secret-value"},
			Sensitive:  []string{"Password"},
			References: map[string]model.Reference{"LaunchTemplate.LaunchTemplateId": {Address: lt, Type: "AWS::EC2::LaunchTemplate"}}})
	}
	for i := range doc.Resources {
		if doc.Resources[i].Type == "AWS::EC2::LaunchTemplate" && i%3 == 0 {
			doc.Resources[i].Properties = map[string]any{"LaunchTemplateData": map[string]any{"MetadataOptions": map[string]any{"HttpTokens": "optional"}}}
		}
	}
	// A sensitive value that messages quote: Bucket1's algorithm,
	// AES256, which the message of every AES256 bucket names (redaction
	// takes the values of every resource of the document).
	doc.Resources[4].Sensitive = []string{"BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"}
	doc.Resources = append(doc.Resources, doc.Resources[5], doc.Resources[0])
	doc.Resources[len(doc.Resources)-1].Properties = map[string]any{"BucketName": "other"}
	doc.Resources[7].Change = &model.Change{Action: model.ActionDelete}
	doc.Resources[9].Change = &model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"Tags"}}
	rules := map[string]map[string]any{
		"required-tags":                {"tags": map[string]any{"owner": []any{}, "data-classification": []any{"internal"}}},
		"allowed-regions":              {"regions": []any{"eu-west-1"}},
		"allowed-resource-types":       {"deny": []any{"AWS::KMS::*"}},
		"immutable-no-in-place-update": {},
		"no-drift":                     {},
		"no-drift-suppression":         {},
		"s3-dual-layer-encryption":     {},
	}
	for id := range e.DefaultRules() {
		rules[id] = map[string]any{}
	}
	doc.Environment = model.Environment{Name: "memo", Rules: rules}
	doc.Context.Region = "us-east-1"
	return doc
}

// evaluatedMemoDoc is a fresh engine, memoDoc and its findings evaluated
// whole (without chunks or a memo): what the other evaluations must find.
func evaluatedMemoDoc(t *testing.T) (*Engine, *model.Document, []model.Finding) {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	doc := memoDoc(e)
	want, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 100 {
		t.Fatalf("only %d findings: the document should violate more", len(want))
	}
	return e, doc, want
}

// TestMemoEvaluation: through a memo, in chunks of several sizes, the
// findings are those of the whole document's evaluation.
func TestMemoEvaluation(t *testing.T) {
	_, doc, want := evaluatedMemoDoc(t)
	for _, size := range []int{0, 1, 7, 150} {
		t.Run(fmt.Sprintf("chunks=%d", size), func(t *testing.T) {
			c, err := New()
			if err != nil {
				t.Fatal(err)
			}
			c.chunkSize = size
			checkMemo(t, c, doc, want)
		})
	}
}

// TestMemoEdits changes one resource at a time, as an editor does, and
// wants after each change the findings of an evaluation without the memo:
// a changed launch template changes the finding of the instance that
// references it (another resource), a parameter or the context changes
// every resource's.
func TestMemoEdits(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemo(1 << 10)
	doc := memoDoc(e)
	lt := func(addr string) *model.Resource {
		for i := range doc.Resources {
			if doc.Resources[i].Address == addr {
				return &doc.Resources[i]
			}
		}
		t.Fatalf("no %s", addr)
		return nil
	}
	// Instance3 launches from Lt21 (3*7), here a template that requires
	// tokens.
	instanceFinding := func(fs []model.Finding) bool {
		for _, f := range fs {
			if f.Rule == "ec2-imdsv2" && f.Resource == "Instance3" {
				return true
			}
		}
		return false
	}
	step := func(what string, wantInstance bool) {
		t.Helper()
		want, err := e.Evaluate(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		before := m.misses
		got, err := e.Evaluate(context.Background(), doc, WithMemo(m))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: findings differ (-without memo +with):\n%s", what, diff)
		}
		if instanceFinding(got) != wantInstance {
			t.Errorf("%s: ec2-imdsv2 finding on Instance3: %v, want %v", what, instanceFinding(got), wantInstance)
		}
		t.Logf("%s: %d groups evaluated", what, m.misses-before)
	}
	lt21 := lt("Lt21")
	lt21.Properties = map[string]any{"LaunchTemplateData": map[string]any{"MetadataOptions": map[string]any{"HttpTokens": "required"}}}
	step("first", false)
	step("unchanged", false)
	if m.misses != len(memoGroups(doc)) {
		t.Errorf("an unchanged document evaluated again: %d misses for %d groups", m.misses, len(memoGroups(doc)))
	}

	lt21.Properties = map[string]any{"LaunchTemplateData": map[string]any{"MetadataOptions": map[string]any{"HttpTokens": "optional"}}}
	before := m.misses
	step("launch template made optional", true)
	// Lt21 itself and the instance that references it, nothing else.
	if got := m.misses - before; got != 2 {
		t.Errorf("a changed launch template evaluated %d groups, want 2 (itself and Instance3)", got)
	}
	lt21.Properties = map[string]any{"LaunchTemplateData": map[string]any{"MetadataOptions": map[string]any{"HttpTokens": "required"}}}
	step("launch template required again", false)

	doc.Environment.Rules["allowed-regions"] = map[string]any{"regions": []any{"us-east-1"}}
	step("parameter changed", false)
	doc.Context.Region = "eu-west-1"
	step("context changed", false)
	// Where a resource is in its file is not the rules' input: moving it
	// (an edit above it) evaluates nothing again, and the findings move
	// with it.
	for i := range doc.Resources {
		r := &doc.Resources[i]
		r.Origin.NameRange = model.Range{Start: model.Pos{Line: 100 + i, Column: 3}, End: model.Pos{Line: 100 + i, Column: 9}}
	}
	before = m.misses
	step("moved", false)
	if m.misses != before {
		t.Errorf("moving resources evaluated %d groups again", m.misses-before)
	}
}

func memoGroups(doc *model.Document) map[string]bool {
	out := map[string]bool{}
	for _, r := range doc.Resources {
		out[r.Address] = true
	}
	return out
}

// TestMemoBounded: a memo keeps at most its size, and still finds what an
// evaluation without it finds when the document has more groups than that.
func TestMemoBounded(t *testing.T) {
	e, doc, want := evaluatedMemoDoc(t)
	m := NewMemo(16)
	for i := 0; i < 3; i++ {
		got, err := e.Evaluate(context.Background(), doc, WithMemo(m))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("pass %d: findings differ (-without memo +with):\n%s", i, diff)
		}
		if n := len(m.cur) + len(m.old); n > 16 {
			t.Fatalf("pass %d: the memo holds %d groups, more than 16", i, n)
		}
	}
}

// TestMemoUserLibrary: a user module that adds to stackgate.lib may make
// the built-in rules read anything, so nothing is remembered; user rules
// alone do not stop the built-in ones from being remembered, but a query
// with a user rule is evaluated whole.
func TestMemoUserLibrary(t *testing.T) {
	lib := t.TempDir()
	os.WriteFile(filepath.Join(lib, "extra.rego"), []byte("package stackgate.lib\n\nbucket_count := count(input.resources)\n"), 0o644)
	e, err := New(WithPolicyDirs(lib))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemo(1 << 10)
	doc := benchDocument(20)
	if _, err := e.Evaluate(context.Background(), doc, WithMemo(m)); err != nil {
		t.Fatal(err)
	}
	if m.hits+m.misses != 0 {
		t.Errorf("a user module in stackgate.lib: the memo was used (%d hits, %d misses)", m.hits, m.misses)
	}

	rules := repoPath(t, "examples", "policies")
	e, err = New(WithPolicyDirs(rules))
	if err != nil {
		t.Fatal(err)
	}
	doc = benchDocument(20)
	doc.Environment.Rules = e.DefaultRules()
	if _, ok := doc.Environment.Rules["rds-storage-encrypted"]; !ok {
		t.Fatalf("the example user rule is not on by default")
	}
	if _, err := e.Evaluate(context.Background(), doc, WithMemo(m)); err != nil {
		t.Fatal(err)
	}
	if m.hits+m.misses != 0 {
		t.Errorf("a query with a user rule: the memo was used (%d hits, %d misses)", m.hits, m.misses)
	}
	delete(doc.Environment.Rules, "rds-storage-encrypted")
	want, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	checkMemo(t, e, doc, want)
}

func repoPath(t *testing.T, elem ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{".."}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAppendCanonical: equal values encode alike whatever the order their
// objects were built in; values that differ, even only in where one
// string ends and the next begins, encode differently.
func TestAppendCanonical(t *testing.T) {
	enc := func(src string) string {
		t.Helper()
		v, err := ast.ParseTerm(src)
		if err != nil {
			t.Fatal(err)
		}
		b, ok := appendCanonical(nil, v.Value)
		if !ok {
			t.Fatalf("%s: no encoding", src)
		}
		return string(b)
	}
	if enc(`{"a": 1, "b": [true, null]}`) != enc(`{"b": [true, null], "a": 1}`) {
		t.Error("the order of an object's members changed its encoding")
	}
	distinct := []string{
		`["ab", "c"]`, `["a", "bc"]`, `["abc"]`, `"abc"`,
		`{"a": "b"}`, `{"ab": ""}`, `{"a": ["b"]}`, `[{"a": "b"}]`,
		`1`, `"1"`, `1.0`, `true`, `"true"`, `false`, `null`, `"null"`, `[]`, `{}`, `""`, `[null]`, `[[]]`,
	}
	seen := map[string]string{}
	for _, src := range distinct {
		e := enc(src)
		if other, dup := seen[e]; dup {
			t.Errorf("%s and %s encode alike", src, other)
		}
		seen[e] = src
	}
	if _, ok := appendCanonical(nil, ast.NewSet(ast.StringTerm("x"))); ok {
		t.Error("a set has an encoding: no input holds one")
	}
}
