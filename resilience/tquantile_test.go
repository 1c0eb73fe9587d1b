package resilience

import (
	"math"
	"testing"

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
