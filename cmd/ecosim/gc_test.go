package main

import (
	"runtime/debug"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

func TestTuneGCOnlyForBigWorlds(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	small, err := scenarios.Load("tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	big, err := scenarios.Load("forest", []string{"world.width=3000", "world.height=3000", "trees.count=1500000"})
	if err != nil {
		t.Fatal(err)
	}
	if tuneGC(small, sim.ModeShards) || debug.SetGCPercent(100) != 100 {
		t.Fatal("a small world changed the collector setting")
	}
	if !tuneGC(big, sim.ModeShards) || debug.SetGCPercent(100) != bigWorldGC {
		t.Fatalf("a world estimated at %d MiB kept the default collector setting", big.MemoryEstimate(false)>>20)
	}
	t.Setenv("GOGC", "200")
	if tuneGC(big, sim.ModeShards) || debug.SetGCPercent(100) != 100 {
		t.Fatal("GOGC set by the user was overridden")
	}
}
