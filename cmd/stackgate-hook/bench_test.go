package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stackgate/stackgate/hooks"
)

// warmInvocations is how many RESOURCE invocations the warm figures are
// taken over (at least; more with -benchtime=Nx).
const warmInvocations = 1000

// coldStarts is how many fresh processes the cold start is the median of.
const coldStarts = 5

// BenchmarkHookBootstrap measures the real bootstrap binary through the
// Lambda Runtime API, as Lambda runs it:
//
//   - cold-ms: from process start to the first response of a RESOURCE
//     invocation (configuration read, rules compiled, one evaluation),
//     the median of 5 processes, in wall time (cold-ms) and in CPU time
//     of the process (cold-cpu-ms, 10 ms resolution: what a loaded
//     machine does not inflate);
//   - p50-ms, p99-ms: warm latency of a RESOURCE invocation (from the
//     event queued to the response received), over 1,000 invocations
//     alternating a compliant and a non-compliant event, none an error;
//   - peak-rss-MB: the bootstrap process's peak resident set (VmHWM)
//     after them.
//
// ns/op is the mean warm invocation. Targets: cold start under 150 ms,
// warm p99 under 10 ms.
//
//	go test ./cmd/stackgate-hook -run '^$' -bench HookBootstrap -benchtime 1x
func BenchmarkHookBootstrap(b *testing.B) {
	events := [][]byte{readEvent(b, "resource-create-compliant"), readEvent(b, "resource-create-noncompliant")}
	bootstrap(b) // the build is not part of any figure

	var colds, cpus []time.Duration
	var f *function
	for i := range coldStarts {
		f = startFunction(b, hookConfig)
		r := f.invoke(b, fmt.Sprintf("cold-%d", i), events[0])
		decodeResponse(b, r)
		colds = append(colds, r.at.Sub(f.started))
		cpus = append(cpus, f.cpuTime(b))
	}
	slices.Sort(colds)
	slices.Sort(cpus)

	n := max(b.N, warmInvocations)
	lat := make([]time.Duration, 0, n)
	b.ResetTimer()
	for i := range n {
		ev := events[i%2]
		start := time.Now()
		r := f.invoke(b, fmt.Sprintf("warm-%d", i), ev)
		lat = append(lat, r.at.Sub(start))
		resp := decodeResponse(b, r)
		want := hooks.StatusSuccess
		if i%2 == 1 {
			want = hooks.StatusFailed
		}
		if resp.HookStatus != want || resp.ErrorCode == hooks.ErrorInternalFailure {
			b.Fatalf("invocation %d: %s/%s: %s", i, resp.HookStatus, resp.ErrorCode, resp.Message)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	rss := f.peakRSS(b)
	b.ReportMetric(float64(sum.Nanoseconds())/float64(len(lat)), "ns/op")
	b.ReportMetric(ms(colds[len(colds)/2]), "cold-ms")
	b.ReportMetric(ms(cpus[len(cpus)/2]), "cold-cpu-ms")
	b.ReportMetric(ms(p(0.50)), "p50-ms")
	b.ReportMetric(ms(p(0.99)), "p99-ms")
	b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
	b.Logf("cold start (median of %d processes): %.1f ms wall (all: %v), %.0f ms CPU to the first response; warm over %d invocations: p50 %.2f ms, p99 %.2f ms, max %.2f ms; peak RSS %.1f MB",
		coldStarts, ms(colds[len(colds)/2]), colds, ms(cpus[len(cpus)/2]), len(lat), ms(p(0.50)), ms(p(0.99)), ms(lat[len(lat)-1]), float64(rss)/(1<<20))
}
