package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCallsEveryItemOnceWithinTheBound(t *testing.T) {
	for _, tt := range []struct{ n, workers int }{{0, 4}, {1, 4}, {100, 3}, {7, 0}} {
		calls := make([]int32, tt.n)
		var running, peak atomic.Int32
		For(tt.n, tt.workers, func(i int) {
			r := running.Add(1)
			for {
				p := peak.Load()
				if r <= p || peak.CompareAndSwap(p, r) {
					break
				}
			}
			atomic.AddInt32(&calls[i], 1)
			running.Add(-1)
		})
		for i, c := range calls {
			if c != 1 {
				t.Errorf("n=%d: item %d called %d times", tt.n, i, c)
			}
		}
		if tt.workers > 0 && int(peak.Load()) > tt.workers {
			t.Errorf("n=%d: %d items ran at once, bound %d", tt.n, peak.Load(), tt.workers)
		}
	}
}
