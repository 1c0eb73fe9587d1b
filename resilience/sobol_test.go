package resilience

import (
	"math"
	"math/rand/v2"
	"testing"
)

// saltelli evaluates f over Saltelli's design of n rows and k inputs drawn
// uniformly from [lo, hi): the outputs at A, at B and at each A with one
// column from B.
func saltelli(n, k int, lo, hi float64, seed uint64, f func([]float64) float64) (a, b []float64, ab [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	draw := func() []float64 {
		x := make([]float64, k)
		for i := range x {
			x[i] = lo + (hi-lo)*rng.Float64()
		}
		return x
	}
	ab = make([][]float64, k)
	for range n {
		xa, xb := draw(), draw()
		a, b = append(a, f(xa)), append(b, f(xb))
		for i := range k {
			x := append([]float64(nil), xa...)
			x[i] = xb[i]
			ab[i] = append(ab[i], f(x))
		}
	}
	return a, b, ab
}

// The Ishigami function (a=7, b=0.1) has known indices, with an input
// that matters only through an interaction (x3: first-order 0, total
// 0.24) and one that matters only alone (x2).
func TestSobolFindsTheIshigamiIndices(t *testing.T) {
	ishigami := func(x []float64) float64 {
		s := math.Sin(x[0])
		return s + 7*math.Pow(math.Sin(x[1]), 2) + 0.1*math.Pow(x[2], 4)*s
	}
	// Analytic values (Ishigami and Homma 1990; Sobol' and Levitan 1999).
	wantFirst := []float64{0.3139, 0.4424, 0}
	wantTotal := []float64{0.5576, 0.4424, 0.2437}
	a, b, ab := saltelli(20000, 3, -math.Pi, math.Pi, 1, ishigami)
	got := Sobol(a, b, ab)
	for i, s := range got {
		if s.N != 20000 {
			t.Errorf("x%d: %d rows", i+1, s.N)
		}
		if !(math.Abs(s.First-wantFirst[i]) < 0.03) || !(math.Abs(s.Total-wantTotal[i]) < 0.03) {
			t.Errorf("x%d: first %.4f (want %.4f), total %.4f (want %.4f)", i+1, s.First, wantFirst[i], s.Total, wantTotal[i])
		}
		if !(s.FirstLow <= wantFirst[i]+0.005 && wantFirst[i]-0.005 <= s.FirstHigh) ||
			!(s.TotalLow <= wantTotal[i]+0.005 && wantTotal[i]-0.005 <= s.TotalHigh) {
			t.Errorf("x%d: intervals [%.4f, %.4f] and [%.4f, %.4f] miss %.4f and %.4f", i+1,
				s.FirstLow, s.FirstHigh, s.TotalLow, s.TotalHigh, wantFirst[i], wantTotal[i])
		}
		if !(s.FirstLow < s.First && s.First < s.FirstHigh && s.TotalHigh-s.TotalLow < 0.05) {
			t.Errorf("x%d: interval [%.4f, %.4f] about %.4f, total's %.4f wide", i+1, s.FirstLow, s.FirstHigh, s.First, s.TotalHigh-s.TotalLow)
		}
	}
}

// An additive output's indices are its terms' shares of the variance, and
// first-order and total agree; an input it ignores gets 0 for both.
func TestSobolOfAnAdditiveOutput(t *testing.T) {
	f := func(x []float64) float64 { return 100 + 2*x[0] + x[1] } // variances 4/12 and 1/12
	a, b, ab := saltelli(20000, 3, 0, 1, 2, f)
	got := Sobol(a, b, ab)
	want := []float64{0.8, 0.2, 0}
	for i, s := range got {
		if !(math.Abs(s.First-want[i]) < 0.025 && math.Abs(s.Total-want[i]) < 0.025) {
			t.Errorf("x%d: first %.4f total %.4f, want %.1f", i+1, s.First, s.Total, want[i])
		}
	}
	// An ignored input changes nothing between A and AB: its total is
	// exactly 0, and so is every resample's.
	if s := got[2]; s.Total != 0 || s.TotalLow != 0 || s.TotalHigh != 0 || s.First != 0 {
		t.Errorf("ignored input: %+v", s)
	}
	again := Sobol(a, b, ab)
	for i := range got {
		if math.Float64bits(got[i].FirstLow) != math.Float64bits(again[i].FirstLow) ||
			math.Float64bits(got[i].TotalHigh) != math.Float64bits(again[i].TotalHigh) {
			t.Errorf("x%d: the bootstrap differs between two calls", i+1)
		}
	}
}

func TestSobolLeavesOutRowsAndDegenerateCases(t *testing.T) {
	f := func(x []float64) float64 { return x[0] + 0.5*x[1] }
	a, b, ab := saltelli(300, 2, 0, 1, 3, f)
	full := Sobol(a, b, ab)
	// NaN anywhere in row 5 (an A run, a B run, an AB run) drops the row
	// for both inputs; dropping it by hand gives the same figures.
	for _, spoil := range []*float64{&a[5], &b[5], &ab[1][5]} {
		keep := *spoil
		*spoil = math.NaN()
		got := Sobol(a, b, ab)
		*spoil = keep
		cut := func(xs []float64) []float64 { return append(append([]float64(nil), xs[:5]...), xs[6:]...) }
		want := Sobol(cut(a), cut(b), [][]float64{cut(ab[0]), cut(ab[1])})
		for i := range got {
			if got[i].N != 299 || got[i].First != want[i].First || got[i].Total != want[i].Total {
				t.Errorf("input %d: %+v, by hand %+v", i, got[i], want[i])
			}
		}
	}
	if full[0].First <= full[1].First || full[0].N != 300 {
		t.Errorf("x1 weighs 4 times x2: %+v", full)
	}
	flat := make([]float64, 10)
	for _, s := range Sobol(flat, flat, [][]float64{flat}) {
		if !math.IsNaN(s.First) || !math.IsNaN(s.Total) || !math.IsNaN(s.FirstLow) || s.N != 10 {
			t.Errorf("an output that never varies: %+v", s)
		}
	}
	for _, s := range Sobol([]float64{1}, []float64{2}, [][]float64{{3}}) {
		if !math.IsNaN(s.First) || s.N != 1 {
			t.Errorf("one row: %+v", s)
		}
	}
	if got := Sobol(nil, nil, nil); len(got) != 0 {
		t.Errorf("no inputs: %v", got)
	}
}

// TestSobolNoiseIsAShareOfTheVariance: the mean of the points' noise over
// the variance of A's and B's outputs, over the rows Sobol uses: a row with
// an undefined output is left out, noise and all, while a row it uses with
// unknown noise makes the share unknown.
func TestSobolNoiseIsAShareOfTheVariance(t *testing.T) {
	a, b := []float64{1, 2, 3, math.NaN()}, []float64{4, 5, 6, 7}
	ab := [][]float64{{0, 0, 0, 0}}
	na, nb := []float64{0.1, 0.2, 0.3, math.NaN()}, []float64{0.4, 0.5, 0.6, 100}
	// Over rows 0-2: outputs 1..6, variance 3.5; noise mean 0.35.
	if got := SobolNoise(a, b, ab, na, nb); math.Abs(got-0.1) > 1e-15 {
		t.Errorf("share %v, want 0.35/3.5", got)
	}
	na[1] = math.NaN()
	if got := SobolNoise(a, b, ab, na, nb); !math.IsNaN(got) {
		t.Errorf("a used point's noise unknown: %v", got)
	}
	na[1] = 0.2
	for name, c := range map[string][2][]float64{
		"one row":    {{1, math.NaN()}, {4, 5}},
		"no variety": {{2, 2, 2}, {2, 2, 2}},
	} {
		if got := SobolNoise(c[0], c[1], [][]float64{{0, 0, 0}}, na, nb); !math.IsNaN(got) {
			t.Errorf("%s: %v", name, got)
		}
	}
	if got := SobolNoise(a, b, ab, na[:2], nb); !math.IsNaN(got) {
		t.Errorf("noise for too few rows: %v", got)
	}
}
