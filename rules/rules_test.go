package rules

import (
	"math"
	"testing"
)

func TestLightCapture(t *testing.T) {
	cases := []struct {
		h     float64
		neigh []float64
		want  float64
	}{
		{5, nil, 1},
		{5, []float64{3, 4, 5}, 1},                 // only taller neighbours shade
		{5, []float64{10}, math.Exp(-0.6 * 0.5)},   // half as tall as one neighbour
		{0, []float64{10, 10}, math.Exp(-0.6 * 2)}, // a seedling under two trees
	}
	for _, c := range cases {
		if got := LightCapture(c.h, c.neigh, 0.6); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("LightCapture(%v, %v) = %v, want %v", c.h, c.neigh, got, c.want)
		}
	}
}

func TestPhotosynthesisIsLimitedByTheScarcerResource(t *testing.T) {
	if got := Photosynthesis(0.1, 4, 0.5, 0.9, 0.3); math.Abs(got-0.1*4*0.5*0.3) > 1e-15 {
		t.Errorf("got %v", got)
	}
	if Photosynthesis(0.1, 4, 0, 1, 1) != 0 {
		t.Error("no light, no photosynthesis")
	}
}

func TestGrowthOnlyFromSurplus(t *testing.T) {
	if Growth(1, 10, 0.2, 0.5) != 0 {
		t.Error("reserve below target must not grow")
	}
	if got := Growth(4, 10, 0.2, 0.5); got != 1 {
		t.Errorf("half of the 2 kg surplus is 1, got %v", got)
	}
}

func TestAgeHazardRisesWithAge(t *testing.T) {
	prev := -1.0
	for age := 0.0; age <= 2000; age += 100 {
		h := AgeHazard(age, 1000)
		if h < prev || h < 0 || h > 1 {
			t.Fatalf("hazard at %v = %v (previous %v)", age, h, prev)
		}
		prev = h
	}
	if AgeHazard(100, 1000) > 1e-5 || AgeHazard(1000, 1000) < 0.03 {
		t.Error("hazard should be negligible young and about 1/30 at max age")
	}
}

func TestEstablishmentFavoursShadeTolerance(t *testing.T) {
	if Establishes(0.55, 0.2) || !Establishes(0.55, 0.8) {
		t.Error("at floor light 0.55 a tolerant species establishes and an intolerant one does not")
	}
}

func TestShareFlowsDownTheGradient(t *testing.T) {
	if ShareOut(1, 10, 0.2, 0.5, 2) != 0 {
		t.Error("a tree below the mean density must not give")
	}
	if got := ShareOut(4, 10, 0.2, 0.5, 2); got != 0.5 {
		t.Errorf("surplus 2, rate 0.5, two partners: 0.5 each, got %v", got)
	}
	if Deficit(4, 10, 0.2) != 0 || Deficit(1, 10, 0.2) != 1 {
		t.Error("deficit is the distance below the mean")
	}
}

func TestLinkPreferenceMakesHubs(t *testing.T) {
	// With alpha 2 a tree twice as large is four times as attractive.
	if r := LinkWeight(20, 2) / LinkWeight(10, 2); math.Abs(r-4) > 1e-9 {
		t.Errorf("ratio %v", r)
	}
	w := []float64{1, 0, 3}
	if PickWeighted(w, 0.1) != 0 || PickWeighted(w, 0.3) != 2 || PickWeighted([]float64{0, 0}, 0.5) != -1 {
		t.Error("PickWeighted picks by cumulative weight")
	}
}

func TestDiffuseConservesWithoutEvaporation(t *testing.T) {
	w, h := 7, 5
	src := make([]float64, w*h)
	src[0], src[17], src[w*h-1] = 10, 5, 2
	dst := make([]float64, w*h)
	for range 20 {
		Diffuse(src, dst, w, h, 0.5, 0)
		src, dst = dst, src
	}
	total := 0.0
	for _, v := range src {
		total += v
		if v < 0 {
			t.Fatal("negative pheromone")
		}
	}
	if math.Abs(total-17) > 1e-9 {
		t.Errorf("total %v, want 17", total)
	}
	Diffuse(src, dst, w, h, 0.5, 0.1)
	after := 0.0
	for _, v := range dst {
		after += v
	}
	if math.Abs(after-0.9*17) > 1e-6 {
		t.Errorf("evaporation 0.1 should leave 90%%, got %v", after)
	}
}

func TestTowardAndDispersal(t *testing.T) {
	if Toward(3, 0) != 0 || Toward(-2, -2) != 5 || Toward(0, 0) != -1 {
		t.Error("Toward")
	}
	for i := range 100 {
		dx, dy := DispersalOffset(float64(i)/100, float64(i%7)/7, 4)
		if d := math.Hypot(float64(dx), float64(dy)); d > 4.8 {
			t.Fatalf("offset (%d,%d) beyond radius 4", dx, dy)
		}
	}
}

func TestWaterInputSeasonAndDrought(t *testing.T) {
	if WaterInput(1, 0.3, 100, 25, 1) != 1.3 {
		t.Error("peak of season")
	}
	if math.Abs(WaterInput(1, 0.3, 100, 25, 0.3)-0.39) > 1e-12 {
		t.Error("drought scales the input")
	}
}

func TestShadedLightEqualsCaptureThenEffective(t *testing.T) {
	for _, tol := range []float64{0, 0.2, 0.8, 1} {
		for _, nb := range [][]float64{nil, {3, 9}, {10, 10, 12, 2}} {
			a := ShadedLight(4, nb, 0.6, tol)
			b := EffectiveLight(LightCapture(4, nb, 0.6), tol)
			if math.Abs(a-b) > 1e-12 {
				t.Errorf("tol %v neighbours %v: %v vs %v", tol, nb, a, b)
			}
		}
	}
}

// TestCrownFollowsTheAllometry checks Crown against the allometry written
// out with powers: height 2·b^(1/3), leaf area b^(2/3).
func TestCrownFollowsTheAllometry(t *testing.T) {
	for _, b := range []float64{0, 0.5, 1, 8, 27.3, 1000} {
		h, l := Crown(b)
		wantH, wantL := 2*math.Pow(b, 1.0/3), math.Pow(b, 2.0/3)
		if math.Abs(h-wantH) > 1e-12*math.Max(1, h) || math.Abs(l-wantL) > 1e-12*math.Max(1, l) {
			t.Errorf("Crown(%v) = %v, %v; want %v, %v", b, h, l, wantH, wantL)
		}
	}
	if h, l := Crown(-3); h != 0 || l != 0 {
		t.Errorf("negative biomass gives a crown %v, %v", h, l)
	}
}
