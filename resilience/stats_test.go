package resilience

import (
	"math"
	"testing"
)

// TestSummarizeEachIsSummarize: to the last bit, for sets of every size
// from 0 to 12 and with NaNs among them, in any order of sizes.
func TestSummarizeEachIsSummarize(t *testing.T) {
	var sets [][]float64
	for n := range 13 {
		for k := range 3 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = math.Sin(float64(7*i+k)) * 100
				if (i+k)%5 == 4 {
					xs[i] = math.NaN()
				}
			}
			sets = append([][]float64{xs}, sets...)
		}
	}
	bits := func(s Summary) [5]uint64 {
		return [5]uint64{uint64(s.N), math.Float64bits(s.Mean), math.Float64bits(s.SD), math.Float64bits(s.CILow), math.Float64bits(s.CIHigh)}
	}
	for i, s := range SummarizeEach(sets) {
		if bits(s) != bits(Summarize(sets[i])) {
			t.Errorf("set %d (%v): %+v, Summarize gives %+v", i, sets[i], s, Summarize(sets[i]))
		}
	}
}

// TestWithin: an interval is cut at the bounds and no further; one within
// them, and one that cannot be had (NaN), are as they were.
func TestWithin(t *testing.T) {
	s := Summarize([]float64{0, 0, 10}) // 3.33 ± 28.7
	if s.CILow >= 0 || s.CIHigh <= 10 {
		t.Fatalf("the test's interval [%v, %v] should reach below 0", s.CILow, s.CIHigh)
	}
	if c := s.Within(0, math.Inf(1)); c.CILow != 0 || c.CIHigh != s.CIHigh || c.Mean != s.Mean || c.SD != s.SD || c.N != s.N {
		t.Errorf("cut at 0: %+v from %+v", c, s)
	}
	if c := s.Within(0, 5); c.CILow != 0 || c.CIHigh != 5 {
		t.Errorf("cut at 0 and 5: %+v", c)
	}
	if c := s.Within(-100, 100); c != s {
		t.Errorf("within wide bounds: %+v, want %+v", c, s)
	}
	if c := Summarize([]float64{3}).Within(0, 1); !math.IsNaN(c.CILow) || !math.IsNaN(c.CIHigh) {
		t.Errorf("one value: [%v, %v], want NaN", c.CILow, c.CIHigh)
	}
}
