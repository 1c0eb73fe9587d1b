package resilience

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPairedProportionNewcombe: Newcombe's (1998) method 10 worked out by
// hand for two tables (8 both, 5 the first only, 4 the second only, 17
// neither; and 3, 9, 1, 7, whose correlation's correction applies), its
// coverage over simulated pairs, and the cases at the edges.
func TestPairedProportionNewcombe(t *testing.T) {
	for _, c := range []struct {
		both, first, second, n int
		lo, hi                 float64
	}{{8, 5, 4, 34, -0.1466363069404772, 0.20261778890475918}, {3, 9, 1, 20, 0.10023617948808994, 0.6144065494134852}} {
		s, _ := PairedProportion(c.both, c.first, c.second, c.n)
		if math.Abs(s.Mean-float64(c.first-c.second)/float64(c.n)) > 1e-15 || math.Abs(s.CILow-c.lo) > 1e-12 || math.Abs(s.CIHigh-c.hi) > 1e-12 {
			t.Errorf("%d, %d, %d of %d: %+v, want [%v, %v]", c.both, c.first, c.second, c.n, s, c.lo, c.hi)
		}
	}
	s, p := PairedProportion(8, 5, 4, 34)
	// McNemar's exact test of 5 against 4: 2 × P(X ≤ 4) for X ~ B(9, 1/2)
	// = 2 × 256/512 = 1, capped.
	if p != 1 {
		t.Errorf("McNemar of 5 against 4: %v, want 1", p)
	}
	// The spread of the 34 differences: 5 of 1, 4 of −1, 25 of 0.
	var d []float64
	for range 5 {
		d = append(d, 1)
	}
	for range 4 {
		d = append(d, -1)
	}
	for range 25 {
		d = append(d, 0)
	}
	if want := Summarize(d).SD; math.Abs(s.SD-want) > 1e-15 {
		t.Errorf("sd %v, want %v", s.SD, want)
	}
	// Every pair alike: a difference of 0 with an interval of some width.
	if s, p := PairedProportion(10, 0, 0, 10); s.Mean != 0 || !(s.CILow < 0 && s.CIHigh > 0) || p != 1 {
		t.Errorf("all recovered in both: %+v, p %v", s, p)
	}
	// All recovered with the point, none with the baseline: 1, its
	// interval below 1 at the bottom, and McNemar's p of 10 against 0 is
	// 2/1024.
	if s, p := PairedProportion(0, 10, 0, 10); s.Mean != 1 || !(s.CILow > 0.5 && s.CILow < 1 && s.CIHigh == 1) || p != 2.0/1024 {
		t.Errorf("all and none: %+v, p %v", s, p)
	}
	if s, p := PairedProportion(1, 0, 0, 1); s.Mean != 0 || !math.IsNaN(s.CILow) || !math.IsNaN(p) {
		t.Errorf("one pair: %+v, p %v", s, p)
	}
	if s, _ := PairedProportion(3, 3, 3, 5); !math.IsNaN(s.Mean) {
		t.Errorf("more pairs counted than there are: %+v", s)
	}
}

// TestPairedProportionCovers: over pairs drawn with known shares and a
// correlation between the two runs of a pair, as common random numbers
// give, the interval holds the true difference about 95% of the time, or
// more (Newcombe's intervals lean wide), and McNemar's test rejects a
// true difference of 0 at most about 5% of the time.
func TestPairedProportionCovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct {
		n         int
		p1, p2, r float64 // shares, and the chance the second run copies the first
	}{{20, 0.5, 0.3, 0.6}, {30, 0.8, 0.8, 0.7}, {12, 0.2, 0.5, 0.3}, {40, 0.6, 0.6, 0}} {
		const trials = 4000
		held, rejected := 0, 0
		// The second run copies the first with chance r, else draws
		// afresh with its own share adjusted so that its share is p2.
		for range trials {
			var both, first, second int
			for range c.n {
				a := rng.Float64() < c.p1
				var b bool
				if rng.Float64() < c.r {
					b = a
					if c.p1 != c.p2 { // keep b's share at p2: flip some
						if a && rng.Float64() < max(0, (c.p1-c.p2)/c.p1) {
							b = false
						}
						if !a && rng.Float64() < max(0, (c.p2-c.p1)/(1-c.p1)) {
							b = true
						}
					}
				} else {
					b = rng.Float64() < c.p2
				}
				switch {
				case a && b:
					both++
				case a:
					first++
				case b:
					second++
				}
			}
			s, p := PairedProportion(both, first, second, c.n)
			if s.CILow <= c.p1-c.p2 && c.p1-c.p2 <= s.CIHigh {
				held++
			}
			if p < 0.05 {
				rejected++
			}
		}
		cover := float64(held) / trials
		t.Logf("%+v: held %.3f, rejected %.3f", c, cover, float64(rejected)/trials)
		if !(cover > 0.93 && cover < 0.995) {
			t.Errorf("%+v: the interval held the difference %.3f of the time", c, cover)
		}
		if c.p1 == c.p2 && float64(rejected)/trials > 0.06 {
			t.Errorf("%+v: McNemar rejected a true 0 %.3f of the time", c, float64(rejected)/trials)
		}
	}
}
