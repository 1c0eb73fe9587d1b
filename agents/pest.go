package agents

import (
	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
)

// MsgSignal is a stress signal: an infested tree warns its fungal partners,
// which relay the warning to their other partners.
const MsgSignal sim.MsgKind = 2

// Pest parameters that are not in the scenario.
const (
	// warnedFor is how long a warning keeps a tree's defences up [ticks].
	warnedFor = 60
	// warnedResistance is the factor by which defences cut infestation.
	warnedResistance = 0.25
	// defenceCost is the share of photosynthesis a warned tree spends on
	// defence.
	defenceCost = 0.05
	// antClearance is the chance per tick that ants patrolling an
	// infested tree's cell or its neighbours clear it.
	antClearance = 0.3
	// antShield is the factor by which ants on a cell cut infestation.
	antShield = 0.5
)

// pestState is the pest outbreak.
type pestState struct {
	active bool
	spread float64
	damage float64
	nbhd   int
	ants   []int32 // ants per cell, recounted each tick
}

// infest sets the first trees of an outbreak.
func (m *Model) infest(f *Failure, rng *sim.Stream) int {
	p := &m.pest
	p.active, p.spread, p.damage, p.nbhd = true, f.Spread, f.Damage, f.Neighbourhood
	ids := m.liveOfKind(KindTree, f.Region)
	hit := shuffled(ids, howMany(f, len(ids)), rng)
	for _, id := range hit {
		m.tree(id).Infested = true
	}
	return len(hit)
}

// stepPest damages infested trees, lets ants clear them and spreads the
// pest to neighbours; warned trees and ant-patrolled cells resist.
func (m *Model) stepPest(t int) {
	p := &m.pest
	if !p.active {
		return
	}
	m.countAnts()
	var next []int32
	for _, id := range m.e.Live() {
		if m.kind[id] != KindTree || !m.tree(id).Infested {
			continue
		}
		tr := m.tree(id)
		loss := float64(tr.Carbon * p.damage)
		tr.Carbon -= loss
		m.ledger.Removed += loss
		key := func(v uint64) float64 { return sim.UnitFloat(sim.Hash(m.seed, 0x9e57, uint64(t), uint64(id), v)) }
		if m.antsAround(tr.at()) && key(0) < antClearance {
			tr.Infested = false
			continue
		}
		tx, ty := tr.at()
		for i, d := range m.pestOffsets() {
			x, y := tx+d[0], ty+d[1]
			if !m.grid.Inside(x, y) {
				continue
			}
			c := m.grid.Index(x, y)
			o := m.occ[c]
			if o < 0 || m.tree(o).Infested {
				continue
			}
			prob := p.spread
			if int(m.tree(o).WarnedUntil) >= t {
				prob *= warnedResistance
			}
			if p.ants[c] > 0 {
				prob *= antShield
			}
			if key(uint64(i+1)) < prob {
				next = append(next, o)
			}
		}
	}
	for _, id := range next {
		m.tree(id).Infested = true
	}
}

func (m *Model) pestOffsets() [][2]int {
	if m.pest.nbhd == 8 {
		return rules.Directions[:]
	}
	return neighbours4[:]
}

// countAnts recounts the ants on each cell.
func (m *Model) countAnts() {
	p := &m.pest
	if p.ants == nil {
		p.ants = make([]int32, m.grid.Cells())
	}
	clear(p.ants)
	for _, id := range m.e.Live() {
		if m.kind[id] == KindAnt {
			a := m.ant(id)
			p.ants[m.grid.Index(a.X, a.Y)]++
		}
	}
}

func (m *Model) antsAround(x, y int) bool {
	for yy := max(y-1, 0); yy <= min(y+1, m.grid.H-1); yy++ {
		for xx := max(x-1, 0); xx <= min(x+1, m.grid.W-1); xx++ {
			if m.pest.ants[m.grid.Index(xx, yy)] > 0 {
				return true
			}
		}
	}
	return false
}
