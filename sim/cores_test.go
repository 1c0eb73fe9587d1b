package sim

import (
	"slices"
	"testing"
	"time"
)

// chooseOver drives a coreChooser through n ticks of a world of 1,000
// agents whose tick takes alone or together per agent-step [ns] by
// the way it runs, and returns the ticks run alone and the trials made.
func chooseOver(n int, alone, together func(tick int) float64) (alones, trials int) {
	c := newCoreChooser(2)
	run := false
	for tick := range n {
		ns := together(tick)
		if run {
			ns = alone(tick)
			alones++
		}
		was := c.phase
		run = c.tick(time.Duration(ns*1000), 1000) == 1
		if was == 0 && c.phase == 1 {
			trials++
		}
	}
	return alones, trials
}

func steady(ns float64) func(int) float64 { return func(int) float64 { return ns } }

// TestCoreChooserTakesTheFasterWay: with ticks of 1 ms together, a world
// that runs in half the time alone must run nearly all its ticks alone,
// and one that runs twice as long alone nearly none, its trials growing
// rarer; when the machine changes halfway, so must the choice.
func TestCoreChooserTakesTheFasterWay(t *testing.T) {
	const n = 20000
	alones, trials := chooseOver(n, steady(500), steady(1000))
	if alones < n*95/100 {
		t.Errorf("alone twice as fast: %d of %d ticks alone", alones, n)
	}
	t.Logf("alone faster: %d of %d ticks alone, %d trials", alones, n, trials)
	alones, trials = chooseOver(n, steady(2000), steady(1000))
	if alones > n/100 {
		t.Errorf("alone half as fast: %d of %d ticks alone", alones, n)
	}
	// Windows of 5 ticks; trials after 4, 16, 64, then every 256
	// windows: far fewer than a fixed gap of 4 windows would make.
	if trials > n/5/256+5 {
		t.Errorf("alone half as fast: %d trials in %d ticks", trials, n)
	}
	t.Logf("together faster: %d of %d ticks alone, %d trials", alones, n, trials)
	flip := func(a, b float64) func(int) float64 {
		return func(tick int) float64 {
			if tick < n {
				return a
			}
			return b
		}
	}
	alones, _ = chooseOver(2*n, flip(2000, 500), steady(1000))
	if alones < n*8/10 || alones > n*12/10 {
		t.Errorf("alone faster from halfway: %d of %d ticks alone", alones, 2*n)
	}
}

// TestCoreChooserTakesNoNoise: when both ways cost the same, give or take
// a tenth from tick to tick, trials must not make up more than a small
// part of the run.
func TestCoreChooserTakesNoNoise(t *testing.T) {
	const n = 20000
	jitter := func(tick int) float64 { return 1000 * (1 + 0.1*float64((tick*7919)%11-5)/5) }
	_, trials := chooseOver(n, jitter, jitter)
	if trials > n/5/20 {
		t.Errorf("%d trials in %d ticks of windows of 5 ticks", trials, n)
	}
	t.Logf("%d trials", trials)
}

