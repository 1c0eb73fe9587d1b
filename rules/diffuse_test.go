package rules

import (
	"math"
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
			spread(dst, v, x, y, w, h, diffusion)
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

func TestDiffuseMatchesPlainPasses(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.IntRange(1, 9).Draw(t, "w")
		h := rapid.IntRange(1, 9).Draw(t, "h")
		src := make([]float64, w*h)
		for i := range src {
			if rapid.Bool().Draw(t, "set") {
				src[i] = rapid.Float64Range(0, 100).Draw(t, "v")
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
