package agents

import (
	"context"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecosim/ecosim/sim"
)

// oneWalkStocks is the stocks summed in a single walk over the live agents
// in ID order, as before they were split in two pieces.
func oneWalkStocks(m *Model) stocks {
	var s stocks
	seen := map[int32]bool{}
	for _, id := range m.e.Live() {
		d := 0
		if m.e.Net.IsNode(id) {
			d = m.e.Net.Degree(id)
			s.netNodes++
			s.degSum += d
			s.maxDeg = max(s.maxDeg, d)
		}
		switch m.kind[id] {
		case KindTree:
			t := m.tree(id)
			s.trees += t.Carbon + t.Biomass
			s.biomass += t.Biomass
			s.living++
			if !seen[t.Species] {
				seen[t.Species] = true
				s.species++
			}
			s.maxTreeDeg = max(s.maxTreeDeg, d)
			if t.Infested {
				s.infested++
			}
			if int(t.WarnedUntil) >= m.e.Tick() {
				s.warned++
			}
		case KindFungus:
			s.fungi += m.fungus(id).Carbon
		case KindNode:
			s.nodes += m.node(id).Carbon
		}
	}
	return s
}

// stocksWatch compares, at every row, the stocks of the record's two
// pieces with those of one walk.
type stocksWatch struct {
	m *Model
	t *rapid.T
}

func (w stocksWatch) Event(sim.Event) error { return nil }

func (w stocksWatch) Tick(tick int, _ []float64) error {
	got, want := w.m.stocks(), oneWalkStocks(w.m)
	for _, f := range [][2]float64{{got.trees, want.trees}, {got.biomass, want.biomass}, {got.fungi, want.fungi}, {got.nodes, want.nodes}} {
		if math.Float64bits(f[0]) != math.Float64bits(f[1]) {
			w.t.Fatalf("tick %d: split stocks %+v, one walk %+v", tick, got, want)
		}
	}
	got.trees, got.biomass, got.fungi, got.nodes = want.trees, want.biomass, want.fungi, want.nodes
	if got != want {
		w.t.Fatalf("tick %d: split stocks %+v, one walk %+v", tick, got, want)
	}
	return nil
}

// The stocks are summed in two pieces side by side, each float sum still
// in ID order, so every field must equal one walk's to the bit, on worlds
// with trees of several species, fungi, links, ants, deaths and births.
func TestSplitStocksMatchOneWalk(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := randomConfig(rt)
		m, e, err := Build(cfg, sim.Config{Seed: rapid.Uint64().Draw(rt, "seed"), Ticks: 30, Mode: sim.ModeShards})
		if err != nil {
			rt.Fatal(err)
		}
		e.Observe(stocksWatch{m: m, t: rt})
		if err := e.Run(context.Background()); err != nil {
			rt.Fatal(err)
		}
	})
}
