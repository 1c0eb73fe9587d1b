package rules

import (
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// diffuseByPasses is Diffuse written plainly: clear, spread every cell the
// general way (no interior fast path), then evaporate. Diffuse's single
// sweep must give the same bits.
func diffuseByPasses(src, dst []float64, w, h int, diffusion, evaporation float64) {
	clear(dst)
	for y := range h {
		for x := range w {
			v := src[y*w+x]
			if v == 0 {
				continue
			}
			spread(dst, v, x, y, w, h, diffusion, 0, h-1)
		}
	}
	for i, v := range dst {
		v = float64(v * (1 - evaporation))
		if v < 1e-9 {
			v = 0
		}
		dst[i] = v
	}
}

// Diffuse must give the bits of the plain passes on any grid from a cell
// to 40×40, sparse or dense (rows with nothing, rows with a cell or two,
// full rows), with -0 among the values and whatever dst held before.
func TestDiffuseMatchesPlainPasses(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.IntRange(1, 40).Draw(t, "w")
		h := rapid.IntRange(1, 40).Draw(t, "h")
		fill := rapid.Float64Range(0, 1).Draw(t, "fill")
		src := make([]float64, w*h)
		for y := range h {
			if rapid.Float64Range(0, 1).Draw(t, "row") < 0.3 {
				continue // an empty row
			}
			for x := range w {
				switch u := rapid.Float64Range(0, 1).Draw(t, "cell"); {
				case u < fill*0.05:
					src[y*w+x] = math.Copysign(0, -1)
				case u < fill:
					src[y*w+x] = rapid.Float64Range(0, 100).Draw(t, "v")
				}
			}
		}
		diff := rapid.Float64Range(0, 1).Draw(t, "diffusion")
		evap := rapid.Float64Range(0, 1).Draw(t, "evaporation")
		got := make([]float64, w*h)
		for i := range got {
			got[i] = math.NaN() // what was in dst must not matter
		}
		want := make([]float64, w*h)
		Diffuse(src, got, w, h, diff, evap)
		diffuseByPasses(src, want, w, h, diff, evap)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%dx%d cell %d: %v, want %v", w, h, i, got[i], want[i])
			}
		}
	})
}

// DiffuseRows, band by band in any order, must give Diffuse's bits on the
// same grids, with dst full of garbage beforehand. The
// cells' values come from a seeded generator rather than from rapid, whose
// values lean to round numbers that add exactly in any order; with them a
// version that added a cell's shares in another order than the sweep still
// passed 100 cases.
func TestDiffuseRowsMatchesDiffuse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.IntRange(1, 40).Draw(t, "w")
		h := rapid.IntRange(1, 40).Draw(t, "h")
		fill := rapid.Float64Range(0, 1).Draw(t, "fill")
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1))
		src := make([]float64, w*h)
		for y := range h {
			if rng.Float64() < 0.3 {
				continue // an empty row
			}
			for x := range w {
				switch u := rng.Float64(); {
				case u < fill*0.05:
					src[y*w+x] = math.Copysign(0, -1)
				case u < fill:
					src[y*w+x] = rng.Float64() * 100
				}
			}
		}
		diff, evap := rng.Float64(), rng.Float64()*0.5
		band := rapid.IntRange(1, h).Draw(t, "band")
		want := make([]float64, w*h)
		Diffuse(src, want, w, h, diff, evap)
		got := make([]float64, w*h)
		for i := range got {
			got[i] = math.NaN()
		}
		bands := (h + band - 1) / band
		for _, b := range rapid.Permutation(seq(bands)).Draw(t, "order") {
			DiffuseRows(src, got, w, h, diff, evap, b*band, min((b+1)*band, h))
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%dx%d in bands of %d rows, cell %d: %v, want %v", w, h, band, i, got[i], want[i])
			}
		}
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
