package main

import (
	"fmt"
	"io"
	"time"
)

// logEvery is how often a long job whose output is not a terminal (a
// batch scheduler's log file, a pipe) prints a line of progress, where a
// bar cannot be drawn.
const logEvery = 30 * time.Second

// progressLog prints a line of progress at most every interval.
type progressLog struct {
	w     io.Writer
	name  string // what is under way: the scenario's name
	unit  string // what is counted: "ticks", "runs"
	every time.Duration
	now   func() time.Time
	// start is when counting began, at already done (runs recorded by an
	// earlier sweep into the same directory), so the rate is this
	// process's own.
	start, last time.Time
	already     int
}

func newProgressLog(w io.Writer, name, unit string, already int) *progressLog {
	t := time.Now()
	return &progressLog{w: w, name: name, unit: unit, every: logEvery, now: time.Now, start: t, last: t, already: already}
}

// report prints done of total, with extra after the count, when an
// interval has passed since the last line; the end is left to the job's
// own summary line.
func (p *progressLog) report(done, total int, extra string) {
	t := p.now()
	if t.Sub(p.last) < p.every || done >= total || total <= 0 {
		return
	}
	p.last = t
	el := t.Sub(p.start)
	line := fmt.Sprintf("%s: %d/%d %s%s, %d%% after %s", p.name, done, total, p.unit, extra, 100*done/total, el.Round(time.Second))
	if done > p.already {
		left := time.Duration(float64(el) * float64(total-done) / float64(done-p.already))
		line += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	fmt.Fprintln(p.w, line)
}
