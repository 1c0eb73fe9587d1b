package runner

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/ecosim/ecosim/internal/atomicfile"
	"github.com/ecosim/ecosim/sim"
)

// Controls shares control runs between the runs of a sweep whose controls
// are the same experiment. A control is the scenario with its failures
// removed, so a sweep that varies only failures (how hard, when, which
// hubs) has one control per replicate seed, whatever the point: running
// it again at every point was half of such a sweep's work. A control is
// known by the digest of its resolved scenario, seed included, and runs
// are deterministic, so a control run once gives every run that shares it
// the same bits it would have computed itself. A run directory (Run) gets
// the control's files hard-linked from a copy the Controls keeps in its
// own directory, the same bytes as the control's run writes but for the
// wall times in its summary.json; without that directory, run directories
// keep their own controls.
//
// A control's run also takes a checkpoint for the run that started it, at
// the tick before that run's first failure, and every run whose failures
// strike after it carries on from there (see checkpoint): a sweep of
// failure fractions runs the ticks before the failure once a seed.
//
// The controls kept are bounded by the bytes of their series and
// checkpoints, least recently used first out; a control still being run is
// waited for, not run twice. A Controls is safe for concurrent use.
type Controls struct {
	dir   string
	mu    sync.Mutex
	max   int
	bytes int
	// maxCk bounds the bytes of the checkpoints kept (ckBytes); over it,
	// the least recently used controls let go of their checkpoints first,
	// and keep their series.
	maxCk   int
	ckBytes int
	entries map[string]*control
	lru     *list.List // of keys, most recently used first
	ran     int
	shared  int
	waiting int // gets waiting for a control under way
	forked  int // runs that carried on from a control's checkpoint
	// expect counts, by control, the runs still to ask for it, where the
	// caller said (Expect).
	expect map[string]int
}

// control is one control run, done once done is closed; ok reports that
// it finished (its result, a failure of the model included, is the
// control's), rather than being interrupted or failing to run.
type control struct {
	done   chan struct{}
	ok     bool
	sum    *Summary
	series map[string][]float64
	runErr error
	size   int
	elem   *list.Element
	// saved is the copy of its directory, for run directories, in a
	// directory of its own, never another entry's; files names what
	// the copy holds, so that a copy let go while it is being linked
	// shows as a file missing, not as fewer files.
	saved string
	files []string
	// ck is the checkpoint its run took for the run that started it, at
	// the tick before that run's first failure, once ckDone is closed
	// (nil if it took none, or once let go); runs whose failures come
	// later carry on from it too. Both are guarded by the Controls' mu.
	ck     *checkpoint
	ckDone chan struct{}
	ckSet  bool
}

// checkpointed closes e's ckDone with ck, once.
func (c *Controls) checkpointed(e *control, ck *checkpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !e.ckSet {
		e.ck, e.ckSet = ck, true
		close(e.ckDone)
	}
}

// NewControls keeps up to maxBytes of the controls' series and
// checkpointBytes of their checkpoints, and the files of the controls of
// run directories in dir, which it empties first and which the caller
// removes when done (Close); "" shares no control of a run directory.
func NewControls(maxBytes, checkpointBytes int, dir string) (*Controls, error) {
	if dir != "" {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	return &Controls{dir: dir, max: maxBytes, maxCk: checkpointBytes, entries: map[string]*control{}, lru: list.New()}, nil
}

// Close removes the controls' files kept for run directories; the run
// directories' links to them stay.
func (c *Controls) Close() error {
	if c.dir == "" {
		return nil
	}
	return os.RemoveAll(c.dir)
}

// Stats reports how many controls were run and how many runs took a
// control already run.
func (c *Controls) Stats() (ran, shared int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ran, c.shared
}

// Expect says that n more runs will ask for the control known by key (the
// digest of the control's scenario), so that its checkpoint is let go once
// the last of them has taken it, rather than held in case another asks: in
// a sweep of replicates alone, every control has one run.
func (c *Controls) Expect(key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expect == nil {
		c.expect = map[string]int{}
	}
	c.expect[key] += n
}

// last counts a run asking for the control known by key, and reports
// whether it is the last one expected.
func (c *Controls) last(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.expect[key]
	if !ok {
		return false
	}
	if n <= 1 {
		delete(c.expect, key)
		return true
	}
	c.expect[key] = n - 1
	return false
}

// letGo drops e's checkpoint, which no run expected will ask for again.
func (c *Controls) letGo(e *control) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.ck != nil && e.elem != nil {
		c.ckBytes -= e.ck.size
	}
	e.ck = nil
}

// Forked reports how many runs carried on from their control's state at
// the tick before their first failure (a checkpoint its run took), rather
// than running the ticks before again.
func (c *Controls) Forked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.forked
}

