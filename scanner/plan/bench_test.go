package plan

import "testing"

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
