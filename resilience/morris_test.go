package resilience

import (
	"math"
	"testing"
)

func TestMorrisSummarisesEffects(t *testing.T) {
	nan := math.NaN()
	got := Morris([][]float64{
		{1, -3, 2, nan, -2}, // the NaN left out: mean −0.5, mean |e| 2
		{4, 4, 4},
		{nan},
		{0.5},
	})
	e := got[0]
	wantSD := math.Sqrt((1.5*1.5 + 2.5*2.5 + 2.5*2.5 + 1.5*1.5) / 3)
	if e.N != 4 || e.Mu != -0.5 || e.MuStar != 2 || math.Abs(e.Sigma-wantSD) > 1e-15 {
		t.Errorf("first path: %+v, want 4 effects, mu -0.5, mu* 2, sigma %v", e, wantSD)
	}
	// The bootstrap's means of |e| lie between the least and the most.
	if !(e.MuStarLow >= 1 && e.MuStarLow < e.MuStar && e.MuStar < e.MuStarHigh && e.MuStarHigh <= 3) {
		t.Errorf("first path's interval [%v, %v] about %v", e.MuStarLow, e.MuStarHigh, e.MuStar)
	}
	if e := got[1]; e.Mu != 4 || e.MuStar != 4 || e.Sigma != 0 || e.MuStarLow != 4 || e.MuStarHigh != 4 {
		t.Errorf("equal effects: %+v", e)
	}
	if e := got[2]; e.N != 0 || !math.IsNaN(e.MuStar) || !math.IsNaN(e.Sigma) {
		t.Errorf("no effect: %+v", e)
	}
	if e := got[3]; e.N != 1 || e.MuStar != 0.5 || !math.IsNaN(e.Sigma) || !math.IsNaN(e.MuStarLow) {
		t.Errorf("one effect: %+v", e)
	}
	again := Morris([][]float64{{1, -3, 2, nan, -2}})
	if again[0].MuStarLow != got[0].MuStarLow || again[0].MuStarHigh != got[0].MuStarHigh {
		t.Error("the bootstrap differs between two calls")
	}
}
