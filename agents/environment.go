package agents

import (
	"math"
	"math/bits"

	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
)

// Environment processes run once per tick after all agents are applied.
// Every process but the pheromone's diffusion changes each cell from that
// cell alone (the canopy reads the leaf layer, which none of them writes), so
// they run over bands of rows on all cores; each colony's diffusion runs
// over bands too, each band reading the rows beside it from the trail and
// writing its own rows of the next one (rules.DiffuseRows). A cell gets the
// same arithmetic in the same order whichever core runs its band, so the
// result does not depend on the core count.

// envBand is the number of grid rows in one band of the cell processes.
const envBand = 32

// band returns the rows [lo, hi) of band b.
func (m *Model) band(b int) (lo, hi int) { return b * envBand, min((b+1)*envBand, m.grid.H) }

// stepCells runs the soil processes and the canopy count over every band
// and, beside them, labels the network's components, which the
// indicators need: the network no longer changes this tick unless a
// failure fires, and the labels are kept until it does, so the walk leaves
// the record phase, where it was the longest piece, for this one, where it
// fills the bands' gaps. Each colony's next trail has been worked out
// already, band by band beside the apply's serial part (Companion), and
// becomes the trail here; for an engine that did not ask for it, it is
// worked out here first.
func (m *Model) stepCells(t int) {
	wc := &m.cfg.World.Water
	rain := rules.WaterInput(wc.Mean, wc.Seasonality, wc.Period, t, m.DroughtFactor)
	st := m.bound()
	st.rain = rain
	if m.diffused != t {
		m.e.ParallelFor(len(m.pher)*m.bands, st.diffuse)
	}
	for i := range m.pher {
		m.pher[i], m.pherBuf[i] = m.pherBuf[i], m.pher[i]
		m.grid.SetLayer(m.pherID[i], m.pher[i])
	}
	m.e.ParallelFor(1+m.bands, st.cells)
	m.cover = 0
	for _, c := range m.bandCover {
		m.cover += c
	}
}

// CompanionPieces is each colony's next trail, band by band; see
// sim.SerialCompanion. Nothing in the apply's serial part reads or writes
// the trail since foragers lay it in the local part, and the diffusion
// reads the trail as the local part left it and writes only its buffer, so
// it runs beside the serial part, where the other core was idle.
func (m *Model) CompanionPieces() int { return len(m.pher) * m.bands }

// Companion works out piece i of the next trails; see sim.SerialCompanion.
func (m *Model) Companion(e *sim.Engine, i int) {
	m.diffusePiece(i)
	if i == 0 {
		m.diffused = e.Tick()
	}
}

// diffusePiece works out band i%bands of colony i/bands's next trail into
// its buffer; stepCells makes the buffer the trail once every band is done.
func (m *Model) diffusePiece(i int) {
	c, b := i/m.bands, i%m.bands
	pc := &m.cfg.Ants.Pheromone
	lo, hi := m.band(b)
	rules.DiffuseRows(m.pher[c], m.pherBuf[c], m.grid.W, m.grid.H, pc.Diffusion, pc.Evaporation, lo, hi)
}

// cellsPiece is stepCells' piece i: the network's components, then each
// band of cells.
func (m *Model) cellsPiece(i int) {
	if i == 0 {
		m.e.Net.Components()
		return
	}
	lo, hi := m.band(i - 1)
	m.stepSoilCells(m.steps.rain, lo*m.grid.W, hi*m.grid.W)
	m.bandCover[i-1] = m.canopyRows(lo, hi, m.bandRows[i-1])
}

