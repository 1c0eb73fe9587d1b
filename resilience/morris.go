package resilience

import (
	"math"
	"slices"
)

// ElementaryEffects summarises one input's elementary effects on one
// output, from a sweep of Morris's design (Morris 1991): each effect is the
// output's change when the input alone moves by a step, per the input's
// whole range.
type ElementaryEffects struct {
	// N is the number of effects: trajectories whose two points of the
	// input's step both gave the output.
	N int `json:"n"`
	// Mu is their mean; effects of both signs cancel in it.
	Mu float64 `json:"mu"`
	// MuStar is the mean of their absolute values (Campolongo et al.
	// 2007): how much the output moves with the input at all, which
	// ranks the inputs.
	MuStar float64 `json:"mu_star"`
	// MuStarLow and MuStarHigh bound MuStar's 95% bootstrap percentile
	// interval, from SobolResamples resamples of the effects.
	MuStarLow  float64 `json:"mu_star_low"`
	MuStarHigh float64 `json:"mu_star_high"`
	// Sigma is their sample standard deviation: large against MuStar,
	// the input's effect depends on where the others are (interactions)
	// or on where it is itself (a curve).
	Sigma float64 `json:"sigma"`
}

// Morris summarises each input's elementary effects: effects[i] are input
// i's, NaN where one of its step's points gave no output (left out). With
// no effect the figures are NaN; with one, Sigma and the interval are. As
// in Sobol, the bootstrap is seeded from the data's size only and every
// product is rounded before it is added, so the figures are the same on
// every run and processor.
func Morris(effects [][]float64) []ElementaryEffects {
	out := make([]ElementaryEffects, len(effects))
	nan := math.NaN()
	for i, all := range effects {
		ee := slices.DeleteFunc(slices.Clone(all), math.IsNaN)
		e := ElementaryEffects{N: len(ee), Mu: nan, MuStar: nan, MuStarLow: nan, MuStarHigh: nan, Sigma: nan}
		if len(ee) > 0 {
			abs := make([]float64, len(ee))
			for j, v := range ee {
				abs[j] = math.Abs(v)
			}
			e.Mu, e.MuStar = mean(ee), mean(abs)
			if len(ee) > 1 {
				e.Sigma = sampleSD(ee, e.Mu)
				means := make([]float64, SobolResamples)
				state := uint64(len(ee))*0x9e3779b97f4a7c15 + uint64(i)
				for b := range means {
					sum := 0.0
					for range abs {
						state += 0x9e3779b97f4a7c15
						sum += abs[mix64(state)%uint64(len(abs))]
					}
					means[b] = sum / float64(len(abs))
				}
				e.MuStarLow, e.MuStarHigh = percentiles(means)
			}
		}
		out[i] = e
	}
	return out
}
