package rules

// Directions lists the eight compass steps, clockwise from east; an ant's
// heading is an index into it.
var Directions = [8][2]int{{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}}

// HeadingWeight is how attractive a candidate step is to a searching ant:
// pheromone [units/cell] raises it with exponent 2, as in the choice
// function of Deneubourg et al. (1990), so a forager keeps to the ridge of
// a trail; going straight on is preferred.
//
// A forager on a trail also prefers steps that take it further from its
// nest (outward), since it knows where home is and food lies at the far end
// of a trail.
func HeadingWeight(pheromone float64, straight, outward bool) float64 {
	p := max(pheromone, 0)
	w := 1 + p
	w = float64(w * w)
	if straight {
		w *= 2
	}
	if outward && p > 0 {
		w *= 3
	}
	return w
}

// Toward returns the heading index that best approaches (dx, dy), or -1 at
// the target.
func Toward(dx, dy int) int {
	sx, sy := sign(dx), sign(dy)
	if sx == 0 && sy == 0 {
		return -1
	}
	for i, d := range Directions {
		if d[0] == sx && d[1] == sy {
			return i
		}
	}
	return -1
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// Diffuse spreads a layer over a w×h grid into dst: each cell keeps
// 1-diffusion of its content and shares diffusion equally among its in-grid
// neighbours (8-neighbourhood), then evaporation removes that fraction.
// With evaporation 0 the layer's total is conserved, up to rounding.
func Diffuse(src, dst []float64, w, h int, diffusion, evaporation float64) {
	DiffuseRows(src, dst, w, h, diffusion, evaporation, 0, h)
}

// DiffuseRows is Diffuse for rows [lo, hi) of dst alone, so that bands of
// rows can be worked out at once; it reads the source rows lo-1 to hi.
//
// One sweep down the source rows: each cell that holds anything shares
// into the rows of the band it reaches, and once source row y is done, dst
// row y-1 has had all its shares, so it evaporates then. A dst cell gets
// its additions in the order of the sweep over the whole grid (the row
// above, its own, the row below, each left to right), whichever band it is
// in, so the bits do not depend on where the bands are cut. A row none of
// whose three source rows holds anything stays zero and needs no
// evaporating: trails cover a fraction of a grid. Sharing out from each
// source skips the empty cells; gathering into each cell instead made the
// forest's whole environment phase 30–70% slower at 10,000 agents.
func DiffuseRows(src, dst []float64, w, h int, diffusion, evaporation float64, lo, hi int) {
	if lo >= hi {
		return
	}
	keep := 1 - evaporation
	clear(dst[lo*w : hi*w])
	var held [3]bool // whether source rows y-2, y-1 and y hold anything
	for y := max(lo-1, 0); y <= min(hi, h-1); y++ {
		held[0], held[1], held[2] = held[1], held[2], false
		// The rows of the band this source row reaches; with all three,
		// and away from the grid's edge, a cell has all eight neighbours
		// there and needs no bounds checks. Reaching them row by row, as
		// the halo and edge rows below do, made a 500×500 layer 15%
		// slower on one core (8.24–8.37 against 7.14–7.30 ns a cell).
		r0, r1 := max(y-1, lo), min(y+1, hi-1)
		whole := y > 0 && y < h-1 && r0 == y-1 && r1 == y+1
		for x := range w {
			v := src[y*w+x]
			if v == 0 {
				continue
			}
			held[2] = true
			if whole && x > 0 && x < w-1 {
				i := y*w + x
				share := float64(float64(v*diffusion) / 8)
				dst[i] += v - float64(v*diffusion)
				row := dst[i-w-1 : i+w+2]
				row[0] += share
				row[1] += share
				row[2] += share
				row[w] += share
				row[w+2] += share
				row[2*w] += share
				row[2*w+1] += share
				row[2*w+2] += share
				continue
			}
			if y > 0 && y < h-1 && x > 0 && x < w-1 {
				// A halo or edge row of the band: the rows it reaches
				// one by one, still without the general case's checks.
				share := float64(float64(v*diffusion) / 8)
				for r := r0; r <= r1; r++ {
					row := dst[r*w+x-1 : r*w+x+2]
					if r == y {
						row[1] += v - float64(v*diffusion)
					} else {
						row[1] += share
					}
					row[0] += share
					row[2] += share
				}
				continue
			}
			spread(dst, v, x, y, w, h, diffusion, r0, r1)
		}
		if y-1 >= lo && (held[0] || held[1] || held[2]) {
			evaporate(dst[(y-1)*w:y*w], keep)
		}
	}
	if hi == h && (held[1] || held[2]) {
		evaporate(dst[(h-1)*w:h*w], keep)
	}
}

// spread adds cell (x, y)'s content v to rows r0 to r1 of dst: 1-diffusion
// of it stays, the rest is shared equally among the cell's in-grid
// neighbours.
func spread(dst []float64, v float64, x, y, w, h int, diffusion float64, r0, r1 int) {
	share := float64(v*diffusion) / float64(neighbourCount(x, y, w, h))
	if y >= r0 && y <= r1 {
		dst[y*w+x] += v - float64(v*diffusion)
	}
	for _, d := range Directions {
		nx, ny := x+d[0], y+d[1]
		if nx >= 0 && nx < w && ny >= r0 && ny <= r1 {
			dst[ny*w+nx] += share
		}
	}
}

// evaporate keeps the share keep of each cell's pheromone, dropping traces
// below 1e-9.
func evaporate(row []float64, keep float64) {
	for i, v := range row {
		v = float64(v * keep)
		if v < 1e-9 {
			v = 0
		}
		row[i] = v
	}
}

func neighbourCount(x, y, w, h int) int {
	n := 0
	for _, d := range Directions {
		nx, ny := x+d[0], y+d[1]
		if nx >= 0 && ny >= 0 && nx < w && ny < h {
			n++
		}
	}
	return n
}
