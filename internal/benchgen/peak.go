package benchgen

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// heapInUse reads what runtime.MemStats.HeapInuse reports (spans in use:
// live and not yet swept objects, and their unused space), without
// stopping the world.
var heapSamples = []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/unused:bytes"},
}

func heapInUse() uint64 {
	s := append([]metrics.Sample(nil), heapSamples...)
	metrics.Read(s)
	var n uint64
	for _, x := range s {
		if x.Value.Kind() == metrics.KindUint64 {
			n += x.Value.Uint64()
		}
	}
	return n
}

// PeakHeap runs f and returns the highest heap in use (HeapInuse) seen
// while it ran, sampled every millisecond, and the heap in use after it
// returned and a collection ran (what its result keeps). The heap is
// collected first, so what was in use before counts as the baseline.
func PeakHeap(f func()) (peak, after uint64) {
	runtime.GC()
	peak = heapInUse()
	var mu sync.Mutex
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if h := heapInUse(); true {
					mu.Lock()
					peak = max(peak, h)
					mu.Unlock()
				}
			}
		}
	}()
	f()
	close(done)
	<-stopped
	mu.Lock()
	peak = max(peak, heapInUse())
	mu.Unlock()
	runtime.GC()
	return peak, heapInUse()
}
