package sim

import (
	"testing"
	"time"
)

// chooseOver drives a coreChooser through n ticks of a world of 1,000
// agents whose tick takes alone or together per agent-step [ns] by
// the way it runs, and returns the ticks run alone and the trials made.
func chooseOver(n int, alone, together func(tick int) float64) (alones, trials int) {
	c := &coreChooser{}
	run := false
	for tick := range n {
		ns := together(tick)
		if run {
			ns = alone(tick)
			alones++
		}
		was := c.phase
		run = c.tick(time.Duration(ns*1000), 1000)
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
