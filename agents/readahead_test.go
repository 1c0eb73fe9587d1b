package agents

import (
	"context"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecosim/ecosim/sim"
)

// rows keeps every indicator row a run records.
type rows [][]float64

func (r *rows) Tick(_ int, row []float64) error {
	*r = append(*r, append([]float64(nil), row...))
	return nil
}
func (r *rows) Event(sim.Event) error { return nil }

// TestReadAheadChangesNothing asks for the read-ahead of every live agent,
// each naming another live agent, of any kind, or none, as actors mode's
// runs do, in random worlds with every process on, and runs the world
// on beside a fork of it made before: every indicator of every tick must
// be the same to the bit, and the model's own audit must pass.
func TestReadAheadChangesNothing(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := randomConfig(rt)
		cfg.Failures = nil // a fork needs failures yet to strike
		m, e, err := Build(cfg, sim.Config{Seed: rapid.Uint64().Draw(rt, "seed"), Ticks: 20, Mode: sim.ModeShards})
		if err != nil {
			rt.Fatal(err)
		}
		if err := e.Advance(context.Background(), 12); err != nil {
			rt.Fatal(err)
		}
		f, err := m.Fork(cfg)
		if err != nil {
			rt.Fatal(err)
		}
		live := e.Live()
		for i, id := range live {
			next := int32(-1)
			if k := rapid.IntRange(-1, len(live)-1).Draw(rt, "next"); k >= 0 {
				next = live[k]
			}
			m.ReadAhead(id, next)
			if i+1 < len(live) {
				m.ReadAhead(id, live[i+1])
			}
		}
		var read, untouched rows
		e.Observe(&read)
		f.Engine().Observe(&untouched)
		for _, run := range []*sim.Engine{e, f.Engine()} {
			if err := run.Advance(context.Background(), 3); err != nil {
				rt.Fatal(err)
			}
		}
		if len(read) != 3 || len(untouched) != 3 {
			rt.Fatalf("%d and %d rows recorded, want 3", len(read), len(untouched))
		}
		names := m.IndicatorNames()
		for tick := range read {
			for i, n := range names {
				if math.Float64bits(read[tick][i]) != math.Float64bits(untouched[tick][i]) {
					rt.Fatalf("tick %d after: %s %v after the read-ahead, %v without it", tick+1, n, read[tick][i], untouched[tick][i])
				}
			}
		}
		if err := m.Audit(); err != nil {
			rt.Fatal(err)
		}
	})
}
