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
	// One sweep down the rows: row y+1 of dst is cleared just before row
	// y's cells share into it, and row y-1 has had all its shares once row
	// y is done, so it evaporates then. Each cell gets the same additions in
	// the same order as with separate clear, share and evaporate passes. A
	// row none of whose three source rows holds anything stays zero and
	// needs no evaporating: trails cover a fraction of a grid.
	keep := 1 - evaporation
	clear(dst[:min(2, h)*w])
	var held [3]bool // whether source rows y-2, y-1 and y hold anything
	for y := range h {
		held[0], held[1], held[2] = held[1], held[2], false
		if y+2 <= h-1 {
			clear(dst[(y+2)*w : (y+3)*w])
		}
		interiorRow := y > 0 && y < h-1
		for x := range w {
			v := src[y*w+x]
			if v == 0 {
				continue
			}
			held[2] = true
			if interiorRow && x > 0 && x < w-1 {
				// Interior cells have all eight neighbours: no bounds checks.
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
			spread(dst, v, x, y, w, h, diffusion)
		}
		if y >= 1 && (held[0] || held[1] || held[2]) {
			evaporate(dst[(y-1)*w:y*w], keep)
		}
	}
	if h >= 1 && (held[1] || held[2]) {
		evaporate(dst[(h-1)*w:h*w], keep)
	}
}

// spread adds cell (x, y)'s content v to dst: 1-diffusion of it stays, the
// rest is shared equally among the cell's in-grid neighbours.
func spread(dst []float64, v float64, x, y, w, h int, diffusion float64) {
	share := float64(v*diffusion) / float64(neighbourCount(x, y, w, h))
	dst[y*w+x] += v - float64(v*diffusion)
	for _, d := range Directions {
		nx, ny := x+d[0], y+d[1]
		if nx >= 0 && ny >= 0 && nx < w && ny < h {
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
