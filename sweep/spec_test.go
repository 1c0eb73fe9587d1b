package sweep

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/resilience"
)

func TestParseSpec(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"0,0.1,0.5", []string{"0", "0.1", "0.5"}},
		{"0:1:0.25", []string{"0", "0.25", "0.5", "0.75", "1"}},
		{"0:0.3:0.1", []string{"0", "0.1", "0.2", "0.3"}}, // end included despite rounding
		{"2:10:4", []string{"2", "6", "10"}},
		{"0.3:0.3:1", []string{"0.3"}}, // one value, given as a range
		{"0:0.3:0.3", []string{"0", "0.3"}},
		{"star, ring", []string{"star", "ring"}},
	}
	for _, c := range cases {
		s, err := ParseSpec(c.in)
		if err != nil || !reflect.DeepEqual(s.Values, c.want) {
			t.Errorf("%q: got %v, %v; want %v", c.in, s.Values, err, c.want)
		}
	}
	u, err := ParseSpec("uniform(0.2, 0.8)")
	if err != nil || !u.Dist() || u.Lo != 0.2 || u.Hi != 0.8 {
		t.Errorf("uniform: %+v %v", u, err)
	}
	for _, bad := range []string{"", "1:0:0.1", "0:1:0", "0:1:-1", "uniform(1)", "uniform(2,1)", "a,,b", "0:1e9:1e-9", "uniform(x,1)", "0:1e300:1e-300", "-1e308:1e308:1e-300", "0:0.3:3", "1:2:1.5"} {
		if _, err := ParseSpec(bad); !errors.Is(err, ErrPlan) {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

// FuzzParseSpec feeds arbitrary --vary specs to the parser: nothing may
// panic, a rejection is a plan error, and an accepted spec is a
// distribution with lo <= hi or a non-empty list of at most maxValues
// values, none empty.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"0,0.1,0.5", "0:1:0.25", "2:10:4", "uniform(0.2, 0.8)", "0:1e300:1e-300", "star, ring"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSpec(in)
		if err != nil {
			if !errors.Is(err, ErrPlan) {
				t.Fatalf("%q: not a plan error: %v", in, err)
			}
			return
		}
		if s.Dist() {
			if !(s.Lo <= s.Hi) {
				t.Fatalf("%q: uniform(%v, %v)", in, s.Lo, s.Hi)
			}
			return
		}
		if len(s.Values) == 0 || len(s.Values) > maxValues {
			t.Fatalf("%q: %d values", in, len(s.Values))
		}
		for _, v := range s.Values {
			if v == "" {
				t.Fatalf("%q: an empty value in %q", in, s.Values)
			}
		}
	})
}

