package lsp

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The collector of a language server. Each keystroke re-loads and
// re-evaluates a module: about 16 MB of short-lived garbage per edit of a
// 2,000-line module over a live heap of about 25 MB, so with the default
// GOGC=100 the collector ran about once per keystroke and took a fifth of
// the CPU. A long-running server may let its heap grow further between
// collections, but must stay small beside the editor:
//
//   - GOGC=400: the heap may grow to five times the live heap;
//   - a soft memory limit of gcLimit caps that for small and medium
//     workspaces (the typing benchmark stays under 150 MiB RSS);
//   - after each evaluation the limit is raised to three times the live
//     heap when that is more, so that a large workspace never makes the
//     collector run without pause (a limit at or below the live heap).
//
// GOGC or GOMEMLIMIT set in the environment win. Only `stackgate lsp`
// calls TuneGC: a one-shot CLI run is better off with its own setting.
const (
	gcPercent = 400
	gcLimit   = 96 << 20
)

var gcTuned atomic.Bool

// TuneGC sets the collector for a long-running server (see above) and
// returns a function that restores the previous settings.
func TuneGC() (restore func()) {
	percent, limit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		percent = debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(gcLimit)
		gcTuned.Store(true)
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