// stepSoilCells runs the soil's processes over cells [lo, hi) in one pass,
// streaming the four layers through the cache once: the tick's rain
// (seasonal, scaled by DroughtFactor) is added and water evaporates; litter
// is mineralised into nutrients, with deposition and a small leaching loss
// that keeps nutrients bounded; uneaten food rots.
func (m *Model) stepSoilCells(rain float64, lo, hi int) {
	wc := &m.cfg.World
	keep, foodKeep := 1-wc.Water.Evaporation, 1-wc.FoodRot
	water, litter, nut, food := m.water[lo:hi], m.litter[lo:hi], m.nutrients[lo:hi], m.food[lo:hi]
	litter, nut, food = litter[:len(water)], nut[:len(water)], food[:len(water)]
	for i, w := range water {
		water[i] = float64(w*keep) + rain
		l := litter[i]
		d := rules.Decay(l, wc.LitterDecay)
		litter[i] = l - d
		nut[i] = float64(nut[i]*0.999) + float64(d*nutrientPerCarbon) + wc.Deposition
		// Food lies on scattered cells (in the forest, fruit puts it on
		// a fifth of them), so a branch on it is mispredicted often; the
		// rot is done for every cell and a remainder below 1e-9 cleared
		// by comparing bits instead, with the borrow of a subtraction.
		// Food is never negative, and for non-negative floats the order
		// of their bits as unsigned integers is the order of their
		// values; a NaN, of either sign, compares above and is kept, as
		// the branch keeps it.
		f := math.Float64bits(float64(food[i] * foodKeep))
		_, below := bits.Sub64(f, foodFloorBits, 0)
		food[i] = math.Float64frombits(f &^ -below)
	}
}

// foodFloorBits is the bits of the amount of food below which a cell's
// food has rotted away.
var foodFloorBits = math.Float64bits(1e-9)

// nutrientPerCarbon is the nutrient released per unit of litter carbon
// mineralised [nu/kg C].
const nutrientPerCarbon = 0.05

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

// stepCanopy counts the cells under a closed canopy over the whole grid.
func (m *Model) stepCanopy() {
	m.cover = 0
	for b := range m.bands {
		lo, hi := m.band(b)
		m.cover += m.canopyRows(lo, hi, m.bandRows[b])
	}
}

// canopyRows counts the cells of rows [lo, hi) under a closed canopy. The
// 3×3 leaf-area sums are made as a row pass then a column pass (6 additions
// a cell, not 9); rows holds the row sums of rows lo-1 to hi. Each cell's
// additions are made in one fixed order (its own, then left or above, then
// right or below); the loops over the cells have no tests of where a cell
// lies, and no bounds checks.
func (m *Model) canopyRows(lo, hi int, rows []float64) int {
	w, h := m.grid.W, m.grid.H
	first, last := max(lo-1, 0), min(hi+1, h) // rows whose sums are needed
	for y := first; y < last; y++ {
		r := m.la[y*w : (y+1)*w]
		o := rows[(y-first)*w : (y-first+1)*w]
		if w == 1 {
			o[0] = r[0]
			continue
		}
		o[0] = r[0] + r[1]
		left, mid, right, out := r[:w-2], r[1:w-1], r[2:], o[1:w-1]
		left, right, out = left[:len(mid)], right[:len(mid)], out[:len(mid)]
		for x, v := range mid {
			out[x] = v + left[x] + right[x]
		}
		o[w-1] = r[w-1] + r[w-2]
	}
	cover := 0
	for y := lo; y < hi; y++ {
		// The first and last rows have no row above or below; the row of
		// zeros stands in. Adding zero changes no sum's comparison with
		// closedCanopy (at most the sign of a zero sum), so each count is
		// that of the sums without the missing term.
		above, below := m.zeroRow, m.zeroRow
		if y > 0 {
			above = rows[(y-1-first)*w : (y-first)*w]
		}
		if y+1 < h {
			below = rows[(y+1-first)*w : (y+2-first)*w]
		}
		mid := rows[(y-first)*w : (y-first+1)*w]
		above, below = above[:len(mid)], below[:len(mid)]
		n := 0
		for x, s := range mid {
			if s+above[x]+below[x] > closedCanopy {
				n++
			}
		}
		cover += n
	}
	return cover
}
