package sim

import (
	"slices"
	"time"
)

// coreChooser decides, window by window, how many of an adaptive engine's
// goroutines share its parallel steps: its own alone, all of them, or, on a
// machine of more than two cores, a number between. Which is fastest
// depends on the world and on the machine at the time, and the agent count
// does not foretell it: on a 2-core virtual machine whose cores pass cache
// lines between them slowly at some times and quickly at others, worlds of
// a few hundred agents ran 0.5–0.8 times as fast on 2 cores as on 1 in the
// slow state, and a forest of 10,000 agents 0.9–2.4 times as fast
// (BENCHMARKS.md). So the engine measures as it runs.
//
// The counts it moves between make a ladder, 1, 2, 4 and so on doubling,
// then all (1 and 2 on two cores). A run goes in windows of ticks long
// enough to time (windowTime). Every so many windows (gap) one window runs
// a rung up or down from the current one, a trial, and the window after it
// the current way again; the trial's count is taken when it cost less per
// agent-step than both windows around it. Trials alternate up and down
// where both exist, and after a move the next goes the same way. The gap
// grows while trials confirm the current count, four times over when the
// trial was far slower, so that a run loses little to them; it starts
// again from firstGap after a move. Results never depend on the choice:
// every step's pieces give the same result on whichever goroutine runs
// them.
type coreChooser struct {
	ladder []int // the counts of goroutines it chooses from, ascending
	level  int   // the current count's rung
	try    int   // the trial's rung, while one is under way
	up     bool  // the next trial's direction, where there is a choice
	// phase is where the trial stands: 0 none under way, 1 the trial
	// window, 2 the window after it.
	phase int
	ticks int // ticks a window, from the last window's ticks
	left  int // ticks left in the current window
	gap   int // windows the current way between trials
	wait  int // windows left before the next trial
	// The current window's time and agent-steps so far.
	dur   time.Duration
	steps int64
	// Costs per agent-step [ns] of the window before the trial and of
	// the trial.
	before, trial float64
	// started is set once the run's first tick is seen.
	started bool
	// ran counts the ticks run on each rung, for tests and reports.
	ran []int
}

// newCoreChooser returns a chooser for an engine of n goroutines, which
// starts on all of them.
func newCoreChooser(n int) *coreChooser {
	var ladder []int
	for k := 1; k < n; k *= 2 {
		ladder = append(ladder, k)
	}
	ladder = append(ladder, max(n, 1))
	return &coreChooser{ladder: ladder, level: len(ladder) - 1, ran: make([]int, len(ladder))}
}

// clone returns a chooser for a run that carries on from c's (a fork):
// it starts on the count c has found, in the same windows, and tries the
// others again soon, since the run may change the world.
func (c *coreChooser) clone() *coreChooser {
	if c == nil {
		return nil
	}
	d := *c
	d.ladder, d.ran = slices.Clone(c.ladder), make([]int, len(c.ladder))
	d.phase, d.dur, d.steps = 0, 0, 0
	d.left = d.ticks
	d.gap, d.wait = firstGap, firstGap
	return &d
}

// windowTime is the least a window lasts: long enough that a tick's
// jitter on a shared machine (tens of microseconds) is a few percent of
// it, short enough that a trial the other way, when that way is much
// slower, costs a run little. maxWindow caps a window of tiny ticks. The
// first trial comes after firstGap windows, and the gap between trials
// grows to maxGap: one trial window in 258 then costs a run under 1% even
// where the other way is twice as slow.
const (
	windowTime = 5 * time.Millisecond
	maxWindow  = 1000
	firstGap   = 4
	maxGap     = 256
)

// workers reports how many goroutines share the next tick.
func (c *coreChooser) workers() int {
	if c.phase == 1 {
		return c.ladder[c.try]
	}
	return c.ladder[c.level]
}

// tick takes the wall time of the tick just run and its agent-steps, and
// reports how many goroutines share the next.
func (c *coreChooser) tick(d time.Duration, steps int64) int {
	if c.phase == 1 {
		c.ran[c.try]++
	} else {
		c.ran[c.level]++
	}
	if !c.started {
		// A run's first tick starts what later ticks reuse, so it
		// times nothing but its own length.
		c.started = true
		c.ticks, c.left = windowTicks(d, 1), windowTicks(d, 1)
		c.gap, c.wait = firstGap, firstGap
		return c.workers()
	}
	c.dur += d
	c.steps += steps
	if c.left--; c.left > 0 {
		return c.workers()
	}
	cost := float64(c.dur) / float64(max(c.steps, 1))
	c.ticks = windowTicks(c.dur, c.ticks)
	c.left, c.dur, c.steps = c.ticks, 0, 0
	switch c.phase {
	case 0:
		if c.wait--; c.wait <= 0 && len(c.ladder) > 1 {
			up := c.level == 0 || c.up && c.level < len(c.ladder)-1
			c.try = c.level - 1
			if up {
				c.try = c.level + 1
			}
			c.before, c.phase = cost, 1
		}
	case 1:
		c.trial, c.phase = cost, 2
	case 2:
		c.phase = 0
		up := c.try > c.level
		switch {
		case c.trial < min(c.before, cost):
			c.level, c.gap = c.try, firstGap
			c.up = up // on the way it went
		case c.trial > 1.25*max(c.before, cost):
			c.gap = min(4*c.gap, maxGap)
			c.up = !up
		default:
			c.gap = min(2*c.gap, maxGap)
			c.up = !up
		}
		c.wait = c.gap
	}
	return c.workers()
}

// windowTicks is how many ticks make a window, given that ticks of them
// took d: a tick of windowTime or more makes a window on its own, so that
// a world of long ticks, which more cores usually help, spends one tick on
// a trial alone.
func windowTicks(d time.Duration, ticks int) int {
	if d <= 0 {
		return maxWindow
	}
	n := int((windowTime*time.Duration(ticks) + d - 1) / d)
	return min(max(n, 1), maxWindow)
}
