package sweep

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestSensitivitiesFindTheDrivingPath: in a Latin hypercube over a, b and
// a path of names, x rises with a alone and y with b alone, as figures
// of runs do, replicate noise included: each figure's partial rank
// correlation is clearly positive for its path and spans 0 for the other;
// the names have no ranks and are left out; a grid design has none.
func TestSensitivitiesFindTheDrivingPath(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(10,20)"}, {"shape", "star,ring"}}, Reps: 2, Design: DesignLHS, Samples: 40}
	rows, header := contrastRows(t, plan, 8, func(pt int, vals []string, rep int, fig string) string {
		a, _ := strconv.ParseFloat(vals[0], 64)
		b, _ := strconv.ParseFloat(vals[1], 64)
		noise := math.Sin(float64(pt*7+rep*3)) * 0.05
		if fig == "x" {
			return strconv.FormatFloat(a+noise, 'g', -1, 64)
		}
		return strconv.FormatFloat(math.Exp(b/10)+noise, 'g', -1, 64)
	})
	recs := Sensitivities(rows, header, plan, 1, []string{"x", "y"})
	if len(recs) != 4 {
		t.Fatalf("%d records, want 2 figures x 2 numeric paths: %v", len(recs), recs)
	}
	val := func(r []string, i int) float64 { v, _ := strconv.ParseFloat(r[i], 64); return v }
	for _, c := range []struct {
		rec       []string
		fig, path string
		drives    bool
	}{{recs[0], "x", "a", true}, {recs[1], "x", "b", false}, {recs[2], "y", "a", false}, {recs[3], "y", "b", true}} {
		r := c.rec
		if r[0] != c.fig || r[1] != c.path || r[2] != "80" {
			t.Errorf("record %v: want figure %s, path %s, 80 runs", r, c.fig, c.path)
			continue
		}
		lo, hi := val(r, 5), val(r, 6)
		if c.drives && !(lo > 0.9) {
			t.Errorf("%s on %s: %v, want an interval above 0.9", c.fig, c.path, r)
		}
		if !c.drives && !(lo < 0 && hi > 0) {
			t.Errorf("%s on %s: %v, want an interval about 0", c.fig, c.path, r)
		}
	}
	grid := &Plan{Vary: []Vary{{"a", "0,1,2"}}, Reps: 3}
	rows, header = contrastRows(t, grid, 1, func(int, []string, int, string) string { return "1" })
	if recs := Sensitivities(rows, header, grid, 1, []string{"x"}); recs != nil {
		t.Errorf("a grid design: %v", recs)
	}
}

// TestSobolSensitivitiesFindTheirPointsByValues: in a sobol design over
// lists, an A or B point often repeats an earlier point of another block
// and so has no runs of its own; its runs are those of the point it
// repeats, and the rank correlations must still count them. (Drawn from
// Latin hypercubes, whose design at this seed has such points.)
func TestSobolSensitivitiesFindTheirPointsByValues(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0,1,2"}, {"b", "5,6"}}, Reps: 2, Design: DesignSobol, Samples: 12, Sampler: SamplerLHS}
	rows, header := contrastRows(t, plan, 3, func(_ int, vals []string, rep int, _ string) string {
		return vals[0] + strconv.Itoa(rep)
	})
	kept := runsOnce(rows, header, plan)
	pts, _ := plan.Points(1)
	ab, owned := map[string]bool{}, 0
	for p, pt := range pts {
		if _, block := SobolBlock(p, 2); block < 2 {
			ab[strings.Join(pt.Values, ",")] = true
		}
	}
	want := 0
	for _, r := range kept {
		if ab[r[4]+","+r[5]] {
			want++
		}
		if p, _ := strconv.Atoi(r[1]); p%4 < 2 {
			owned++
		}
	}
	recs := Sensitivities(kept, header, plan, 1, []string{"x"})
	if len(recs) != 2 || recs[0][2] != strconv.Itoa(want) || want <= owned {
		t.Errorf("%v: want %d runs, more than the %d whose own point is in A or B", recs, want, owned)
	}
}