// TestCoreChooserClimbsTheLadder: on 8 cores, with the cost per
// agent-step lowest at 4 goroutines, the chooser must move from all 8 to 4
// and spend nearly all the run there; with it lowest at 1, it must go all
// the way down, even when the rungs between are no faster than 8; and
// with it lowest at 8, stay.
func TestCoreChooserClimbsTheLadder(t *testing.T) {
	const n = 20000
	for _, c := range []struct {
		cost map[int]float64
		best int
	}{
		{map[int]float64{1: 1000, 2: 600, 4: 400, 8: 500}, 4},
		{map[int]float64{1: 400, 2: 600, 4: 800, 8: 1000}, 1},
		{map[int]float64{1: 3000, 2: 1600, 4: 900, 8: 500}, 8},
		// No rung between is faster than all 8, yet one alone is.
		{map[int]float64{1: 400, 2: 1100, 4: 1000, 8: 1000}, 1},
	} {
		ch := newCoreChooser(8)
		if got := ch.ladder; !slices.Equal(got, []int{1, 2, 4, 8}) {
			t.Fatalf("ladder %v", got)
		}
		w, at := ch.workers(), map[int]int{}
		for range n {
			at[w]++
			w = ch.tick(time.Duration(c.cost[w]*1000), 1000)
		}
		if at[c.best] < n*9/10 {
			t.Errorf("costs %v: ticks by goroutines %v; want nine in ten or more on %d", c.cost, at, c.best)
		}
		t.Logf("costs %v: ticks by goroutines %v", c.cost, at)
	}
	for n, want := range map[int][]int{1: {1}, 2: {1, 2}, 3: {1, 2, 3}, 6: {1, 2, 4, 6}, 16: {1, 2, 4, 8, 16}} {
		if got := WorkerLadder(n); !slices.Equal(got, want) || !slices.Equal(newCoreChooser(n).ladder, want) {
			t.Errorf("%d goroutines: ladder %v, want %v", n, got, want)
		}
	}
}

// TestForkedChooserKeepsItsCount: a fork's chooser starts on the count
// its parent chose, and tries the others again soon.
func TestForkedChooserKeepsItsCount(t *testing.T) {
	c := newCoreChooser(2)
	for range 5000 {
		w := c.workers()
		c.tick(time.Duration(map[int]float64{1: 500, 2: 1000}[w]*1000), 1000)
	}
	if c.workers() != 1 || c.gap[wayUp] <= firstGap {
		t.Fatalf("parent on %d goroutines, gap %d: the test wants it settled on 1", c.workers(), c.gap[wayUp])
	}
	f := c.clone()
	if f.workers() != 1 || f.wait[wayUp] > firstGap+1 || f.phase != 0 {
		t.Errorf("fork on %d goroutines, %d windows to its first trial, phase %d", f.workers(), f.wait[wayUp], f.phase)
	}
	if (*coreChooser)(nil).clone() != nil {
		t.Error("a nil chooser's clone is not nil")
	}
}

// TestWindowTicks: a window lasts windowTime, within its bounds.
func TestWindowTicks(t *testing.T) {
	for _, c := range []struct {
		d     time.Duration
		ticks int
		want  int
	}{
		{time.Millisecond, 1, 5},
		{10 * time.Millisecond, 5, 3},
		{time.Microsecond, 1, maxWindow},
		{time.Second, 1, 1},
		{3 * time.Millisecond, 2, 4},
		{0, 1, maxWindow},
	} {
		if got := windowTicks(c.d, c.ticks); got != c.want {
			t.Errorf("windowTicks(%v, %d) = %d, want %d", c.d, c.ticks, got, c.want)
		}
	}
}

// TestForkStartsOnItsParentsCount: an engine's fork carries on with a
// chooser of its own, on the count its parent's chose.
func TestForkStartsOnItsParentsCount(t *testing.T) {
	m := &readsOne{splitToy{got: make([]float64, senders)}}
	e := NewEngine(Config{Seed: 1, Ticks: 1, Workers: 2, Adaptive: true}, m)
	e.Spawn(&kindSender{})
	e.cores = newCoreChooser(2)
	e.cores.started, e.cores.level = true, 0
	e.cores.gap, e.cores.wait = [ways]int{maxGap, maxGap, maxGap}, [ways]int{maxGap, maxGap, maxGap}
	f := e.Fork(m, func(a Agent) Agent { return a })
	if f.cores == nil || f.cores == e.cores {
		t.Fatalf("the fork's chooser is %p, its parent's %p", f.cores, e.cores)
	}
	if f.cores.workers() != 1 || f.cores.wait[wayUp] > firstGap+1 {
		t.Errorf("the fork starts on %d goroutines, its first trial in %d windows", f.cores.workers(), f.cores.wait[wayUp])
	}
}
