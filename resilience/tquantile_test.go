package resilience

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The interval's factor must agree with gonum's Student's t quantile (to
// 1e-12, both being within about 1e-13 of the true value) for every number
// of replicates a sweep is likely to have and far beyond, and with the
// closed forms where there are: nu = 1 is tan(0.475π), nu = 2 is
// 0.95/√(2·0.975·0.025).
func TestTQuantileMatchesDistuv(t *testing.T) {
	for nu := 1; nu <= 3000; nu += 1 + nu/50 {
		got := tQuantile975(float64(nu))
		want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Quantile(0.975)
		if math.Abs(got-want) > 1e-12*want {
			t.Fatalf("nu = %d: %v, distuv gives %v", nu, got, want)
		}
	}
	for _, c := range []struct{ nu, want float64 }{
		{1, 12.706204736174705}, // tan(0.475π), from 50 digits
		{2, 4.302652729749464},  // from 40 digits
	} {
		if got := tQuantile975(c.nu); math.Abs(got-c.want) > 1e-15*c.want {
			t.Errorf("nu = %v: %v, want %v", c.nu, got, c.want)
		}
	}
}

// lgamma must agree with the math package's over whole and half numbers,
// where it uses exact products (within 1e-15 of the larger of 1 and the
// result; 3.1e-16 seen up to 3,000), and over other x, where the
// recurrence's and Stirling's sums of terms near 25 leave more (within
// 2e-14; 1.1e-14 seen over 200,000 draws).
func TestLgammaMatchesMath(t *testing.T) {
	check := func(x, tol float64) {
		want, _ := math.Lgamma(x)
		if got := lgamma(x); math.Abs(got-want) > tol*max(1, math.Abs(want)) {
			t.Fatalf("lgamma(%v) = %v, math.Lgamma gives %v", x, got, want)
		}
	}
	for x := 0.5; x <= 3000; x += 0.5 {
		check(x, 1e-15)
	}
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		check(1e-3+1e4*r.Float64(), 2e-14)
		check(1e-3+20*r.Float64(), 2e-14)
	}
	// Exact where the result is: Γ(1) = Γ(2) = 1, Γ(1/2) = √π.
	if lgamma(1) != 0 || lgamma(2) != 0 || lgamma(0.5) != 0.5723649429247001 {
		t.Errorf("lgamma(1), lgamma(2), lgamma(1/2) = %v, %v, %v", lgamma(1), lgamma(2), lgamma(0.5))
	}
}

// The sample standard deviation must match gonum's (to rounding) on
// random data, be exactly 0 for equal values, and be exact on a sample
// whose deviations are whole numbers.
func TestSampleSD(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 500 {
		xs := make([]float64, 2+r.IntN(50))
		for i := range xs {
			xs[i] = 1e3 + 10*r.NormFloat64()
		}
		got, want := sampleSD(xs, mean(xs)), stat.StdDev(xs, nil)
		if math.Abs(got-want) > 1e-12*want {
			t.Fatalf("%v: sd %v, gonum gives %v", xs, got, want)
		}
	}
	if sd := sampleSD([]float64{0.1, 0.1, 0.1}, mean([]float64{0.1, 0.1, 0.1})); sd != 0 {
		t.Errorf("sd of equal values = %v", sd)
	}
	if sd := sampleSD([]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5); sd != math.Sqrt(32.0/7) {
		t.Errorf("sd = %v, want √(32/7)", sd)
	}
}
