package benchgen

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
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
				h := heapInUse()
				mu.Lock()
				peak = max(peak, h)
				mu.Unlock()
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

// BenchLoad benchmarks a loader over src: each iteration runs load, which
// returns how many resources it loaded and its result (kept alive until
// the heap after it is measured). Besides time and allocations it reports
// the input size, the peak heap in use during one load and the heap its
// result keeps, in MB and as a multiple of the input size.
func BenchLoad(b *testing.B, src []byte, want int, load func() (n int, result any, err error)) {
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	var peak, kept uint64
	for b.Loop() {
		var (
			n      int
			result any
			err    error
		)
		pk, kp := PeakHeap(func() { n, result, err = load() })
		if err != nil {
			b.Fatal(err)
		}
		if n != want {
			b.Fatalf("%d resources, want %d", n, want)
		}
		runtime.KeepAlive(result)
		peak, kept = max(peak, pk), max(kept, kp)
	}
	in := float64(len(src))
	b.ReportMetric(in/1e6, "input-MB")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peak)/in, "peak/input")
	b.ReportMetric(float64(kept)/in, "kept/input")
}
