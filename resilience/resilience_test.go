package resilience

import (
	"math"
	"testing"
)

func flat(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// linearDip is a control of 100 and a failure run that drops to drop at t0
// and recovers linearly to 100 over ticks.
func linearDip(n, t0 int, drop float64, ticks int) (p, c []float64) {
	c = flat(n, 100)
	p = flat(n, 100)
	for k := 0; k <= ticks && t0+k < n; k++ {
		p[t0+k] = 100 * (drop + (1-drop)*float64(k)/float64(ticks))
	}
	return p, c
}

func TestAnalyzeHandComputed(t *testing.T) {
	p, c := linearDip(60, 10, 0.6, 10)
	f, err := Analyze(p, c, 10, 0.95, 5)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Loss-2.0) > 1e-12 {
		t.Errorf("a drop to 60%% recovering linearly over 10 ticks loses 2.0, got %v", f.Loss)
	}
	if f.Resistance != 0.6 || f.ResistanceTick != 10 {
		t.Errorf("resistance %v at %d", f.Resistance, f.ResistanceTick)
	}
	// The ratio reaches 0.96 ≥ 0.95 at k = 9 (0.6 + 0.04·9) and stays.
	if f.RecoveryTime == nil || *f.RecoveryTime != 9 || *f.RecoveryTick != 19 {
		t.Errorf("recovery %v", f.RecoveryTime)
	}
	if f.FinalRatio != 1 || f.Baseline != 100 {
		t.Errorf("final %v baseline %v", f.FinalRatio, f.Baseline)
	}
}

func TestAnalyzeTable(t *testing.T) {
	n := 50
	never := flat(n, 100)
	for i := 20; i < n; i++ {
		never[i] = 50
	}
	blip := flat(n, 100)
	blip[25] = 90 // recovers, then dips below the threshold within the window
	blip[27] = 94
	cases := []struct {
		name        string
		p           []float64
		t0, settle  int
		recovery    *int
		resistance  float64
		loss, final float64
	}{
		{"unharmed", flat(n, 100), 10, 5, ptr(0), 1, 0, 1},
		{"never recovers", never, 20, 5, nil, 0.5, 0.5 * 29, 0.5},
		{"settling restarts after a relapse", blip, 20, 5, ptr(3), 0.9, 0.1 + 0.06, 1},
		{"window longer than the rest of the run", never, 20, 100, nil, 0.5, 0.5 * 29, 0.5},
	}
	for _, c := range cases {
		f, err := Analyze(c.p, flat(n, 100), c.t0, 0.95, c.settle)
		if err != nil {
			t.Fatal(err)
		}
		if (f.RecoveryTime == nil) != (c.recovery == nil) || (c.recovery != nil && *f.RecoveryTime != *c.recovery) {
			t.Errorf("%s: recovery %v, want %v", c.name, deref(f.RecoveryTime), deref(c.recovery))
		}
		if f.Resistance != c.resistance || math.Abs(f.Loss-c.loss) > 1e-9 || f.FinalRatio != c.final {
			t.Errorf("%s: resistance %v loss %v final %v", c.name, f.Resistance, f.Loss, f.FinalRatio)
		}
	}
}

func ptr(v int) *int { return &v }
func deref(p *int) any {
	if p == nil {
		return "never"
	}
	return *p
}

func TestRatioIsAlwaysFinite(t *testing.T) {
	for _, pc := range [][2]float64{{0, 0}, {5, 0}, {-5, 0}, {3, 6}} {
		if r := Ratio(pc[0], pc[1]); math.IsNaN(r) || math.IsInf(r, 0) {
			t.Errorf("Ratio(%v) = %v", pc, r)
		}
	}
	if Ratio(0, 0) != 1 {
		t.Error("nothing to lose is a ratio of 1")
	}
}

func TestAnalyzeRejectsBadInput(t *testing.T) {
	if _, err := Analyze([]float64{1}, []float64{1, 2}, 0, 0.95, 1); err == nil {
		t.Error("length mismatch accepted")
	}
	if _, err := Analyze([]float64{1, 2}, []float64{1, 2}, 5, 0.95, 1); err == nil {
		t.Error("t0 past the end accepted")
	}
}

// TestSummarizeHandComputed checks against a worked example: values 2, 4,
// 4, 4, 5, 5, 7, 9 have mean 5 and sample SD sqrt(32/7); t(0.975, 7) is
// 2.364624.
func TestSummarizeHandComputed(t *testing.T) {
	s := Summarize([]float64{2, 4, 4, 4, 5, 5, 7, 9, math.NaN()})
	sd := math.Sqrt(32.0 / 7)
	half := 2.364624251592785 * sd / math.Sqrt(8)
	if s.N != 8 || s.Mean != 5 || math.Abs(s.SD-sd) > 1e-12 || math.Abs(s.CILow-(5-half)) > 1e-9 || math.Abs(s.CIHigh-(5+half)) > 1e-9 {
		t.Fatalf("%+v; want sd %v half-width %v", s, sd, half)
	}
	if one := Summarize([]float64{3, math.NaN()}); one.N != 1 || one.Mean != 3 || !math.IsNaN(one.SD) || !math.IsNaN(one.CILow) || !math.IsNaN(one.CIHigh) {
		t.Fatalf("one value: %+v", one)
	}
}

// TestProportionHandComputed checks the Wilson interval against worked
// values: 3 of 10 gives 0.1078 to 0.6032; 8 of 8 gives 8/(8+z²) to 1 and
// 0 of 8 gives 0 to z²/(8+z²), intervals that are not of zero width.
func TestProportionHandComputed(t *testing.T) {
	s := Proportion(3, 10)
	if s.N != 10 || s.Mean != 0.3 || math.Abs(s.CILow-0.10779) > 1e-5 || math.Abs(s.CIHigh-0.60322) > 1e-5 ||
		math.Abs(s.SD-math.Sqrt(0.21*10/9)) > 1e-12 {
		t.Errorf("3 of 10: %+v", s)
	}
	all, none := Proportion(8, 8), Proportion(0, 8)
	if all.CIHigh != 1 || math.Abs(all.CILow-0.675592) > 1e-6 || none.CILow != 0 || math.Abs(none.CIHigh-0.324408) > 1e-6 || all.SD != 0 {
		t.Errorf("8 of 8: %+v; 0 of 8: %+v", all, none)
	}
	if one := Proportion(1, 1); one.Mean != 1 || !math.IsNaN(one.CILow) || !math.IsNaN(one.SD) {
		t.Errorf("1 of 1: %+v", one)
	}
	if bad := Proportion(2, 1); !math.IsNaN(bad.Mean) {
		t.Errorf("2 of 1: %+v", bad)
	}
}
