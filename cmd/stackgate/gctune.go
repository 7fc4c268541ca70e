package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The collector's target: the heap may grow past the live data by
// headroom(live) before the next collection. A small run (the usual
// scan: tens of MB live) gets GOGC 200, the speed tuneGC was made for; a
// large one (a template of a hundred thousand resources, a plan of tens
// of thousands of changes: hundreds of MB live) gets a fixed headroom of
// minHeadroom, down to half the live data, so peak memory stays a small
// multiple of what the run needs, not three times it.
const (
	maxGCPercent = 200
	minGCPercent = 50
	minHeadroom  = 128 << 20
)

// gcPercentFor returns the GOGC that gives a heap of live bytes its
// headroom: twice the live data up to minHeadroom, then minHeadroom, and
// at least half the live data.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	pct := int(minHeadroom * 100 / live)
	return max(minGCPercent, min(maxGCPercent, pct))
}

// tuneGC trades some memory for speed in a short-lived batch process: a
// scan allocates many short-lived syntax trees and values, and with the
// default GC target about a fifth of the run goes to collecting them. At
// 200 the heap may grow to three times the live data instead of twice (a
// scan of the EKS, VPC and S3 modules: 0.50 s and 120 MB at the default,
// 0.43 s and 155 MB here). On large inputs three times the live data is
// gigabytes, so after every collection the target is set again from the
// live heap (gcPercentFor): 200 below 64 MB live, less above, down to 50.
// No memory limit is set: with a live heap above it the collector would
// run without pause. GOGC, when set, wins and is left alone.
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(maxGCPercent)
	watchGC(maxGCPercent)
}

// gcCycle is an allocation that lives until the next collection: its
// cleanup runs after each one. It holds a pointer so that the runtime
// does not batch it with other tiny objects (whose cleanups may never
// run).
type gcCycle struct{ _ *int }

// watchGC re-tunes the GC target after the next collection, and again
// after each one after that. current is the GOGC in force.
func watchGC(current int) {
	runtime.AddCleanup(new(gcCycle), func(current int) {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindUint64 {
			if pct := gcPercentFor(s[0].Value.Uint64()); pct != current {
				debug.SetGCPercent(pct)
				current = pct
			}
		}
		watchGC(current)
	}, current)
}
