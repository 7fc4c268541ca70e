package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
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

func TestOrderedMergesInOrderWithinTheWindow(t *testing.T) {
	for _, tt := range []struct{ n, workers int }{{0, 2}, {1, 2}, {50, 3}, {9, 1}, {5, 0}} {
		var running, runningPeak, held, heldPeak atomic.Int32
		var got []int
		Ordered(tt.n, tt.workers, func(i int) int {
			raise(&runningPeak, running.Add(1))
			raise(&heldPeak, held.Add(1))
			running.Add(-1)
			return i * i
		}, func(i, v int) bool {
			held.Add(-1) // an item leaves the window once merged
			if v != i*i {
				t.Errorf("n=%d: merge(%d) got the result %d of another item", tt.n, i, v)
			}
			got = append(got, i)
			return true
		})
		if len(got) != tt.n {
			t.Fatalf("n=%d: merged %d items", tt.n, len(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("n=%d: merge order %v", tt.n, got)
			}
		}
		bound := int32(tt.workers)
		if bound <= 0 {
			bound = int32(runtime.GOMAXPROCS(0))
		}
		if runningPeak.Load() > bound {
			t.Errorf("n=%d workers=%d: %d items ran at once", tt.n, tt.workers, runningPeak.Load())
		}
		if heldPeak.Load() > 2*bound {
			t.Errorf("n=%d workers=%d: %d items held at once", tt.n, tt.workers, heldPeak.Load())
		}
	}
}

// TestOrderedKeepsWorkersBusyPastASlowItem checks that a slow first item
// does not stop the next ones from starting: with two workers, items 1
// to 3 all run while item 0 waits for them (or gives up after a while,
// so that a scheduler that waits for item 0 fails rather than hangs).
func TestOrderedKeepsWorkersBusyPastASlowItem(t *testing.T) {
	release := make(chan struct{})
	var started atomic.Int32
	Ordered(4, 2, func(i int) int {
		if i == 0 {
			select {
			case <-release:
			case <-time.After(5 * time.Second):
			}
			return i
		}
		if started.Add(1) == 3 {
			close(release)
		}
		return i
	}, func(i, v int) bool { return true })
	if started.Load() != 3 {
		t.Errorf("%d items ran beside the slow one, want 3", started.Load())
	}
}

// raise sets peak to v when v is higher.
func raise(peak *atomic.Int32, v int32) {
	for {
		p := peak.Load()
		if v <= p || peak.CompareAndSwap(p, v) {
			return
		}
	}
}

func TestOrderedStopsWhenMergeSaysSo(t *testing.T) {
	var started atomic.Int32
	merged := 0
	Ordered(100, 2, func(i int) int { started.Add(1); return i }, func(i, v int) bool {
		merged++
		return i < 4
	})
	if merged != 5 {
		t.Errorf("merged %d items after merge refused the fifth, want 5", merged)
	}
	if s := started.Load(); s > 9 {
		t.Errorf("%d items started after merge refused the fifth (window 4)", s)
	}
}
