package runner

import (
	"maps"
	"slices"
	"sync"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// A failure run is its control until its first failure strikes: the same
// scenario and seed, and nothing reads a failure before it strikes
// (agents.Model.Fork). So the control takes a checkpoint at the tick before,
// and the failure run carries on from it rather than running those ticks
// again: for the forest's failure at tick 400 of 1,000, 40% of the run.

// checkpoint is a control's state at a tick: its model, frozen (each run
// that carries on from it forks its own), and what its run had recorded by
// then, which is what the failure run records up to that tick.
type checkpoint struct {
	tick    int
	model   *agents.Model
	initial int // live agents at tick 0
	metrics []byte
	events  []byte
	kept    map[string][]float64
	last    []float64
	size    int // bytes held, roughly, for the Controls' bound
}

// forkTick is the tick a run of s carries on from its control's
// checkpoint, or 0 when it runs from the start: a first failure at tick 1
// leaves nothing to share.
func forkTick(s *scenarios.Scenario) int {
	if t := s.FirstFailure() - 1; t > 0 && t < s.Ticks {
		return t
	}
	return 0
}

// capture asks a control's run for a checkpoint at tick, handed to ready
// (nil when the run stops before). snaps, if set, observes the control up
// to tick for the failure run: its snapshots of those ticks.
type capture struct {
	tick  int
	ready func(*checkpoint)
	snaps func(*agents.Model) (sim.Observer, error)
	// progress reports the ticks up to tick for the failure run.
	progress func(tick int)
}

// checkpoint returns the state of m at this tick, with what rec has
// written since it began copying (openRecorder) and its series, and stops
// the copying.
func (rec *recorder) checkpoint(m *agents.Model, initial int) (*checkpoint, error) {
	metrics, err := rec.metrics.copied()
	if err != nil {
		return nil, err
	}
	events, err := rec.events.copied()
	if err != nil {
		return nil, err
	}
	frozen, err := m.Fork(m.Config())
	if err != nil {
		return nil, err
	}
	ck := &checkpoint{
		tick: m.Engine().Tick(), model: frozen, initial: initial,
		metrics: metrics, events: events,
		kept: maps.Clone(rec.kept), last: slices.Clone(rec.last),
	}
	ck.size = len(ck.metrics) + len(ck.events) + 8*len(ck.last) + frozen.Footprint()
	for _, s := range ck.kept {
		ck.size += 8 * len(s)
	}
	return ck, nil
}

// resume makes rec carry on from what ck recorded: its files start with
// ck's bytes, its series with ck's values.
func (rec *recorder) resume(ck *checkpoint) error {
	if _, err := rec.metrics.w.Write(ck.metrics); err != nil {
		return err
	}
	if _, err := rec.events.w.Write(ck.events); err != nil {
		return err
	}
	for _, n := range rec.keepNames {
		rec.kept[n] = slices.Clone(ck.kept[n])
	}
	rec.last = slices.Clone(ck.last)
	rec.lastTick = ck.tick
	return nil
}

// once hands a checkpoint to ready once, whichever comes first.
type once struct {
	o     sync.Once
	ready func(*checkpoint)
}

func (o *once) give(ck *checkpoint) {
	if o != nil && o.ready != nil {
		o.o.Do(func() { o.ready(ck) })
	}
}
