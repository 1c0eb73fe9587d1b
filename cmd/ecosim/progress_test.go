package main

import (
	"strings"
	"testing"
	"time"
)

// TestProgressLog: off a terminal a line comes at most every interval,
// with the share done and the time left at this process's own rate (runs
// recorded before it started do not count towards the rate); none at the
// end, which the job's summary line reports.
func TestProgressLog(t *testing.T) {
	var b strings.Builder
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newProgressLog(&b, "forest", "runs", 100)
	l.now = func() time.Time { return clock }
	l.start, l.last = clock, clock
	step := func(d time.Duration, done int) {
		clock = clock.Add(d)
		l.report(done, 400, " (1 failed)")
	}
	step(10*time.Second, 110) // too soon
	step(20*time.Second, 130) // 30 s in: 30 runs in 30 s, 270 left
	step(29*time.Second, 150) // too soon after the last
	step(31*time.Second, 190) // 90 runs in 90 s, 210 left
	step(time.Minute, 400)    // the end
	want := "forest: 130/400 runs (1 failed), 32% after 30s, about 4m30s left\n" +
		"forest: 190/400 runs (1 failed), 47% after 1m30s, about 3m30s left\n"
	if b.String() != want {
		t.Errorf("got:\n%swant:\n%s", b.String(), want)
	}
}
