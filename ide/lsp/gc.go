package lsp

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The collector of a language server. Each keystroke re-loads and
// re-evaluates a module: about 25 MB of short-lived garbage per edit of a
// 2,000-line module over a live heap of about 10 MB. With a GOGC target
// (100, or 400 as here before) the goal stays a few times that small live
// heap, so a collection ran during nearly every keystroke, and on one core
// its concurrent marking and the assists it takes from the evaluating
// goroutine stretched those keystrokes by 20 to 40 ms (p99 53-65 ms in
// the typing benchmark). What a collection costs follows the live heap,
// not the garbage, so the server lets garbage pile up to a fixed budget
// and collects then, once every few keystrokes:
//
//   - GOGC off: no proportional target;
//   - a soft memory limit of gcLimit is the trigger (the typing benchmark
//     peaks near 120 MiB RSS; p99 38-46 ms, p50 17-18 ms);
//   - after each evaluation the limit is raised to three times the live
//     heap when that is more, so that a large workspace never makes the
//     collector run without pause (a limit at or below the live heap).
//
// GOMEMLIMIT set in the environment leaves both alone; GOGC set alone
// wins, with the limit as the trigger of last resort. Only `stackgate lsp` calls
// TuneGC: a one-shot CLI run is better off with its own setting.
const (
	gcPercent = -1 // off: the memory limit triggers collections
	gcLimit   = 96 << 20
)

var gcTuned atomic.Bool

// TuneGC sets the collector for a long-running server (see above) and
// returns a function that restores the previous settings.
func TuneGC() (restore func()) {
	percent, limit := -2, int64(-1)
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {} // the user's limit, and GOGC as given or default
	}
	limit = debug.SetMemoryLimit(gcLimit)
	gcTuned.Store(true)
	if os.Getenv("GOGC") == "" {
		// Off only with the limit set above: without a trigger the
		// heap would grow without bound.
		percent = debug.SetGCPercent(gcPercent)
	}
	return func() {
		gcTuned.Store(false)
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}

// adjustGC raises the memory limit TuneGC set to three times the live
// heap when that is more than gcLimit, and lowers it back when the heap
// shrinks.
func adjustGC() {
	if !gcTuned.Load() {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := s[0].Value.Uint64()
	limit := int64(gcLimit)
	if live < math.MaxInt64/4 && int64(live)*3 > limit {
		limit = int64(live) * 3
	}
	if debug.SetMemoryLimit(-1) != limit {
		debug.SetMemoryLimit(limit)
	}
}
