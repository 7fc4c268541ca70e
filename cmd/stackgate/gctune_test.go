package main

import (
	"math"
	"testing"
)

func TestGCPercentFor(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, -1},
		{10 * mb, -1},
		{memoryBudget/3 - 1, -1}, // GOGC 200 would collect before the budget is reached
		{memoryBudget / 3, 200},
		{64 * mb, 200},
		{128 * mb, 100},
		{256 * mb, 50},
		{2048 * mb, 50},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MB) = %d, want %d", c.live/mb, got, c.want)
		}
	}
}

func TestMemoryLimitFor(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, memoryBudget},
		{20 * mb, memoryBudget},
		{36 * mb, memoryBudget},
		{37 * mb, 74 * mb},
		{500 * mb, 1000 * mb},
		{math.MaxUint64, math.MaxInt64 / 2},
	} {
		if got := memoryLimitFor(c.live); got != c.want {
			t.Errorf("memoryLimitFor(%d MB) = %d MB, want %d MB", c.live/mb, got/mb, c.want/mb)
		}
	}
}

// TestGCSettingsAfter: after each collection GOGC follows the live data
// both ways, and the memory limit only rises with it.
func TestGCSettingsAfter(t *testing.T) {
	const mb = 1 << 20
	cur := gcSettings{percent: -1, limit: memoryBudget}
	for _, step := range []struct {
		live    uint64
		percent int
		limit   int64
	}{
		{10 * mb, -1, memoryBudget},
		{30 * mb, 200, memoryBudget},
		{100 * mb, 128, 200 * mb},
		{40 * mb, 200, 200 * mb}, // falls: the limit stays
		{5 * mb, -1, 200 * mb},
		{150 * mb, 85, 300 * mb},
		{84 * mb, 152, 300 * mb},
	} {
		cur = cur.after(step.live)
		if cur.percent != step.percent || cur.limit != step.limit {
			t.Errorf("after %d MB live: GOGC %d, limit %d MB; want %d, %d MB", step.live/mb, cur.percent, cur.limit/mb, step.percent, step.limit/mb)
		}
	}
}
