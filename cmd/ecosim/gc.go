package main

import (
	"os"
	"runtime/debug"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// bigWorld is the memory estimate above which simulate lets the heap grow
// by bigWorldGC percent between collections instead of Go's default 100.
// A big world's state is almost all long-lived and it allocates little per
// tick (births), so collections stay rare while the peak memory drops from
// about twice the live heap to about 1.25 times it: measured on a
// 1,000,000-agent forest, 1.71 GB peak resident at the default.
const (
	bigWorld   = 512 << 20
	bigWorldGC = 25
)

// tuneGC applies the big-world collector setting unless the user set GOGC
// or GOMEMLIMIT, which always win. It reports whether it changed anything.
func tuneGC(s *scenarios.Scenario, mode sim.Mode) bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	if s.MemoryEstimate(mode == sim.ModeActors) < bigWorld {
		return false
	}
	debug.SetGCPercent(bigWorldGC)
	return true
}
