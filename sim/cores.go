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
// enough to time (windowTime). Every so many windows one window runs a
// trial, a rung down, a rung up, or from above the second rung on one
// goroutine alone (a world that runs fastest so may run no faster on 2 of
// 8 than on 4), and the window after it the current way again; the trial's
// count is taken when it cost less per agent-step than both windows around
// it. Each of the three ways has its own gap between trials, which grows
// while trials that way confirm the current count, four times over when
// the trial was far slower, so that a run loses little to them, and a way
// that is far slower does not keep the others from being tried. The gaps
// start again from firstGap after a move, the way just taken first.
// Results never depend on the choice: every step's pieces give the same
// result on whichever goroutine runs them.
type coreChooser struct {
	ladder []int // the counts of goroutines it chooses from, ascending
	level  int   // the current count's rung
	way    int   // the trial's way, while one is under way: its rung is target(way)
	// phase is where the trial stands: 0 none under way, 1 the trial
	// window, 2 the window after it.
	phase int
	ticks int // ticks a window, from the last window's ticks
	left  int // ticks left in the current window
	// By way: windows the current way between trials, and windows left
	// before the next.
	gap, wait [ways]int
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

// The ways a trial goes from the current rung, in the order they are
// tried when more than one is due.
const (
	wayDown = iota
	wayAlone
	wayUp
	ways
)

// WorkerLadder is the numbers of goroutines an adaptive engine of n
// chooses among for its parallel steps (Config.Adaptive): 1, 2, 4 and so
// on doubling below n, then n.
func WorkerLadder(n int) []int {
	var ladder []int
	for k := 1; k < n; k *= 2 {
		ladder = append(ladder, k)
	}
	return append(ladder, max(n, 1))
}

// newCoreChooser returns a chooser for an engine of n goroutines, which
// starts on all of them.
func newCoreChooser(n int) *coreChooser {
	ladder := WorkerLadder(n)
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
	d.restart(wayDown)
	return &d
}

// restart sets every way's gap to firstGap, way first due.
func (c *coreChooser) restart(way int) {
	for w := range ways {
		c.gap[w], c.wait[w] = firstGap, firstGap+1
	}
	c.wait[way] = firstGap
}

// target is the rung a trial goes to the given way, or -1 if there is none
// that way from the current rung.
func (c *coreChooser) target(way int) int {
	switch {
	case way == wayDown && c.level > 0:
		return c.level - 1
	case way == wayUp && c.level < len(c.ladder)-1:
		return c.level + 1
	case way == wayAlone && c.level > 1:
		return 0
	}
	return -1
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
		return c.ladder[c.target(c.way)]
	}
	return c.ladder[c.level]
}

// tick takes the wall time of the tick just run and its agent-steps, and
// reports how many goroutines share the next.
func (c *coreChooser) tick(d time.Duration, steps int64) int {
	if c.phase == 1 {
		c.ran[c.target(c.way)]++
	} else {
		c.ran[c.level]++
	}
	if !c.started {
		// A run's first tick starts what later ticks reuse, so it
		// times nothing but its own length.
		c.started = true
		c.ticks, c.left = windowTicks(d, 1), windowTicks(d, 1)
		c.restart(wayDown)
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
		due := -1
		for w := range ways {
			if c.target(w) < 0 {
				continue
			}
			if c.wait[w]--; c.wait[w] <= 0 && due < 0 {
				due = w
			}
		}
		if due >= 0 {
			c.way = due
			c.before, c.phase = cost, 1
		}
	case 1:
		c.trial, c.phase = cost, 2
	case 2:
		c.phase = 0
		w := c.way
		switch {
		case c.trial < min(c.before, cost):
			c.level = c.target(w)
			c.restart(w)
			return c.workers()
		case c.trial > 1.25*max(c.before, cost):
			c.gap[w] = min(4*c.gap[w], maxGap)
		default:
			c.gap[w] = min(2*c.gap[w], maxGap)
		}
		c.wait[w] = c.gap[w]
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
