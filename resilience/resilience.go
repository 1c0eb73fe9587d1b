package resilience

import (
	"errors"
	"math"
)

// ErrSeries is returned for series that cannot be compared.
var ErrSeries = errors.New("resilience: series cannot be compared")

// Figures are the resilience figures of one indicator. Ticks index the
// series (tick 0 is the initial state).
type Figures struct {
	// Baseline is the control's value at the first failure tick.
	Baseline float64 `json:"baseline"`
	// Resistance is the lowest ratio P/C from the first failure on.
	Resistance float64 `json:"resistance"`
	// ResistanceTick is the first tick at which that lowest ratio occurs.
	ResistanceTick int `json:"resistance_tick"`
	// RecoveryTime is the number of ticks from ResistanceTick until the
	// ratio reaches the threshold and stays there for the settling window;
	// nil when that never happens within the run.
	RecoveryTime *int `json:"recovery_time"`
	// RecoveryTick is ResistanceTick + RecoveryTime, or nil.
	RecoveryTick *int `json:"recovery_tick"`
	// Loss is the area between the ratio and 1 from the first failure to
	// the end [ratio × ticks], by the trapezoid rule.
	Loss float64 `json:"loss"`
	// FinalRatio is P/C at the last tick.
	FinalRatio float64 `json:"final_ratio"`
}

// Ratio is P/C, taken as 1 where the control is 0 and P is 0 too (nothing
// to lose), and as P/|C| scaled from a tiny floor where only C is 0, so a
// ratio is always finite.
func Ratio(p, c float64) float64 {
	if c == 0 {
		if p == 0 {
			return 1
		}
		return 1 + math.Copysign(1, p)
	}
	return p / c
}

// Ratios returns P(t)/C(t) for every tick.
func Ratios(p, c []float64) []float64 {
	r := make([]float64, len(p))
	for i := range p {
		r[i] = Ratio(p[i], c[i])
	}
	return r
}

// Analyze computes the figures of failure series p against control c, for
// a first failure at tick t0, with a recovery threshold (e.g. 0.95) held for
// settle ticks.
func Analyze(p, c []float64, t0 int, threshold float64, settle int) (Figures, error) {
	if len(p) != len(c) || t0 < 0 || t0 >= len(p) || settle < 1 {
		return Figures{}, ErrSeries
	}
	r := Ratios(p, c)
	f := Figures{Baseline: c[t0], Resistance: r[t0], ResistanceTick: t0, FinalRatio: r[len(r)-1]}
	for t := t0; t < len(r); t++ {
		if r[t] < f.Resistance {
			f.Resistance, f.ResistanceTick = r[t], t
		}
	}
	f.Loss = Loss(r[t0:])
	if rt, ok := recovery(r, f.ResistanceTick, threshold, settle); ok {
		d := rt - f.ResistanceTick
		f.RecoveryTick, f.RecoveryTime = &rt, &d
	}
	return f, nil
}

// Loss is the area of the resilience triangle over ratios r sampled once a
// tick: Σ (1 − (r[t]+r[t+1])/2). A drop to 0.6 that recovers linearly over
// 10 ticks loses 0.5 × 0.4 × 10 = 2 ratio-ticks. Ticks above 1 count
// negatively, as gains.
func Loss(r []float64) float64 {
	s := 0.0
	for t := 0; t+1 < len(r); t++ {
		s += 1 - float64((r[t]+r[t+1])/2)
	}
	return s
}

// recovery finds the first tick from `from` on at which the ratio is at or
// above threshold and stays there for settle ticks, all within the series.
func recovery(r []float64, from int, threshold float64, settle int) (int, bool) {
	run := 0
	for t := from; t < len(r); t++ {
		if r[t] >= threshold {
			run++
			if run == settle {
				return t - settle + 1, true
			}
		} else {
			run = 0
		}
	}
	return 0, false
}
