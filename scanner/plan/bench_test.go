package plan

import (
	"fmt"
	"testing"

	"github.com/stackgate/stackgate/internal/benchgen"
)

// BenchmarkLoad loads a generated plan with 5,000 resource changes in 50
// modules (each with changed tags, a changed block and a reference known
// only after apply).
func BenchmarkLoad(b *testing.B) {
	src := bigPlan(5000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("big.json", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadFixture loads the create fixture, a small real plan.
func BenchmarkLoadFixture(b *testing.B) {
	file, src := readFixture(b, "create")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(file, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadLarge loads plans in the exact shape of the create fixture
// (a genuine terraform show -json output: planned_values, resource_changes
// with sensitive and unknown skeletons, configuration, relevant_attributes)
// with 20,000 and 196,000 resource changes, compact as Terraform writes
// them (about 1.8 KB a change; 140,000 is about the most under MaxSize,
// 196,000 is over it and skips). Besides time and allocations it reports
// the peak heap in use during one Load and the heap its result keeps, in
// MB and as a multiple of the input size. Run the large one alone:
//
//	go test -run='^$' -bench=LoadLarge -benchtime=1x ./scanner/plan/
func BenchmarkLoadLarge(b *testing.B) {
	_, fixture := readFixture(b, "create")
	for _, n := range []int{20000, 140000, 196000} {
		b.Run(fmt.Sprintf("%dk-changes", n/1000), func(b *testing.B) {
			src, err := benchgen.Plan(fixture, n)
			if err != nil {
				b.Fatal(err)
			}
			if len(src) > MaxSize {
				b.Skipf("generated plan is %d bytes, over MaxSize", len(src))
			}
			benchgen.BenchLoad(b, src, n, func() (int, any, error) {
				p, err := Load("big.json", src)
				if err != nil {
					return 0, nil, err
				}
				return len(p.Resources), p, nil
			})
		})
	}
}