func TestGridPointsAreTheCartesianProduct(t *testing.T) {
	p := &Plan{Vary: []Vary{{"a", "1,2"}, {"b", "x,y,z"}}, Reps: 2}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	pts, err := p.Points(1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pt := range pts {
		got = append(got, pt.Values[0]+pt.Values[1])
	}
	want := []string{"1x", "1y", "1z", "2x", "2y", "2z"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("grid %v, want %v", got, want)
	}
}

// TestLatinHypercubeUsesEveryStratumOnce checks each field's k values fall
// one in each of k equal slices of its range.
func TestLatinHypercubeUsesEveryStratumOnce(t *testing.T) {
	k := 50
	p := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(10,20)"}}, Design: DesignLHS, Samples: k}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	pts, _ := p.Points(7)
	for j, lo := range []float64{0, 10} {
		hit := make([]bool, k)
		width := []float64{1, 10}[j]
		for _, pt := range pts {
			v, _ := strconv.ParseFloat(pt.Values[j], 64)
			s := int(math.Floor((v - lo) / width * float64(k)))
			if s < 0 || s >= k || hit[s] {
				t.Fatalf("field %d: value %v in stratum %d twice or outside", j, v, s)
			}
			hit[s] = true
		}
	}
	again, _ := p.Points(7)
	if !reflect.DeepEqual(pts, again) {
		t.Fatal("the design must depend on the seed only")
	}
}

func TestPlanErrors(t *testing.T) {
	for _, p := range []Plan{
		{},
		{Vary: []Vary{{"a", "uniform(0,1)"}}},
		{Vary: []Vary{{"a", "1"}}, Design: "sobol"},
		{Vary: []Vary{{"a", "1"}}, Design: DesignRandom},
		{Vary: []Vary{{"a", "1"}, {"a", "2"}}},
		{Vary: []Vary{{"a", "1"}}, Reps: -2},
	} {
		if err := p.Check(); !errors.Is(err, ErrPlan) {
			t.Errorf("%+v accepted: %v", p, err)
		}
	}
}

func TestReplicateSeedsAreCommonRandomNumbers(t *testing.T) {
	a, b := ReplicateSeed(42, 3), ReplicateSeed(42, 3)
	if a != b || a == ReplicateSeed(42, 4) || a == ReplicateSeed(43, 3) {
		t.Fatal("replicate seeds must depend on base seed and replicate only")
	}
}

// TestAggregateHandComputed checks the confidence interval of a point with
// the values 2, 4, 4, 4, 5, 5, 7, 9 (mean 5, sd sqrt(32/7), t(0.975,7)
// = 2.364624).
func TestAggregateHandComputed(t *testing.T) {
	header := []string{"key", "point", "replicate", "seed", "p", "f", "status", "error", "wall_seconds"}
	var rows [][]string
	for i, v := range []string{"2", "4", "4", "4", "5", "5", "7", "9"} {
		rows = append(rows, []string{strconv.Itoa(i), "0", strconv.Itoa(i), "1", "0.5", v, StatusOK, "", "0.1"})
	}
	rows = append(rows, []string{"x", "0", "9", "1", "0.5", "", StatusFailed, "boom", "0.1"})
	agg := Aggregate(rows, header, []string{"p"}, []string{"f"})
	if len(agg) != 1 {
		t.Fatalf("%v", agg)
	}
	r := agg[0]
	half := 2.364624251592785 * math.Sqrt(32.0/7) / math.Sqrt(8)
	num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	if r[3] != "8" || num(r[4]) != 5 || math.Abs(num(r[6])-(5-half)) > 1e-9 || math.Abs(num(r[7])-(5+half)) > 1e-9 {
		t.Fatalf("aggregate row %v; want n 8, mean 5, CI 5 ± %v", r, half)
	}
	// After a recovery time comes the share of replicates that recovered,
	// failed runs left out: here 2 of 4, by the Wilson interval.
	hdr := []string{"key", "point", "replicate", "seed", "p", "x_recovery_time", "status", "error", "wall_seconds"}
	var rrows [][]string
	for i, v := range []string{"12", "", "30", "", ""} {
		status := StatusOK
		if i == 4 {
			status = StatusFailed
		}
		rrows = append(rrows, []string{strconv.Itoa(i), "0", strconv.Itoa(i), "1", "0.5", v, status, "", "0.1"})
	}
	ragg := Aggregate(rrows, hdr, []string{"p"}, []string{"x_recovery_time"})
	w := resilience.Proportion(2, 4)
	if len(ragg) != 2 || strings.Join(ragg[0][:5], ",") != "0,0.5,x_recovery_time,2,21" ||
		ragg[1][2] != "x_recovered" || ragg[1][3] != "4" || ragg[1][4] != "0.5" || num(ragg[1][6]) != w.CILow || num(ragg[1][7]) != w.CIHigh {
		t.Errorf("recovery rows: %v", ragg)
	}
	// A point of one run has a mean, and no spread or interval.
	one := Aggregate(rows[:1], header, []string{"p"}, []string{"f"})
	if got := strings.Join(one[0], ","); got != "0,0.5,f,1,2,,," {
		t.Errorf("one run: %s, want 0,0.5,f,1,2,,,", got)
	}
}

// TestAggregateCutsIntervalsAtBounds: with three replicates, Student's t
// reaches below 0 for a count and above 1 for a share; those intervals
// are cut at the figure's bounds, and a loss, which gains take below 0,
// is left whole.
func TestAggregateCutsIntervalsAtBounds(t *testing.T) {
	figs := []string{"final_living_trees", "final_canopy_cover", "living_trees_recovery_time", "living_trees_loss"}
	header := append(append([]string{"key", "point", "replicate", "seed", "p"}, figs...), "status", "error", "wall_seconds")
	values := [][]string{{"0", "0.9", "2", "-5"}, {"0", "1", "3", "5"}, {"10", "1", "60", "1"}}
	var rows [][]string
	for i, v := range values {
		rows = append(rows, append(append([]string{strconv.Itoa(i), "0", strconv.Itoa(i), "1", "0.5"}, v...), StatusOK, "", "0.1"))
	}
	got := map[string][2]string{}
	for _, r := range Aggregate(rows, header, []string{"p"}, figs) {
		got[r[2]] = [2]string{r[6], r[7]}
	}
	for f, want := range map[string][2]string{
		"final_living_trees":         {"0", ""},
		"final_canopy_cover":         {"", "1"},
		"living_trees_recovery_time": {"0", ""},
	} {
		if want[0] != "" && got[f][0] != want[0] || want[1] != "" && got[f][1] != want[1] {
			t.Errorf("%s: interval [%s, %s], want it cut at %v", f, got[f][0], got[f][1], want)
		}
	}
	if lo, _ := strconv.ParseFloat(got["living_trees_loss"][0], 64); lo >= -5 {
		t.Errorf("living_trees_loss: low end %v, want the whole t-interval, below -5", lo)
	}
}

// TestFigureBounds: each figure's bounds, as its indicator's and its kind
// make them.
func TestFigureBounds(t *testing.T) {
	inf := math.Inf(1)
	for f, want := range map[string][2]float64{
		"final_living_trees":           {0, inf},
		"final_delivery_ratio":         {0, 1},
		"giant_component_resistance":   {0, inf},
		"biomass_recovery_time":        {0, inf},
		"canopy_cover_final_ratio":     {0, inf},
		"biomass_loss":                 {-inf, inf},
		"final_no_such_indicator":      {-inf, inf},
		"no_such_indicator_resistance": {-inf, inf},
		"living_trees_recovered":       {-inf, inf},
	} {
		if lo, hi := FigureBounds(f); lo != want[0] || hi != want[1] {
			t.Errorf("%s: [%v, %v], want %v", f, lo, hi, want)
		}
	}
}
