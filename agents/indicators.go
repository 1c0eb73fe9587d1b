package agents

import (
	"github.com/ecosim/ecosim/sim"
)

// Indicator names, in column order. They are stable: users script against
// them.
var indicatorNames = []string{
	"living_trees", "tree_births", "tree_deaths", "biomass", "carbon_total", "tree_carbon",
	"fungal_carbon", "carbon_in_flight", "photosynthesis", "respiration", "litter_input",
	"canopy_cover", "species_richness", "fungi", "links", "giant_component", "components",
	"mean_degree", "max_degree", "max_tree_degree", "carbon_moved", "messages_sent",
	"messages_delivered", "messages_lost", "messages_in_flight", "ants", "food_stored",
	"food_delivered", "trail_strength", "soil_water", "soil_nutrients",
}

// IndicatorNames lists the indicator columns; see sim.Model.
func (m *Model) IndicatorNames() []string { return indicatorNames }

// stocks sums carbon held by live trees and fungi in ID order.
func (m *Model) stocks() (trees, biomass, fungi float64, living, species int, maxTreeDeg int) {
	seen := make([]bool, len(m.cfg.Trees.Species))
	for _, id := range m.e.Live() {
		switch m.kind[id] {
		case KindTree:
			t := m.tree(id)
			trees += t.Carbon + t.Biomass
			biomass += t.Biomass
			living++
			if !seen[t.Species] {
				seen[t.Species] = true
				species++
			}
			maxTreeDeg = max(maxTreeDeg, m.e.Net.Degree(id))
		case KindFungus:
			fungi += m.fungus(id).Carbon
		}
	}
	return
}

// CarbonInFlight is the carbon in messages on the way [kg C].
func (m *Model) CarbonInFlight() float64 {
	s := 0.0
	for _, msg := range m.e.Transport.InFlight() {
		if msg.Kind == MsgCarbon {
			s += msg.Amount
		}
	}
	return s
}

// CarbonTotal is the carbon in trees, fungi and messages [kg C]: the stock
// whose change the Ledger explains.
func (m *Model) CarbonTotal() float64 {
	trees, _, fungi, _, _, _ := m.stocks()
	return trees + fungi + m.CarbonInFlight()
}

// Indicators fills one row; see sim.Model.
func (m *Model) Indicators(e *sim.Engine, row []float64) {
	trees, biomass, fungi, living, species, maxTreeDeg := m.stocks()
	inflight := m.CarbonInFlight()
	giant, comps := e.Net.Components()
	nodes, degSum, maxDeg := 0, 0, 0
	for _, id := range e.Live() {
		if e.Net.IsNode(id) {
			nodes++
			d := e.Net.Degree(id)
			degSum += d
			maxDeg = max(maxDeg, d)
		}
	}
	cover := 0
	for _, l := range m.floor {
		if l < 0.5 {
			cover++
		}
	}
	counts := e.Transport.Counts()
	ants, stored := 0, 0.0
	for i := range m.colonies {
		ants += m.colonies[i].Workers
		stored += m.colonies[i].Store
	}
	trail := 0.0
	for _, l := range m.pher {
		for _, v := range l {
			trail += v
		}
	}
	cells := float64(m.grid.Cells())
	v := []float64{
		float64(living), float64(m.tally.births), float64(m.tally.deaths), biomass, trees + fungi + inflight, trees,
		fungi, inflight, m.ledger.Photosynthesis, m.ledger.Respiration, m.ledger.Litter,
		float64(cover) / cells, float64(species), float64(m.nFungi), float64(e.Net.LiveLinks()),
		ratio(float64(giant), float64(m.nodes0)), float64(comps),
		ratio(float64(degSum), float64(nodes)), float64(maxDeg), float64(maxTreeDeg), m.tally.carbonMoved,
		float64(counts.Sent), float64(counts.Delivered), float64(counts.Lost), float64(counts.InFlight),
		float64(ants), stored, m.tally.foodDelivered, trail, mean(m.water), mean(m.nutrients),
	}
	copy(row, v)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return ratio(s, float64(len(xs)))
}
