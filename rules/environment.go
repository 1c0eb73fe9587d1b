package rules

import (
	"math"

	"github.com/ecosim/ecosim/internal/fmath"
)

// WaterInput is the rain a cell receives at tick t [mm/tick]: a mean with a
// sinusoidal season of relative amplitude seasonality and the given period
// [ticks], scaled by factor (below 1 in a drought).
func WaterInput(mean, seasonality float64, period int, t int, factor float64) float64 {
	season := 1.0
	if period > 0 {
		// The phase within the period, so the angle stays within a turn.
		phase := float64(2*math.Pi*float64(t%period)) / float64(period)
		season += float64(seasonality * fmath.Sin(phase))
	}
	return max(0, float64(float64(mean*season)*factor))
}

// Decay is the amount of a stock that turns over in one tick at rate [1/tick].
func Decay(stock, rate float64) float64 {
	return float64(max(stock, 0) * rate)
}
