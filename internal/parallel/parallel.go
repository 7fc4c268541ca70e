// Package parallel runs independent work items on a bounded number of
// goroutines, the one way the scanner and the CLI spread work over cores.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(i) for every i in [0, n) on at most workers goroutines
// (GOMAXPROCS when workers <= 0) and returns when all calls have. Items
// are handed out in order; fn writes its result to slot i of a slice the
// caller owns, so results keep the input order whatever the scheduling.
func For(n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers && w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// Ordered calls work(i) for every i in [0, n) on at most workers
// goroutines (GOMAXPROCS when workers <= 0) and hands each result to
// merge in index order, on the caller's goroutine. Items start in index
// order, each as soon as a goroutine is free, so an item that takes long
// does not hold the others up; at most twice workers items are in flight
// or waiting to be merged, so results are held for a window of items,
// not for all of them. When merge returns false no further item starts;
// Ordered waits for those already running and returns.
func Ordered[T any](n, workers int, work func(i int) T, merge func(i int, v T) bool) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := 2 * workers
	running := make(chan struct{}, workers) // a token per item running
	pending := make([]chan T, 0, window)    // in index order
	next := 0
	for done := 0; done < n; done++ {
		for next < n && len(pending) < window {
			running <- struct{}{}
			ch := make(chan T, 1)
			go func(i int) {
				v := work(i)
				<-running
				ch <- v
			}(next)
			pending = append(pending, ch)
			next++
		}
		v := <-pending[0]
		pending = pending[1:]
		if !merge(done, v) {
			for _, ch := range pending {
				<-ch
			}
			return
		}
	}
}
