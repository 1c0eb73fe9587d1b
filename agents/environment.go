package agents

import (
	"math"

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

// closedCanopy is the leaf area over a 3×3 neighbourhood above which less
// than half the light reaches the floor: ln 2 / canopyExtinction [m²]. The
// canopy cover is counted against it, so no exponential is needed per cell.
var closedCanopy = math.Ln2 / canopyExtinction

// floorLight is the light at the floor of cell (x, y) under the leaves of
// the trees on and around it. Seeds need it for a handful of cells a tick,
// so it is computed where asked rather than for the whole grid.
func (m *Model) floorLight(x, y int) float64 {
	s := 0.0
	for yy := max(y-1, 0); yy <= min(y+1, m.grid.H-1); yy++ {
		for xx := max(x-1, 0); xx <= min(x+1, m.grid.W-1); xx++ {
			s += m.la[yy*m.grid.W+xx]
		}
	}
	return rules.FloorLight(s, canopyExtinction)
}

// stepCanopy counts the cells under a closed canopy: the 3×3 leaf-area sums
// are made as a row pass then a column pass (6 additions a cell, not 9).
func (m *Model) stepCanopy() {
	w, h := m.grid.W, m.grid.H
	rows := m.rowSum
	for y := range h {
		r := m.la[y*w : (y+1)*w]
		o := rows[y*w : (y+1)*w]
		for x := range w {
			s := r[x]
			if x > 0 {
				s += r[x-1]
			}
			if x+1 < w {
				s += r[x+1]
			}
			o[x] = s
		}
	}
	cover := 0
	for y := range h {
		for x := range w {
			s := rows[y*w+x]
			if y > 0 {
				s += rows[(y-1)*w+x]
			}
			if y+1 < h {
				s += rows[(y+1)*w+x]
			}
			if s > closedCanopy {
				cover++
			}
		}
	}
	m.cover = cover
}
