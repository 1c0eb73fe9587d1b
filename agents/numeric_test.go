package agents

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
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
				tr := Tree{X: int32(x), Y: int32(y), Height: th}
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

// The canopy count runs separate loops for the grid's edges and its inner
// cells; on any grid shape (one row, one column, several bands) and any
// leaf areas it must count what the plain 3×3 sums count, made in the same
// order: each row's own cell, then left, then right; then the row sum, then
// the one above, then the one below.
func TestCanopyCountMatchesThePlainSums(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := bareConfig(rapid.IntRange(1, 70).Draw(rt, "w"), rapid.IntRange(1, 3*envBand+5).Draw(rt, "h"))
		c.Ants.Colonies = nil
		m, _, err := Build(c, sim.Config{Seed: 1, Ticks: 1})
		if err != nil {
			rt.Fatal(err)
		}
		w, h := m.grid.W, m.grid.H
		// Areas around the closed canopy's ninth, more or less dense, so
		// the sums of 4, 6 and 9 cells all fall on both sides of it.
		// Drawn from a stream, not cell by cell, since rapid's draws lean
		// to zero and would leave the canopy open.
		scale := closedCanopy / 9 * rapid.Float64Range(0.5, 4).Draw(rt, "scale")
		r := sim.NewStream(rapid.Uint64().Draw(rt, "seed"), 0)
		for i := range m.la {
			m.la[i] = scale * r.Float64()
		}
		at := func(x, y int) float64 { return m.la[y*w+x] }
		row := func(x, y int) float64 {
			s := at(x, y)
			if x > 0 {
				s += at(x-1, y)
			}
			if x+1 < w {
				s += at(x+1, y)
			}
			return s
		}
		want := 0
		for y := range h {
			for x := range w {
				s := row(x, y)
				if y > 0 {
					s += row(x, y-1)
				}
				if y+1 < h {
					s += row(x, y+1)
				}
				if s > closedCanopy {
					want++
				}
			}
		}
		m.stepCanopy()
		if m.cover != want {
			rt.Fatalf("%dx%d grid: %d cells under a closed canopy, the plain sums count %d", w, h, m.cover, want)
		}
	})
}

// addEqual must land every addition when goroutines add to one cell at
// once, and give the bits of adding them one after another: a plain += here
// loses some of them (and the race detector reports it).
func TestAddEqualLandsEveryAddition(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rapid.Check(t, func(t *rapid.T) {
		start := rapid.Float64Range(0, 1e6).Draw(t, "start")
		d := rapid.Float64Range(1e-3, 100).Draw(t, "d")
		adders := rapid.IntRange(2, 4).Draw(t, "adders")
		const each = 3000
		want := start
		for range adders * each {
			want += d
		}
		got := start
		var wg sync.WaitGroup
		for range adders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					addEqual(&got, d)
				}
			}()
		}
		wg.Wait()
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%d goroutines adding %v %d times each to %v: got %v, want %v", adders, d, each, start, got, want)
		}
	})
}
