package tfmap_test

import (
	"os"
	"testing"

	"github.com/stackgate/stackgate/internal/benchgen"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/plan"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

// BenchmarkMapPlan maps the resources of a plan in the shape of the plan
// loader's create fixture with 20,000 resource changes (half of them
// satellites folded into their buckets), as `stackgate plan` maps them.
// Only Map is timed; the plan is loaded once.
func BenchmarkMapPlan(b *testing.B) {
	fixture, err := os.ReadFile("../../testdata/plan/create/plan.json")
	if err != nil {
		b.Fatal(err)
	}
	src, err := benchgen.Plan(fixture, 20000)
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Load("big.json", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tfmap.Map(p.Resources, model.LayerPlan)
	}
}
