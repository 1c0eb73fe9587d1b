package sweep

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/sim"
)

// TestHaltonColumnsAreNets: the first b^m points of the dimension in base
// b fall one in each slice of width b^−m, and the first 72 of the
// dimensions in bases 2 and 3 one in each box of 1/8 by 1/9, as the
// Halton sequence's do; scrambling keeps that. Every place is in [0, 1),
// and the seed, and nothing else, decides the places.
func TestHaltonColumnsAreNets(t *testing.T) {
	const dims = 40 // the 40th prime is 173
	cols := haltonColumns(200, dims, 9)
	ps := primes(dims)
	if ps[0] != 2 || ps[1] != 3 || ps[2] != 5 || ps[dims-1] != 173 {
		t.Fatalf("primes: %v", ps)
	}
	for j, b := range ps {
		n := b
		for n*b <= 200 {
			n *= b
		}
		strata := map[int]bool{}
		for i, u := range cols[j] {
			if !(u >= 0 && u < 1) {
				t.Fatalf("dimension %d, point %d: %v", j, i, u)
			}
			if i < n {
				strata[int(u*float64(n))] = true
			}
		}
		if len(strata) != n {
			t.Errorf("base %d: the first %d points fill %d of %d slices", b, n, len(strata), n)
		}
	}
	boxes := map[[2]int]bool{}
	for i := range 72 {
		boxes[[2]int{int(cols[0][i] * 8), int(cols[1][i] * 9)}] = true
	}
	if len(boxes) != 72 {
		t.Errorf("the first 72 points in bases 2 and 3 fill %d of 72 boxes", len(boxes))
	}
	again, other := haltonColumns(200, dims, 9), haltonColumns(200, dims, 10)
	for j := range cols {
		if !slices.Equal(cols[j], again[j]) {
			t.Fatalf("dimension %d differs on the same seed", j)
		}
	}
	if slices.Equal(cols[0], other[0]) || slices.Equal(cols[dims-1], other[dims-1]) {
		t.Error("another seed gives the same places")
	}
	if got := haltonColumns(0, 3, 1); len(got) != 3 || len(got[0]) != 0 {
		t.Errorf("no points: %v", got)
	}
}

// TestHaltonScramblingBreaksTheLines: unscrambled, the first 120 points in
// bases 127 and 131 (dimensions 30 and 31) are i/127 and i/131, on one
// line, correlated almost exactly; scrambled, each is a random order of
// its slices and the two are about uncorrelated.
func TestHaltonScramblingBreaksTheLines(t *testing.T) {
	cols := haltonColumns(120, 32, 3)
	if ps := primes(32); ps[30] != 127 || ps[31] != 131 {
		t.Fatalf("primes %d and %d", ps[30], ps[31])
	}
	x, y := cols[30], cols[31]
	mx, my := mean(x), mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	if r := sxy / math.Sqrt(sxx*syy); math.Abs(r) > 0.3 {
		t.Errorf("dimensions 30 and 31 correlate at %.3f", r)
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// TestDigitPermutations: both ways of drawing a digit's permutation give
// distinct digits of the base, and each digit's image is uniform: over
// 25,000 draws in base 50, each image of 0 and of 4 comes up 500 times,
// give or take 6 standard deviations.
func TestDigitPermutations(t *testing.T) {
	for _, need := range []int{50, 30, 5} { // the full shuffle, and Fisher–Yates's first steps alone
		counts := [2][50]int{}
		for s := range 25_000 {
			r := sim.Stream{State: sim.Hash(uint64(s), uint64(need))}
			p := newDigitPerm(50, need, &r)
			seen := map[int32]bool{}
			for a := range need {
				v := p.at(a)
				if v < 0 || v >= 50 || seen[v] {
					t.Fatalf("need %d: digit %d goes to %d (seen: %v)", need, a, v, seen[v])
				}
				seen[v] = true
			}
			counts[0][p.at(0)]++
			counts[1][p.at(4)]++
		}
		for k := range counts {
			for v, c := range counts[k] {
				if math.Abs(float64(c-500)) > 6*math.Sqrt(500*0.98) {
					t.Errorf("need %d: digit %d goes to %d %d times of 25,000", need, []int{0, 4}[k], v, c)
				}
			}
		}
	}
}

// TestHaltonSettlesSoonerThanLHS: over the Ishigami function, whose
// indices are known (as in resilience's tests), 1,024 rows of the design
// drawn from the Halton sequence miss them by less than 0.6 times what two
// Latin hypercubes miss them by, root mean square over 10 seeds and the
// six indices. Measured: 0.0090 against 0.0246. That is the point of the
// sampler: the same precision for fewer runs.
func TestHaltonSettlesSoonerThanLHS(t *testing.T) {
	first, total := []float64{0.3139, 0.4424, 0}, []float64{0.5576, 0.4424, 0.2437}
	rms := map[string]float64{}
	for _, sampler := range []string{SamplerHalton, SamplerLHS} {
		plan := &Plan{Vary: []Vary{{"a", "uniform(-3.141592653589793,3.141592653589793)"}, {"b", "uniform(-3.141592653589793,3.141592653589793)"},
			{"c", "uniform(-3.141592653589793,3.141592653589793)"}}, Design: DesignSobol, Samples: 1024, Sampler: sampler}
		if err := plan.Check(); err != nil {
			t.Fatal(err)
		}
		sq, n := 0.0, 0
		for seed := range 10 {
			pts, err := plan.Points(uint64(seed))
			if err != nil {
				t.Fatal(err)
			}
			a, b, ab := SobolOutputs(1024, 3, func(p int) float64 {
				var x [3]float64
				for i, v := range pts[p].Values {
					x[i], _ = strconv.ParseFloat(v, 64)
				}
				s := math.Sin(x[0])
				return s + 7*math.Pow(math.Sin(x[1]), 2) + 0.1*math.Pow(x[2], 4)*s
			})
			for i, s := range resilience.Sobol(a, b, ab) {
				sq += (s.First-first[i])*(s.First-first[i]) + (s.Total-total[i])*(s.Total-total[i])
				n += 2
			}
		}
		rms[sampler] = math.Sqrt(sq / float64(n))
	}
	t.Logf("root mean square error: halton %.4f, lhs %.4f", rms[SamplerHalton], rms[SamplerLHS])
	if !(rms[SamplerHalton] < 0.6*rms[SamplerLHS]) {
		t.Errorf("halton misses by %.4f, lhs by %.4f", rms[SamplerHalton], rms[SamplerLHS])
	}
}
