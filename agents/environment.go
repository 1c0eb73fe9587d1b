package agents

import (
	"github.com/ecosim/ecosim/rules"
)

// Environment processes run once per tick after all agents are applied, in
// the order EndTick lists them. Each walks cells in index order.

// stepWater adds seasonal rain (scaled by DroughtFactor) and evaporates.
func (m *Model) stepWater(t int) {
	wc := &m.cfg.World.Water
	in := rules.WaterInput(wc.Mean, wc.Seasonality, wc.Period, t, m.DroughtFactor)
	keep := 1 - wc.Evaporation
	for i, w := range m.water {
		m.water[i] = float64(w*keep) + in
	}
}

// nutrientPerCarbon is the nutrient released per unit of litter carbon
// mineralised [nu/kg C].
const nutrientPerCarbon = 0.05

// stepSoil mineralises litter into nutrients and adds deposition; a small
// leaching loss keeps nutrients bounded.
func (m *Model) stepSoil() {
	wc := &m.cfg.World
	for i, l := range m.litter {
		d := rules.Decay(l, wc.LitterDecay)
		m.litter[i] = l - d
		m.nutrients[i] = float64(m.nutrients[i]*0.999) + float64(d*nutrientPerCarbon) + wc.Deposition
	}
}

// stepPheromone diffuses and evaporates each colony's trail layer.
func (m *Model) stepPheromone() {
	pc := &m.cfg.Ants.Pheromone
	for i, layer := range m.pher {
		rules.Diffuse(layer, m.pherBuf, m.grid.W, m.grid.H, pc.Diffusion, pc.Evaporation)
		m.pher[i], m.pherBuf = m.pherBuf, layer
	}
}

// stepFood rots uneaten food.
func (m *Model) stepFood() {
	keep := 1 - m.cfg.World.FoodRot
	for i, f := range m.food {
		if f > 0 {
			f = float64(f * keep)
			if f < 1e-9 {
				f = 0
			}
			m.food[i] = f
		}
	}
}

// canopyExtinction is the Beer–Lambert coefficient for light reaching the
// floor through the leaf area above a 3×3 neighbourhood [1/m²].
const canopyExtinction = 0.08

// stepFloorLight recomputes the light at the forest floor from the leaf area
// of trees on and around each cell.
func (m *Model) stepFloorLight() {
	clear(m.la)
	for i, id := range m.occ {
		if id >= 0 {
			m.la[i] = m.tree(id).Leaf
		}
	}
	w, h := m.grid.W, m.grid.H
	for y := range h {
		for x := range w {
			s := 0.0
			for yy := max(y-1, 0); yy <= min(y+1, h-1); yy++ {
				for xx := max(x-1, 0); xx <= min(x+1, w-1); xx++ {
					s += m.la[yy*w+xx]
				}
			}
			m.floor[y*w+x] = rules.FloorLight(s, canopyExtinction)
		}
	}
}
