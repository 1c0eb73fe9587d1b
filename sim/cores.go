package sim

import "time"

// coreChooser decides, window by window, whether an adaptive engine's
// parallel steps run on all its goroutines or on its own goroutine alone.
// Which is faster depends on the world and on the machine at the time, and
// the agent count does not foretell it: on a 2-core virtual machine whose
// cores pass cache lines between them slowly at some times and quickly at
// others, worlds of a few hundred agents ran 0.5–0.8 times as fast on 2
// cores as on 1 in the slow state, and a forest of 10,000 agents 0.9–2.4
// times as fast (BENCHMARKS.md). So the engine measures as it runs.
//
// A run goes in windows of ticks long enough to time (windowTime). Every so
// many windows (gap) one window runs the other way, a trial, and the window
// after it the current way again; the other way is taken when the trial
// cost less per agent-step than both windows around it. The gap grows
// while trials confirm the current way, four times over when the trial was
// far slower, so that a run loses little to them; it starts again from
// firstGap after a change. Results never depend on the choice: every step's
// pieces give the same result on whichever goroutine runs them.
type coreChooser struct {
	alone bool // the current way: the engine's goroutine alone
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

// alones reports how the next tick runs.
func (c *coreChooser) alones() bool { return c.alone != (c.phase == 1) }

// tick takes the wall time of the tick just run and its agent-steps, and
// reports whether the next tick runs alone.
func (c *coreChooser) tick(d time.Duration, steps int64) bool {
	if !c.started {
		// A run's first tick starts what later ticks reuse, so it
		// times nothing but its own length.
		c.started = true
		c.ticks, c.left = windowTicks(d, 1), windowTicks(d, 1)
		c.gap, c.wait = firstGap, firstGap
		return c.alones()
	}
	c.dur += d
	c.steps += steps
	if c.left--; c.left > 0 {
		return c.alones()
	}
	cost := float64(c.dur) / float64(max(c.steps, 1))
	c.ticks = windowTicks(c.dur, c.ticks)
	c.left, c.dur, c.steps = c.ticks, 0, 0
	switch c.phase {
	case 0:
		if c.wait--; c.wait <= 0 {
			c.before, c.phase = cost, 1
		}
	case 1:
		c.trial, c.phase = cost, 2
	case 2:
		c.phase = 0
		switch {
		case c.trial < min(c.before, cost):
			c.alone, c.gap = !c.alone, firstGap
		case c.trial > 1.25*max(c.before, cost):
			c.gap = min(4*c.gap, maxGap)
		default:
			c.gap = min(2*c.gap, maxGap)
		}
		c.wait = c.gap
	}
	return c.alones()
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
