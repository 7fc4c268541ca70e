package policies

import (
	"context"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stackgate/stackgate/policies/model"
)

// TestNarrowReach checks what narrow relies on, in the built-in rules'
// source: a rule with specific resource types reads resources only
// through lib.resources of those types, never input.resources (nor the
// by_type index directly).
func TestNarrowReach(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	resources := ast.MustParseRef("data.stackgate.lib.resources")
	inputResources, inputByType := ast.MustParseRef("input.resources"), ast.MustParseRef("input.by_type")
	seen := 0
	for _, r := range e.set.rules {
		if all, _ := ruleReach(r.rule, nil); all {
			continue
		}
		// The compiled module: calls are expressions there, their
		// functions named by full path.
		m := e.compiler.Modules[r.file]
		ast.WalkTerms(m, func(x *ast.Term) bool {
			if ref, ok := x.Value.(ast.Ref); ok && (ref.HasPrefix(inputResources) || ref.HasPrefix(inputByType)) {
				t.Errorf("rule %s (resource types %v) reads %v: it must read resources through lib.resources, or declare resource_types [\"*\"]", r.rule.ID, r.rule.ResourceTypes, ref)
			}
			return false
		})
		ast.WalkExprs(m, func(x *ast.Expr) bool {
			if !x.IsCall() || !x.Operator().Equal(resources) {
				return false
			}
			seen++
			typ, ok := x.Operand(0).Value.(ast.String)
			if !ok || !slices.Contains(r.rule.ResourceTypes, string(typ)) {
				t.Errorf("rule %s calls lib.resources(%v), not one of its resource types %v", r.rule.ID, x.Operand(0), r.rule.ResourceTypes)
			}
			return false
		})
	}
	if seen == 0 {
		t.Error("found no call of lib.resources: the check checks nothing")
	}
}

// TestNarrow checks the query and resources narrow leaves.
func TestNarrow(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids := func(pq *preparedQuery) (out []string) {
		for _, r := range pq.rules {
			out = append(out, r.rule.ID)
		}
		return out
	}
	bucket := &model.Resource{Address: "B", Type: "AWS::S3::Bucket"}
	topic := &model.Resource{Address: "T", Type: "AWS::SNS::Topic"}
	key := &model.Resource{Address: "K", Type: "AWS::KMS::Key"}

	pq, err := e.prepare(ctx, e.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	got, rs, err := e.narrow(ctx, pq, []*model.Resource{topic, bucket, key})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"kms-key-rotation", "s3-encryption-kms", "s3-public-access-block", "s3-versioning"}; !slices.Equal(ids(got), want) {
		t.Errorf("rules = %v, want %v", ids(got), want)
	}
	if !slices.Equal(rs, []*model.Resource{bucket, key}) {
		t.Errorf("resources = %v, want the bucket and the key", rs)
	}
	if got, _, _ := e.narrow(ctx, pq, []*model.Resource{topic}); len(got.rules) != 0 {
		t.Errorf("rules for a topic = %v, want none", ids(got))
	}

	// A rule that reads every resource keeps them all.
	pq, err = e.prepare(ctx, map[string]map[string]any{"s3-versioning": {}, "allowed-regions": {}})
	if err != nil {
		t.Fatal(err)
	}
	got, rs, _ = e.narrow(ctx, pq, []*model.Resource{topic, bucket})
	if want := []string{"allowed-regions", "s3-versioning"}; !slices.Equal(ids(got), want) || len(rs) != 2 {
		t.Errorf("rules = %v and %d resources, want %v and both", ids(got), len(rs), want)
	}
}

// TestPreparedBounded asks one engine for more distinct rule sets than it
// keeps prepared queries for (a language server over many buffers and
// configurations): it keeps at most maxPrepared, and each query it hands
// out still evaluates.
func TestPreparedBounded(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var all []string
	for id, r := range e.byID {
		if r.rule.Parameters == nil { // parameters would need values
			all = append(all, id)
		}
	}
	slices.Sort(all)
	doc := &model.Document{Resources: []model.Resource{{Address: "B", Type: "AWS::S3::Bucket", Properties: map[string]any{}}}}
	asked := 0
	for mask := 1; asked < 2*maxPrepared && mask < 1<<len(all); mask++ {
		set := map[string]map[string]any{}
		for i, id := range all {
			if mask&(1<<i) != 0 {
				set[id] = nil
			}
		}
		pq, err := e.prepare(ctx, set)
		if err != nil {
			t.Fatal(err)
		}
		asked++
		if n := len(e.prepared); n > maxPrepared {
			t.Fatalf("after %d rule sets the engine keeps %d prepared queries, want at most %d", asked, n, maxPrepared)
		}
		if err := pq.denies(ctx, inputValue(doc, nil, nil), nil, func(*ruleModule, map[string]any) {}); err != nil {
			t.Fatalf("rule set %d: %v", asked, err)
		}
	}
	if asked <= maxPrepared {
		t.Fatalf("only %d rule sets to ask for; the test needs more than %d", asked, maxPrepared)
	}
}
