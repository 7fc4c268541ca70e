package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The collector's target: the heap may grow past the live data by
// headroom(live) before the next collection. A small run (the usual
// scan: tens of MB live) gets GOGC 200, the speed tuneGC was made for, or
// none at all while the live data is under a third of memoryBudget, so
// that the budget, not three times a small heap, decides when to collect; a
// large one (a template of a hundred thousand resources, a plan of tens
// of thousands of changes: hundreds of MB live) gets a fixed headroom of
// minHeadroom, down to half the live data, so peak memory stays a small
// multiple of what the run needs, not three times it.
const (
	maxGCPercent = 200
	minGCPercent = 50
	minHeadroom  = 128 << 20
)

// memoryBudget is the Go memory (heap, stacks, runtime metadata) a run
// is asked to stay within while its live data is under half of it: the
// process then peaks under 100 MiB resident (the binary's own pages and
// the runtime add about 26 MiB). Above that the budget is twice the live
// data (memoryLimitFor), so a large run is never held to a limit its live
// data nearly fills, where the collector would run without pause.
const memoryBudget = 72 << 20

// gcPercentFor returns the GOGC that gives a heap of live bytes its
// headroom: none (-1, GOGC off) while three times the live data is under
// memoryBudget, where the memory limit alone decides when to collect;
// then twice the live data up to minHeadroom, then minHeadroom, and at
// least half the live data. With GOGC 200 a run of 10 MB live collected
// at every 30 MB allocated though its budget allows 72: the CloudFormation
// corpus (aws-cloudformation-templates) spent a quarter of its CPU time in
// the collector, and runs in 0.23 s instead of 0.27 with it off until the
// budget is reached, peaking at 89 MiB resident.
func gcPercentFor(live uint64) int {
	if live < memoryBudget/(1+maxGCPercent/100) {
		return -1
	}
	pct := int(minHeadroom * 100 / live)
	return max(minGCPercent, min(maxGCPercent, pct))
}

// memoryLimitFor returns the soft memory limit for a heap of live bytes:
// memoryBudget, or twice the live data when that is more.
func memoryLimitFor(live uint64) int64 {
	return int64(max(memoryBudget, min(2*live, math.MaxInt64/2)))
}

// tuneGC trades some memory for speed in a short-lived batch process: a
// scan allocates many short-lived syntax trees and values, and with the
// default GC target a fifth of the run went to collecting them. At 200
// the heap may grow to three times the live data instead of twice, and
// while that is under memoryBudget the collector waits for the budget
// (gcPercentFor). Three
// times the live data of a real scan (the EKS, VPC and S3 modules: about
// 40 MB live) is well over 100 MiB resident, and on large inputs it is
// gigabytes, so two bounds apply, both set again from the live heap after
// every collection: a soft memory limit of memoryBudget, or twice the live
// data when that is more (memoryLimitFor; for that scan it costs no
// measurable CPU and takes the peak from about 140 MiB to under 100),
// which only rises (gcSettings.after), and a GOGC that falls from 200
// below 64 MB live to 50 at 256 MB and above (gcPercentFor). GOGC or
// GOMEMLIMIT, when set, win: then neither is touched.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	start := gcSettings{percent: gcPercentFor(0), limit: memoryBudget}
	debug.SetGCPercent(start.percent)
	debug.SetMemoryLimit(start.limit)
	gcWatched.Store(true)
	watchGC(start.percent, start.limit)
}

// gcWatched is true while watchGC re-tunes the collector after each
// collection: from tuneGC until stopGCTuning.
var gcWatched atomic.Bool

// stopGCTuning ends tuneGC's re-tuning, for a command that sets the
// collector its own way (the language server, ide/lsp/gc.go), which
// watchGC would otherwise undo once the live heap grew.
func stopGCTuning() { gcWatched.Store(false) }

// gcCycle is an allocation that lives until the next collection: its
// cleanup runs after each one. It holds a pointer so that the runtime
// does not batch it with other tiny objects (whose cleanups may never
// run).
type gcCycle struct{ _ *int }

// gcSettings are the GOGC and memory limit in force.
type gcSettings struct {
	percent int
	limit   int64
}

// watchGC re-tunes the GC target and memory limit after the next
// collection, and again after each one after that.
func watchGC(percent int, limit int64) {
	runtime.AddCleanup(new(gcCycle), func(cur gcSettings) {
		if !gcWatched.Load() {
			return
		}
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindUint64 {
			next := cur.after(s[0].Value.Uint64())
			if next.percent != cur.percent {
				debug.SetGCPercent(next.percent)
			}
			if next.limit != cur.limit {
				debug.SetMemoryLimit(next.limit)
			}
			cur = next
		}
		watchGC(cur.percent, cur.limit)
	}, gcSettings{percent, limit})
}

// after returns the settings after a collection that left live bytes:
// the GOGC for them (gcPercentFor), and their memory limit
// (memoryLimitFor) if it is higher than the one in force. The limit only
// rises: one lowered under the heap a run has already held makes the
// runtime return pages to the system only to fault them in again when
// the live data grows back. A 20k-change plan, whose live data falls and
// rises between loading, mapping and checking, gave back and took again
// 54 to 125 MB over 11 to 13 collections (2 MB and 10 with the limit
// held; GODEBUG=gctrace=1,scavtrace=1), about a fifth of its CPU time.
func (cur gcSettings) after(live uint64) gcSettings {
	return gcSettings{percent: gcPercentFor(live), limit: max(cur.limit, memoryLimitFor(live))}
}
