package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCForTheRunOnly(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		estimate uint64
		want     int
	}{{bigRun - 1, runGC}, {bigRun, bigRunGC}} {
		restore := tuneGC(c.estimate)
		if got := debug.SetGCPercent(c.want); got != c.want {
			t.Fatalf("estimate %d: collector at %d%% during the run, want %d%%", c.estimate, got, c.want)
		}
		restore()
		if got := debug.SetGCPercent(100); got != 100 {
			t.Fatalf("estimate %d: collector at %d%% after the run, want the default", c.estimate, got)
		}
	}
	t.Setenv("GOGC", "200")
	tuneGC(bigRun)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC set by the user was overridden during the run: %d%%", got)
	}
}
