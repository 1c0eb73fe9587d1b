package resilience

import (
	"math"
	"slices"
)

// PairedP is the two-sided p-value of Student's t test that differences
// with this mean and sample standard deviation, n of them, have a true
// mean of 0: the chance of a mean at least this far from 0 were there no
// difference. It is I_x(ν/2, 1/2) for ν = n − 1 and x = ν/(ν + t²), worked
// out by the same incomplete beta as the intervals' quantile, so it is the
// same on every processor, and it agrees with the interval: p < 0.05
// exactly where the 95% interval leaves out 0. With fewer than 2
// differences it is NaN. Differences that are all alike give 1 when they
// are 0 and 0 otherwise: no spread to set the difference against.
func PairedP(mean, sd float64, n int) float64 {
	switch {
	case n < 2 || math.IsNaN(mean) || math.IsNaN(sd):
		return math.NaN()
	case sd == 0 && mean == 0:
		return 1
	case sd == 0:
		return 0
	}
	nu := float64(n - 1)
	se := sd / math.Sqrt(float64(n))
	t := mean / se
	t2 := float64(t * t)
	if math.IsInf(t2, 1) {
		return 0
	}
	a, b := float64(nu/2), 0.5
	g := lgammas{lgamma(a), lgamma(b), lgamma(a + b)}
	return regIncBeta(nu/(nu+t2), t2/(nu+t2), a, b, g)
}

// Holm adjusts p-values for their number by Holm's step-down method
// (Holm 1979): the i-th smallest of m is multiplied by m − i + 1, each
// adjusted value is at least the one before it, and none is above 1.
// Rejecting where the adjusted value is below α keeps the chance of any
// false finding among the m at α or below, whatever their dependence.
// NaN values are left as they are and not counted in m.
func Holm(ps []float64) []float64 {
	out := slices.Clone(ps)
	var idx []int
	for i, p := range ps {
		if !math.IsNaN(p) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case ps[a] < ps[b]:
			return -1
		case ps[a] > ps[b]:
			return 1
		}
		return 0
	})
	m, run := len(idx), 0.0
	for k, i := range idx {
		run = max(run, min(1, float64(float64(m-k)*ps[i])))
		out[i] = run
	}
	return out
}
