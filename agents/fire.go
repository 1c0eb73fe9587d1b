package agents

import (
	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
)

// Cell fire states.
const (
	unburnt uint8 = iota
	burning
	burnt
)

// fireState is the fire spreading through the grid.
type fireState struct {
	cell    []uint8
	burning []int32 // cells alight this tick, in the order they caught
	spread  float64
	nbhd    int
	// present is the number of trees alive at the first ignition, burned
	// the number burned since: burned_fraction is their ratio.
	present, burned int
}

// neighbours4 are the von Neumann offsets, the first half of the Moore ones
// in rules.Directions order would not do, so they are listed.
var neighbours4 = [4][2]int{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}

// ignite sets the chosen trees alight and returns how many.
func (m *Model) ignite(f *Failure, rng *sim.Stream) int {
	fs := &m.fire
	if fs.cell == nil {
		fs.cell = make([]uint8, m.grid.Cells())
		fs.present = m.liveTrees()
	}
	fs.spread, fs.nbhd = f.Spread, f.Neighbourhood
	var cells []int
	w, h := m.grid.W, m.grid.H
	switch f.Ignite {
	case "west", "east":
		x := 0
		if f.Ignite == "east" {
			x = w - 1
		}
		for y := range h {
			cells = append(cells, m.grid.Index(x, y))
		}
	case "north", "south":
		y := 0
		if f.Ignite == "south" {
			y = h - 1
		}
		for x := range w {
			cells = append(cells, m.grid.Index(x, y))
		}
	case "cells":
		for _, c := range f.Cells {
			cells = append(cells, m.grid.Index(c[0], c[1]))
		}
	case "random":
		for _, id := range shuffled(m.liveOfKind(KindTree, Region{}), min(f.Count, m.liveTrees()), rng) {
			t := m.tree(id)
			cells = append(cells, m.grid.Index(t.at()))
		}
	}
	lit := 0
	for _, c := range cells {
		if m.burn(c) {
			lit++
		}
	}
	return lit
}

// burn sets the tree on cell c alight: it dies, and its carbon goes up in
// smoke (booked as removed, not litter).
func (m *Model) burn(c int) bool {
	id := m.occ[c]
	if id < 0 || m.fire.cell[c] != unburnt {
		return false
	}
	t := m.tree(id)
	m.ledger.Removed += t.Biomass + t.Carbon
	t.Biomass, t.Carbon = 0, 0
	m.fire.cell[c] = burning
	m.fire.burning = append(m.fire.burning, int32(c))
	m.fire.burned++
	m.killTree(id, "fire")
	return true
}

// stepFire spreads the fire one step: every cell alight since last tick
// may ignite each neighbouring tree, then burns out. A fire can only reach
// trees within the neighbourhood, so it never jumps a wider gap.
func (m *Model) stepFire(t int) {
	fs := &m.fire
	if len(fs.burning) == 0 {
		return
	}
	old := fs.burning
	fs.burning = nil
	for _, c := range old {
		x, y := int(c)%m.grid.W, int(c)/m.grid.W
		for _, d := range m.fireOffsets() {
			nx, ny := x+d[0], y+d[1]
			if !m.grid.Inside(nx, ny) {
				continue
			}
			nc := m.grid.Index(nx, ny)
			u := sim.UnitFloat(sim.Hash(m.seed, 0xf12e, uint64(t), uint64(c), uint64(nc)))
			if u < fs.spread {
				m.burn(nc)
			}
		}
		fs.cell[c] = burnt
	}
}

func (m *Model) fireOffsets() [][2]int {
	if m.fire.nbhd == 8 {
		return rules.Directions[:]
	}
	return neighbours4[:]
}

// BurnedFraction is the share of the trees present at the first ignition
// that have burned.
func (m *Model) BurnedFraction() float64 {
	return ratio(float64(m.fire.burned), float64(m.fire.present))
}

func (m *Model) liveTrees() int {
	n := 0
	for _, id := range m.e.Live() {
		if m.kind[id] == KindTree && m.e.Alive(id) {
			n++
		}
	}
	return n
}
