package agents

import (
	"fmt"
	"math"

	"github.com/ecosim/ecosim/sim"
)

// Audit checks the model's structural invariants: every live agent's index
// pointing at its own record, one tree per cell and the occupancy grid
// agreeing with the trees, no negative or non-finite stock in
// any agent or layer, colonies with non-negative stores. Tests run it every
// tick; it is cheap enough to run on a user's scenario when in doubt.
func (m *Model) Audit() error {
	seen := make(map[int]int32)
	for _, id := range m.e.Live() {
		if !m.e.Alive(id) {
			continue
		}
		if own := m.recordID(id); own != id {
			return fmt.Errorf("agents: the record %s %d's index points at belongs to %d", m.kind[id], id, own)
		}
		switch m.kind[id] {
		case KindTree:
			t := m.tree(id)
			cell := m.grid.Index(t.at())
			if other, ok := seen[cell]; ok {
				return fmt.Errorf("agents: trees %d and %d share cell %d", other, id, cell)
			}
			seen[cell] = id
			if m.occ[cell] != id {
				return fmt.Errorf("agents: occupancy of cell %d is %d, but tree %d stands there", cell, m.occ[cell], id)
			}
			if bad(t.Carbon) || bad(t.Biomass) {
				return fmt.Errorf("agents: tree %d has carbon %v, biomass %v", id, t.Carbon, t.Biomass)
			}
		case KindFungus:
			if f := m.fungus(id); bad(f.Carbon) {
				return fmt.Errorf("agents: fungus %d has carbon %v", id, f.Carbon)
			}
		case KindNode:
			if n := m.node(id); bad(n.Carbon) {
				return fmt.Errorf("agents: node %d has carbon %v", id, n.Carbon)
			}
		case KindColony:
			if c := m.colony(id); bad(c.Store) || c.Workers < 0 {
				return fmt.Errorf("agents: colony %d has store %v and %d workers", id, c.Store, c.Workers)
			}
		}
	}
	for cell, id := range m.occ {
		if id >= 0 && seen[cell] != id {
			return fmt.Errorf("agents: cell %d is marked taken by %d, which is not a live tree there", cell, id)
		}
	}
	for i, name := range m.grid.LayerNames() {
		for c, v := range m.grid.Layer(sim.LayerID(i)) {
			if bad(v) {
				return fmt.Errorf("agents: layer %s, cell %d is %v", name, c, v)
			}
		}
	}
	return nil
}

// recordID is the ID held by the record agent id's index points at.
func (m *Model) recordID(id int32) int32 {
	switch m.kind[id] {
	case KindTree:
		return m.tree(id).ID
	case KindFungus:
		return m.fungus(id).ID
	case KindAnt:
		return m.ant(id).ID
	case KindColony:
		return m.colony(id).ID
	case KindNode:
		return m.node(id).ID
	}
	return -1
}

func bad(v float64) bool { return v < 0 || math.IsNaN(v) || math.IsInf(v, 0) }

// Checker is a sim.Observer that verifies, after every tick, the carbon
// balance (the change in CarbonTotal equals what the Ledger names, to 1e-9
// relative), the message accounting sent = delivered + lost + in flight, and
// Audit; the run stops at the first violation.
type Checker struct {
	M    *Model
	prev float64
}

// Event implements sim.Observer.
func (c *Checker) Event(sim.Event) error { return nil }

// Tick implements sim.Observer.
func (c *Checker) Tick(tick int, _ []float64) error {
	total := c.M.CarbonTotal()
	if tick > 0 {
		l := c.M.Ledger()
		want := c.prev + l.Photosynthesis - l.Respiration - l.Fruit - l.Litter - l.TransportLoss - l.Removed
		if math.Abs(total-want) > 1e-9*math.Max(1, math.Abs(total)) {
			return fmt.Errorf("agents: tick %d: carbon %v, ledger says %v (Δ %g; %+v)", tick, total, want, total-want, l)
		}
	}
	c.prev = total
	n := c.M.e.Transport.Counts()
	if n.Sent != n.Delivered+n.Lost+n.InFlight {
		return fmt.Errorf("agents: tick %d: messages %+v do not add up", tick, n)
	}
	if err := c.M.Audit(); err != nil {
		return fmt.Errorf("tick %d: %w", tick, err)
	}
	return nil
}
