package agents

import (
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/ecosim/ecosim/sim"
)

// Fork returns a model, on an engine of its own, that carries on from m's
// current tick under cfg: a deep copy of m's world and agents, sharing no
// memory that either writes. cfg must be m's configuration but for its
// failures, none of which may have struck yet (each strikes at a tick
// after m's current one); that makes the copy the run of cfg itself at
// this tick, since until a failure strikes nothing reads it.
//
// A failure run forks from its control at the tick before its first
// failure, so the ticks they share run once. The engine must not be
// running (see sim.Engine.Fork).
func (m *Model) Fork(cfg Config) (*Model, error) {
	if err := forkable(m.cfg, cfg, m.e.Tick()); err != nil {
		return nil, err
	}
	f := *m
	f.cfg = cfg
	f.fstate = make([]failureState, len(cfg.Failures))
	grid, layer := m.grid.Clone()
	f.grid = grid
	f.water, f.nutrients, f.litter, f.food = layer(m.water), layer(m.nutrients), layer(m.litter), layer(m.food)
	f.pher = make([][]float64, len(m.pher))
	for i, l := range m.pher {
		f.pher[i] = layer(l)
	}
	f.pherBuf = cloneRows(m.pherBuf)
	f.pherID = slices.Clone(m.pherID)
	f.occ = slices.Clone(m.occ)
	f.kind = slices.Clone(m.kind)
	f.index = slices.Clone(m.index)
	f.trees, f.fungi, f.ants, f.nodes = m.trees.Clone(), m.fungi.Clone(), m.ants.Clone(), m.nodes.Clone()
	f.colonies = slices.Clone(m.colonies)
	f.parts = slices.Clone(m.parts)
	f.steps = steps{} // bound to f when first run
	f.height, f.la = slices.Clone(m.height), slices.Clone(m.la)
	f.bandCover = slices.Clone(m.bandCover)
	f.bandRows = cloneRows(m.bandRows)
	f.zeroRow = slices.Clone(m.zeroRow)
	f.bandSums = slices.Clone(m.bandSums)
	f.speciesSeen = slices.Clone(m.speciesSeen)
	f.fire.cell = slices.Clone(m.fire.cell)
	f.fire.burning = slices.Clone(m.fire.burning)
	f.pest.ants = slices.Clone(m.pest.ants)
	f.blocked = slices.Clone(m.blocked)
	fm := &f
	// Each kind's adapter is the model's pointer and nothing else.
	f.e = m.e.Fork(fm, func(a sim.Agent) sim.Agent {
		switch a.(type) {
		case treeAgent:
			return treeAgent{fm}
		case fungusAgent:
			return fungusAgent{fm}
		case antAgent:
			return antAgent{fm}
		case colonyAgent:
			return colonyAgent{fm}
		case nodeAgent:
			return nodeAgent{fm}
		}
		panic(fmt.Sprintf("agents: Fork: an agent of type %T", a))
	})
	return fm, nil
}

// forkable reports why a model of cfg cannot be forked from one of from at
// tick: they differ in more than their failures, or a failure of cfg has
// struck by then.
func forkable(from, cfg Config, tick int) error {
	a, b := from, cfg
	a.Failures, b.Failures = nil, nil
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("agents: Fork: the configurations differ in more than their failures")
	}
	if len(from.Failures) > 0 {
		return fmt.Errorf("agents: Fork: the model forked has failures")
	}
	for i, f := range cfg.Failures {
		if f.At <= tick {
			return fmt.Errorf("agents: Fork: failure %d (%s) strikes at tick %d, not after tick %d", i+1, f.Kind, f.At, tick)
		}
	}
	return nil
}

func cloneRows(rows [][]float64) [][]float64 {
	c := make([][]float64, len(rows))
	for i, r := range rows {
		c[i] = slices.Clone(r)
	}
	return c
}

// Footprint is roughly the bytes the model and its engine hold, for
// callers that bound what they keep (a control's checkpoint).
func (m *Model) Footprint() int {
	n := 8 * m.grid.Cells() * (len(m.grid.LayerNames()) + len(m.pherBuf) + 2)
	n += 4*len(m.occ) + len(m.kind) + 4*len(m.index)
	n += m.trees.Len()*int(unsafe.Sizeof(Tree{})) + m.fungi.Len()*int(unsafe.Sizeof(Fungus{}))
	n += m.ants.Len()*int(unsafe.Sizeof(Ant{})) + m.nodes.Len()*int(unsafe.Sizeof(Node{}))
	return n + m.e.Footprint()
}