// getForking returns the control known by key, from an earlier run or one
// under way, or runs it with run and keeps it. into is the control's
// directory in a run directory, where run writes it or its files are
// linked, or "" for a run kept in memory. For a failure run that carries on
// from its control's checkpoint (cp), cp.ready has been given, before it
// returns, a checkpoint at cp.tick or before, the one this control's run
// took, or nil.
func (c *Controls) getForking(ctx context.Context, key, into string, cp *capture, run func(context.Context, *capture) (*Summary, map[string][]float64, error, error)) (*Summary, map[string][]float64, error, error) {
	gave := &once{}
	if cp != nil {
		gave.ready = func(ck *checkpoint) {
			if ck != nil {
				c.mu.Lock()
				c.forked++
				c.mu.Unlock()
			}
			cp.ready(ck)
		}
		defer gave.give(nil)
	}
	last := c.last(key)
	if into != "" {
		if c.dir == "" {
			var own *capture
			if cp != nil {
				own = &capture{tick: cp.tick, progress: cp.progress, snaps: cp.snaps, ready: gave.give}
			}
			return run(ctx, own)
		}
		key += ".dir" // the same control with its files, kept apart
	}
	for {
		c.mu.Lock()
		e := c.entries[key]
		if e == nil {
			e = &control{done: make(chan struct{}), ckDone: make(chan struct{})}
			c.entries[key] = e
			c.mu.Unlock()
			var ecp *capture
			if cp != nil {
				ecp = &capture{tick: cp.tick, progress: cp.progress, ready: func(ck *checkpoint) {
					if last {
						// No other run will ask for it.
						c.checkpointed(e, nil)
					} else {
						c.checkpointed(e, ck)
					}
					gave.give(ck)
				}}
			} else {
				c.checkpointed(e, nil)
			}
			return c.run(ctx, key, into, e, func(ctx context.Context) (*Summary, map[string][]float64, error, error) { return run(ctx, ecp) })
		}
		c.waiting++
		c.mu.Unlock()
		if cp != nil {
			// Its run closes ckDone before done.
			select {
			case <-e.ckDone:
				c.mu.Lock()
				ck := e.ck
				c.mu.Unlock()
				if ck != nil && ck.tick <= cp.tick {
					gave.give(ck)
				} else {
					gave.give(nil)
				}
				if last {
					c.letGo(e)
				}
			case <-ctx.Done():
			}
		}
		select {
		case <-e.done:
		case <-ctx.Done():
		}
		c.mu.Lock()
		c.waiting--
		if ctx.Err() != nil {
			c.mu.Unlock()
			return nil, nil, sim.ErrInterrupted, nil
		}
		if e.ok {
			c.shared++
			if e.elem != nil {
				c.lru.MoveToFront(e.elem)
			}
			c.mu.Unlock()
			if into != "" {
				if _, err := linkFiles(e.saved, into, e.files); err != nil {
					// The copy was let go (evicted) while it was being
					// linked: what was linked goes, so that a control
					// run here writes files of its own rather than into
					// the shared ones, and this run tries again.
					if rerr := emptyDir(into); rerr != nil {
						return nil, nil, nil, rerr
					}
					if errors.Is(err, fs.ErrNotExist) {
						continue
					}
					return nil, nil, nil, err
				}
			}
			return e.sum, e.series, e.runErr, nil
		}
		c.mu.Unlock()
		// Its run was interrupted with the run that started it, or could
		// not run: this run tries for itself.
	}
}

// run runs the control of entry e and keeps it, or lets go of e for
// another run to try again.
func (c *Controls) run(ctx context.Context, key, into string, e *control, run func(context.Context) (*Summary, map[string][]float64, error, error)) (*Summary, map[string][]float64, error, error) {
	sum, series, runErr, err := run(ctx)
	c.checkpointed(e, nil) // if its run took none
	kept := true
	if err == nil && into != "" && !errors.Is(runErr, sim.ErrInterrupted) {
		saved, lerr := os.MkdirTemp(c.dir, "control-")
		if lerr == nil {
			e.files, lerr = linkFiles(into, saved, nil)
		}
		if lerr != nil {
			// This run has its control; the others run their own.
			if saved != "" {
				os.RemoveAll(saved)
			}
			kept = false
		}
		e.saved = saved
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.done)
	if err != nil || errors.Is(runErr, sim.ErrInterrupted) {
		delete(c.entries, key)
		return sum, series, runErr, err
	}
	c.ran++
	if !kept {
		delete(c.entries, key)
		return sum, series, runErr, nil
	}
	e.ok, e.sum, e.series, e.runErr = true, sum, series, runErr
	for _, s := range series {
		e.size += 8 * len(s)
	}
	if e.size > c.max {
		// Too big to keep; those waiting for it still get it, and its
		// files stay for them until Close.
		delete(c.entries, key)
		return sum, series, runErr, nil
	}
	e.elem = c.lru.PushFront(key)
	c.bytes += e.size
	if e.ck != nil {
		c.ckBytes += e.ck.size
		for el := c.lru.Back(); c.ckBytes > c.maxCk && el != nil; el = el.Prev() {
			if old := c.entries[el.Value.(string)]; old.ck != nil {
				c.ckBytes -= old.ck.size
				old.ck = nil
			}
		}
	}
	for c.bytes > c.max {
		old := c.lru.Back()
		k := old.Value.(string)
		gone := c.entries[k]
		c.bytes -= gone.size
		if gone.ck != nil {
			// Let go here, so that a run still holding the entry does
			// not count it out again (letGo).
			c.ckBytes -= gone.ck.size
			gone.ck = nil
		}
		gone.elem = nil
		c.lru.Remove(old)
		delete(c.entries, k)
		if gone.saved != "" {
			os.RemoveAll(gone.saved)
		}
	}
	return sum, series, runErr, nil
}

// emptyDir removes dir, and the links in it, and makes it again, empty.
func emptyDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Mkdir(dir, 0o755)
}

// linkFiles links the files names of directory src (nil: every file there)
// into directory dst (atomicfile.Link), and returns their names.
func linkFiles(src, dst string, names []string) ([]string, error) {
	if names == nil {
		entries, err := os.ReadDir(src)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				return nil, fmt.Errorf("runner: %s is not a file", filepath.Join(src, e.Name()))
			}
			names = append(names, e.Name())
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	for _, n := range names {
		if err := atomicfile.Link(filepath.Join(src, n), filepath.Join(dst, n)); err != nil {
			return nil, err
		}
	}
	return names, nil
}
