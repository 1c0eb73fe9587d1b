package agents

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecosim/ecosim/rules"
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

// stocksWatch compares, at every row, the row's stocks and those of the
// record's two pieces (stocks) with those of one walk.
type stocksWatch struct {
	m *Model
	t *rapid.T
}

func (w stocksWatch) Event(sim.Event) error { return nil }

func (w stocksWatch) Tick(tick int, row []float64) error {
	got, want := w.m.stocks(), oneWalkStocks(w.m)
	// The row's columns come from the record's own pieces, which may have
	// run on two cores.
	for _, c := range []struct {
		name string
		want float64
	}{
		{"living_trees", float64(want.living)}, {"biomass", want.biomass}, {"tree_carbon", want.trees},
		{"fungal_carbon", want.fungi}, {"node_carbon", want.nodes},
		{"species_richness", float64(want.species)}, {"infested_trees", float64(want.infested)},
		{"warned_trees", float64(want.warned)}, {"max_degree", float64(want.maxDeg)},
		{"max_tree_degree", float64(want.maxTreeDeg)},
	} {
		i := slices.Index(indicatorNames, c.name)
		if math.Float64bits(row[i]) != math.Float64bits(c.want) {
			w.t.Fatalf("tick %d: %s %v in the row, %v from one walk", tick, c.name, row[i], c.want)
		}
	}
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
// in ID order, so every field must equal one walk's to the bit, in the row
// and in stocks, on worlds with trees of several species, fungi, links,
// network nodes, ants, deaths and births, on one worker or two.
func TestSplitStocksMatchOneWalk(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := randomConfig(rt)
		workers := rapid.IntRange(1, 2).Draw(rt, "workers")
		m, e, err := Build(cfg, sim.Config{Seed: rapid.Uint64().Draw(rt, "seed"), Ticks: 30, Mode: sim.ModeShards, Workers: workers})
		if err != nil {
			rt.Fatal(err)
		}
		e.Observe(stocksWatch{m: m, t: rt})
		if err := e.Run(context.Background()); err != nil {
			rt.Fatal(err)
		}
	})
}

// The next trails are worked out beside the apply's serial part, piece by
// piece (Companion), in either mode and on one worker or two, or, when no
// engine asked for that, in the environment phase; either way the trail a
// tick leaves is rules.Diffuse of the one it found, to the bit. (Working
// them out twice would give the same bits, since each reads the trail and
// writes only its buffer, so this cannot tell; the environment phase's
// time shows it.) The colonies have no workers, so no ant lays trail.
func TestTrailDiffusedEachTick(t *testing.T) {
	build := func(mode sim.Mode, workers int) *Model {
		c := DefaultConfig()
		c.World.Width, c.World.Height = 70, 90 // three bands, the last short
		c.Trees.Species = []Species{DefaultSpecies()}
		c.Ants.Colonies = []ColonyConfig{{Nest: []int{10, 10}}, {Nest: []int{60, 80}}}
		m, _, err := Build(c, sim.Config{Seed: 3, Ticks: 3, Mode: mode, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.pher) != 2 || m.bands != 3 {
			t.Fatalf("%d colonies and %d bands, want 2 and 3", len(m.pher), m.bands)
		}
		for i, l := range m.pher {
			for j := range l {
				if (j*7+i)%5 == 0 {
					l[j] = float64(j%97) + 0.1
				}
			}
		}
		return m
	}
	want := func(m *Model) [][]float64 {
		pc := &m.cfg.Ants.Pheromone
		w := make([][]float64, len(m.pher))
		for i, l := range m.pher {
			w[i] = make([]float64, len(l))
			rules.Diffuse(l, w[i], m.grid.W, m.grid.H, pc.Diffusion, pc.Evaporation)
		}
		return w
	}
	check := func(how string, m *Model, w [][]float64) {
		t.Helper()
		for i, l := range m.pher {
			for j := range l {
				if math.Float64bits(l[j]) != math.Float64bits(w[i][j]) {
					t.Fatalf("%s: colony %d, cell %d: %v, want %v", how, i, j, l[j], w[i][j])
				}
			}
			if got := m.grid.Layer(m.pherID[i]); &got[0] != &l[0] {
				t.Fatalf("%s: the grid's layer for colony %d is not its trail", how, i)
			}
		}
	}
	for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
		for _, workers := range []int{1, 2} {
			m := build(mode, workers)
			for tick := 1; tick <= 2; tick++ {
				w := want(m)
				if err := m.e.Advance(context.Background(), 1); err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("%v, %d workers, tick %d", mode, workers, tick), m, w)
			}
		}
	}
	m := build(sim.ModeShards, 1)
	w := want(m)
	m.stepCells(1) // no engine ran the companion: the environment diffuses
	check("in the environment alone", m, w)
}
