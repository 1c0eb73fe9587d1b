package resilience

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Summary is a figure summarised over replicates.
type Summary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// CILow and CIHigh bound the 95% confidence interval of the mean
	// (Student's t with N−1 degrees of freedom); equal to the mean for N=1.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

// Summarize returns mean, sample standard deviation and the 95% confidence
// interval of the mean of xs; NaN values (figures that do not exist for a
// replicate, such as a recovery that never came) are left out.
func Summarize(xs []float64) Summary {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	s := Summary{N: len(v)}
	if s.N == 0 {
		return Summary{Mean: math.NaN(), SD: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	}
	s.Mean = stat.Mean(v, nil)
	s.CILow, s.CIHigh = s.Mean, s.Mean
	if s.N < 2 {
		return s
	}
	s.SD = stat.StdDev(v, nil)
	t := tQuantile975(float64(s.N - 1))
	half := t * s.SD / math.Sqrt(float64(s.N))
	s.CILow, s.CIHigh = s.Mean-half, s.Mean+half
	return s
}
