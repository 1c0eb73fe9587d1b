package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCForTheRunOnly(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	restore := tuneGC()
	if got := debug.SetGCPercent(runGC); got != runGC {
		t.Fatalf("collector at %d%% during the run, want %d%%", got, runGC)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("collector at %d%% after the run, want the default", got)
	}
	t.Setenv("GOGC", "200")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC set by the user was overridden during the run: %d%%", got)
	}
}
