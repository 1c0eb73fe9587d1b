package main

import (
	"os"
	"runtime/debug"
)

// runGC is how far simulate lets the heap grow, in percent, between
// collections while a world runs, instead of Go's default 100. A world's
// state is almost all long-lived and it allocates little per tick (births,
// new links), so collections stay rare, while the peak memory drops from
// about twice the live heap towards 1.25 times it. Measured, peak
// resident: 1,000,000 agents 1.71 GB at the default; 100,000 agents over
// 250 ticks 212 MB → 182 MB; the default forest (1,000 ticks, no charts)
// 43–45 MB → 38–40 MB, in the same 0.86–0.88 s.
const runGC = 25

// bigRunGC is runGC for a run estimated (Scenario.MemoryEstimate) at
// bigRun bytes or more. There the collector's extra passes cost nothing
// measurable, and the peak comes down towards 1.1 times the live heap.
// Measured, peak resident and time: 100,000 agents over 250 ticks 144–149
// → 138 MB in 4.6–4.7 s either way, over 3,000 ticks 218–221 → 203 MB;
// a million agents over 210 ticks 1.19 → 1.16 GB in 43–44 s. The default
// forest, far below bigRun, ran 3% slower at 10% (1.01–1.03 s →
// 1.04–1.07 s) for 1.5 MB less, so small runs keep runGC.
const (
	bigRunGC = 10
	bigRun   = 128 << 20
)

// tuneGC applies runGC, or bigRunGC for a run estimated at bigRun bytes
// or more, unless the user set GOGC or GOMEMLIMIT, which always win, and
// returns what puts the default back: the charts drawn after a run
// allocate many short-lived objects, which the default suits.
func tuneGC(estimate uint64) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := runGC
	if estimate >= bigRun {
		percent = bigRunGC
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}
