package resilience

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestPairedPIsStudentsT: against gonum's t distribution over many sizes
// and effects, p-values from 1 down to 1e-12, and at the interval's edge:
// a mean exactly half an interval from 0 has p = 0.05.
func TestPairedPIsStudentsT(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 300 {
		n := 2 + rng.IntN(60)
		mean, sd := rng.NormFloat64()*3, 0.1+rng.Float64()*5
		nu := float64(n - 1)
		tv := mean / (sd / math.Sqrt(float64(n)))
		want := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.CDF(-math.Abs(tv))
		got := PairedP(mean, sd, n)
		if want > 1e-12 && !(math.Abs(got-want) <= 1e-9*want+1e-14) {
			t.Errorf("n %d, t %.4g: p %.17g, want %.17g", n, tv, got, want)
		}
		if !(got >= 0 && got <= 1) {
			t.Errorf("n %d, t %.4g: p %v", n, tv, got)
		}
		s := Summarize([]float64{mean - sd, mean + sd}) // any two values: the interval's half-width
		half := s.CIHigh - s.Mean
		if p := PairedP(half, s.SD, 2); math.Abs(p-0.05) > 1e-9 {
			t.Errorf("a mean at the interval's edge: p %v, want 0.05", p)
		}
	}
	for _, c := range []struct {
		mean, sd float64
		n        int
		want     float64
	}{{1, 1, 1, math.NaN()}, {0, 0, 5, 1}, {2, 0, 5, 0}, {math.NaN(), 1, 5, math.NaN()}, {0, 3, 9, 1}} {
		got := PairedP(c.mean, c.sd, c.n)
		if !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("PairedP(%v, %v, %d) = %v, want %v", c.mean, c.sd, c.n, got, c.want)
		}
	}
}

func TestHolm(t *testing.T) {
	nan := math.NaN()
	// Sorted 0.01, 0.02, 0.045, 0.5 of m = 4: ×4, ×3, ×2, ×1 = 0.04,
	// 0.06, 0.09 and 0.5. Below, 0.01, 0.04, 0.045 of m = 3: 0.03, 0.08,
	// and 0.045 raised to the 0.08 before it.
	got := Holm([]float64{0.045, nan, 0.5, 0.01, 0.02})
	want := []float64{0.09, nan, 0.5, 0.04, 0.06}
	for i := range want {
		if !(math.Abs(got[i]-want[i]) < 1e-15 || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Errorf("Holm: %v, want %v", got, want)
			break
		}
	}
	if got := Holm([]float64{0.045, 0.01, 0.04}); math.Abs(got[0]-0.08) > 1e-15 || math.Abs(got[1]-0.03) > 1e-15 || math.Abs(got[2]-0.08) > 1e-15 {
		t.Errorf("raised to the one before: %v, want [0.08 0.03 0.08]", got)
	}
	if got := Holm([]float64{0.9, 0.6}); !slices.Equal(got, []float64{1, 1}) {
		t.Errorf("capped at 1: %v", got)
	}
	if got := Holm(nil); len(got) != 0 {
		t.Errorf("none: %v", got)
	}
}
