package agents

import (
	"fmt"
	"slices"

	"github.com/ecosim/ecosim/sim"
)

// Build makes a model from cfg and returns it with the engine it runs on;
// the initial agents are placed with draws from the seed's world stream.
func Build(cfg Config, ecfg sim.Config) (*Model, *sim.Engine, error) {
	if len(cfg.Trees.Species) == 0 {
		return nil, nil, fmt.Errorf("agents: no tree species")
	}
	g, err := sim.NewGrid(cfg.World.Width, cfg.World.Height)
	if err != nil {
		return nil, nil, err
	}
	ecfg.Transport = sim.TransportConfig{Latency: cfg.Network.Latency, Capacity: cfg.Network.Capacity, Loss: cfg.Network.Loss}
	m := &Model{cfg: cfg, seed: ecfg.Seed, grid: g, DroughtFactor: 1, fstate: make([]failureState, len(cfg.Failures))}
	m.e = sim.NewEngine(ecfg, m)
	m.water = g.Layer(g.AddLayer("water", 20*cfg.World.Water.Mean))
	m.nutrients = g.Layer(g.AddLayer("nutrients", cfg.World.Nutrients))
	m.litter = g.Layer(g.AddLayer("litter", 0))
	m.food = g.Layer(g.AddLayer("food", 0))
	m.la = make([]float64, g.Cells())
	m.height = make([]float64, g.Cells())
	m.occ = make([]int32, g.Cells())
	for i := range m.occ {
		m.occ[i] = -1
	}
	for i := range cfg.Ants.Colonies {
		id := g.AddLayer(fmt.Sprintf("pheromone_%d", i), 0)
		m.pherID = append(m.pherID, id)
		m.pher = append(m.pher, g.Layer(id))
		m.pherBuf = append(m.pherBuf, make([]float64, g.Cells()))
	}
	m.bands = (g.H + envBand - 1) / envBand
	m.bandCover = make([]int, m.bands)
	m.bandSums = make([]cellSums, m.bands)
	m.zeroRow = make([]float64, g.W)
	m.bandRows = make([][]float64, m.bands)
	for b := range m.bandRows {
		m.bandRows[b] = make([]float64, (envBand+2)*g.W)
	}
	for _, p := range cfg.World.FoodPiles {
		r := Region{X: p.X, Y: p.Y, R: max(p.R, 0)}
		for y := range g.H {
			for x := range g.W {
				if (p.R == 0 && x == p.X && y == p.Y) || (p.R > 0 && r.Contains(x, y)) {
					m.food[g.Index(x, y)] += p.Amount
				}
			}
		}
	}
	rng := sim.NewStream(ecfg.Seed, -1)
	m.reserve()
	m.placeTrees(&rng)
	for range cfg.Fungi.Count {
		m.addFungus(rng.Intn(g.W), rng.Intn(g.H), cfg.Fungi.InitialCarbon)
	}
	if cfg.Network.Topology != "emergent" && cfg.Network.Nodes > 0 {
		if err := m.buildTopology(&rng); err != nil {
			return nil, nil, err
		}
	}
	for _, cc := range cfg.Ants.Colonies {
		cid := m.addColony(cc.Nest[0], cc.Nest[1], cc.Food)
		for range cc.Workers {
			m.addAnt(cid, cc.Nest[0], cc.Nest[1], rng.Intn(8))
		}
	}
	for _, id := range m.e.Live() {
		if m.e.Net.IsNode(id) {
			m.nodes0++
		}
	}
	m.stepCanopy()
	return m, m.e, nil
}

// reserve sizes the agent tables for the initial population at once.
func (m *Model) reserve() {
	c := &m.cfg
	trees := min(c.Trees.Count, m.grid.Cells())
	if c.Trees.Density > 0 {
		trees = int(float64(c.Trees.Density*float64(m.grid.Cells())) + 0.5)
	}
	n := trees + c.Fungi.Count + len(c.Ants.Colonies)
	for _, cc := range c.Ants.Colonies {
		n += cc.Workers
	}
	if c.Network.Topology != "emergent" {
		n += c.Network.Nodes
	}
	// A quarter more than the start, for the first births: growing a
	// table copies it, and until the copy is done both are held. The
	// records themselves grow by pages (sim.Pages) and need no room kept.
	n += n / 4
	m.e.Reserve(n)
	m.kind = slices.Grow(m.kind, n)
	m.index = slices.Grow(m.index, n)
}

// placeTrees plants the initial trees on distinct random cells, species by
// share, sizes spread so that some are large from the start.
func (m *Model) placeTrees(rng *sim.Stream) {
	tc := &m.cfg.Trees
	cells := m.grid.Cells()
	n := min(tc.Count, cells)
	if tc.Density > 0 {
		n = min(cells, int(float64(tc.Density*float64(cells))+0.5))
	}
	// A partial Fisher–Yates shuffle picks n distinct cells.
	perm := make([]int32, cells)
	for i := range perm {
		perm[i] = int32(i)
	}
	totalShare := 0.0
	for _, sp := range tc.Species {
		totalShare += sp.Share
	}
	for i := range n {
		j := i + rng.Intn(cells-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	// Trees get IDs in grid order, so the decide and apply phases, which
	// walk IDs in order, also walk the grid layers in order.
	chosen := perm[:n]
	slices.Sort(chosen)
	for _, c := range chosen {
		cell := int(c)
		sp := pickSpecies(tc.Species, totalShare, rng.Float64())
		b := 1 + float64(14*rng.Float64())
		id := m.addTree(cell%m.grid.W, cell/m.grid.W, sp, b, tc.ReserveFraction*b)
		m.tree(id).Age = int32(rng.Intn(max(tc.Species[sp].MaxAge/2, 1)))
	}
}

func pickSpecies(sp []Species, total, u float64) int {
	acc := 0.0
	for i, s := range sp {
		acc += s.Share / total
		if u < acc {
			return i
		}
	}
	return len(sp) - 1
}
