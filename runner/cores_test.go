package runner

import (
	"context"
	"runtime"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// TestUnpinnedRunsChooseTheirCores: on 2 cores, a run without a number of
// workers times its first windows and then tries one on a single core,
// however fast either is, so some of its ticks run alone; a run pinned to
// 2 workers runs none alone; and both give the same results. The summary
// counts the ticks by goroutines as well. The forest's
// ticks take at least 25 µs each, so 200 of them hold the first trial
// even when every window is as long as it can be.
func TestUnpinnedRunsChooseTheirCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	s, err := scenarios.Load("forest", []string{"ticks=200", "failures=[]"})
	if err != nil {
		t.Fatal(err)
	}
	unpinned, err := Measure(context.Background(), Options{Scenario: s, Mode: sim.ModeShards})
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := Measure(context.Background(), Options{Scenario: s, Mode: sim.ModeShards, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if unpinned.TicksAlone == 0 || unpinned.TicksAlone >= unpinned.TicksDone {
		t.Errorf("unpinned: %d of %d ticks alone; want some, not all", unpinned.TicksAlone, unpinned.TicksDone)
	}
	if pinned.TicksAlone != 0 || pinned.TicksByWorkers != nil {
		t.Errorf("pinned to 2 workers: %d ticks alone, ticks by goroutines %v", pinned.TicksAlone, pinned.TicksByWorkers)
	}
	if by := unpinned.TicksByWorkers; by[1] != unpinned.TicksAlone || by[1]+by[2] != unpinned.TicksDone || len(by) != 2 {
		t.Errorf("unpinned: ticks by goroutines %v, %d ticks alone of %d", by, unpinned.TicksAlone, unpinned.TicksDone)
	}
	if unpinned.Digests != pinned.Digests {
		t.Errorf("digests differ: unpinned %+v, pinned %+v", unpinned.Digests, pinned.Digests)
	}
	t.Logf("unpinned: %d of %d ticks alone", unpinned.TicksAlone, unpinned.TicksDone)
}
