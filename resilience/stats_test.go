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
