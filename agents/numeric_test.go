package agents

import (
	"errors"
	"math"
	"testing"

	"github.com/ecosim/ecosim/rules"
	"pgregory.net/rapid"
)

// finite must pass every finite value through unchanged and stop at every
// NaN and infinity, which its one-comparison test has to tell apart exactly.
func TestFiniteTellsFiniteFromNot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := math.Float64frombits(rapid.Uint64().Draw(t, "bits"))
		var got error
		func() {
			defer func() {
				if r := recover(); r != nil {
					got = r.(NumericalError)
				}
			}()
			if out := finite("rule", v); math.Float64bits(out) != math.Float64bits(v) {
				t.Fatalf("finite(%v) returned %v", v, out)
			}
		}()
		bad := math.IsNaN(v) || math.IsInf(v, 0)
		var ne NumericalError
		if bad != errors.As(got, &ne) {
			t.Fatalf("finite(%v): panicked %v, want a panic: %v", v, got, bad)
		}
		if bad && ne.Rule != "rule" {
			t.Fatalf("the error names %q", ne.Rule)
		}
	})
	for _, v := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.Copysign(0, -1)} {
		bad := math.IsNaN(v) || math.IsInf(v, 0)
		func() {
			defer func() {
				if r := recover(); (r != nil) != bad {
					t.Errorf("finite(%v): recovered %v", v, r)
				}
			}()
			finite("rule", v)
		}()
	}
}

// light sums its neighbours' shade as it reads the height layer; it must
// give, bit for bit, the light rules.ShadedLight gives over the eight
// neighbours gathered in rules.Directions order (zero off the grid), for a
// tree on every cell of a small grid, the interior and every edge.
func TestLightMatchesShadedLight(t *testing.T) {
	m, _ := build(t, bareConfig(7, 6), 1)
	rapid.Check(t, func(rt *rapid.T) {
		w, h := m.grid.W, m.grid.H
		scale := rapid.Float64Range(0.1, 3).Draw(rt, "scale")
		for i := range m.height {
			// Any height, or one of a few, zero among them, so the ties
			// and the empty cells of a real canopy come up too.
			if rapid.Bool().Draw(rt, "any") {
				m.height[i] = rapid.Float64Range(0, 15).Draw(rt, "h")
			} else {
				m.height[i] = float64(rapid.IntRange(0, 5).Draw(rt, "tier")) * scale
			}
		}
		th := rapid.Float64Range(0, 15).Draw(rt, "height")
		if rapid.Bool().Draw(rt, "tied") {
			th = float64(rapid.IntRange(0, 5).Draw(rt, "tier")) * scale
		}
		tol := rapid.Float64Range(0, 1).Draw(rt, "tolerance")
		for y := range h {
			for x := range w {
				tr := Tree{X: x, Y: y, Height: th}
				var hs [8]float64
				for k, d := range rules.Directions {
					if nx, ny := x+d[0], y+d[1]; nx >= 0 && ny >= 0 && nx < w && ny < h {
						hs[k] = m.height[ny*w+nx]
					}
				}
				want := rules.ShadedLight(th, hs[:], m.cfg.Trees.Shading, tol)
				if got := m.light(&tr, tol); math.Float64bits(got) != math.Float64bits(want) {
					rt.Fatalf("light at (%d,%d) = %v, ShadedLight gives %v", x, y, got, want)
				}
			}
		}
	})
}

// The soil pass clears rotted food by comparing bits, not values; on every
// food a cell can hold (none, any non-negative amount, infinite, or NaN of
// either sign should a bug make one) it must give what the plain branch
// gives, bit for bit.
func TestSoilFoodRotMatchesTheBranch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := DefaultConfig()
		c.World.FoodRot = rapid.Float64Range(0, 1).Draw(t, "rot")
		m := &Model{cfg: c}
		n := rapid.IntRange(1, 40).Draw(t, "cells")
		special := []float64{0, math.Copysign(0, -1), 1e-9, math.Nextafter(1e-9, 0), math.Nextafter(1e-9, 1),
			1e-9 / (1 - c.World.FoodRot), 5e-324, math.Inf(1), math.NaN(), -math.NaN(), math.MaxFloat64}
		m.water, m.litter, m.nutrients, m.food = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			if rapid.Bool().Draw(t, "special") {
				m.food[i] = special[rapid.IntRange(0, len(special)-1).Draw(t, "which")]
			} else {
				m.food[i] = math.Float64frombits(rapid.Uint64Range(0, math.Float64bits(math.MaxFloat64)).Draw(t, "food"))
			}
		}
		want := make([]float64, n)
		keep := 1 - c.World.FoodRot
		for i, f := range m.food {
			want[i] = f
			if f > 0 {
				f = float64(f * keep)
				if f < 1e-9 {
					f = 0
				}
				want[i] = f
			}
		}
		m.stepSoilCells(1, 0, n)
		for i := range n {
			if math.Float64bits(m.food[i]) != math.Float64bits(want[i]) {
				t.Fatalf("cell %d: food %v (%#x), want %v (%#x)", i, m.food[i], math.Float64bits(m.food[i]), want[i], math.Float64bits(want[i]))
			}
		}
	})
}
