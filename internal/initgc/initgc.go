// Package initgc turns the garbage collector off while a command's
// packages initialise, for a binary that imports it first thing (blank
// import in package main).
//
// The runtime starts collecting at a 4 MB heap, and the dependencies'
// init functions allocate about that much (1.7 MB of it for the JSON
// Schema metaschemas of santhosh-tekuri/jsonschema), so one collection ran
// in the middle of every start: `stackgate version` took 4 ms (a fifth)
// more CPU and wall time with it than with GOGC=off. Nothing made during
// init is garbage worth collecting, and main sets the run's own collector
// settings (cmd/stackgate/gctune.go) as its first step, so no command
// runs with this one. GOGC or GOMEMLIMIT, when set, win: then the
// collector is not touched.
//
// Packages initialise in dependency order, and among those ready in the
// order of their import paths; this one imports only os and runtime/debug,
// so it is ready, and runs, before the heavy ones (checked by
// TestCollectorOffDuringInit in cmd/stackgate).
package initgc

import (
	"os"
	"runtime/debug"
)

func init() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
	}
}
