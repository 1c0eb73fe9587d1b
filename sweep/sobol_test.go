package sweep

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
)

// TestSobolPointsAreSaltellisDesign: row j of the design is A's point, B's
// point, then A's with one path's value from B, for each path, and the
// same seed draws the same design. With the LHS sampler A is a Latin
// hypercube; with the Halton sampler, the default, A's first path takes
// the base-2 sequence, so its first 16 points fall one in each sixteenth
// of the range. A and B are never the same point.
func TestSobolPointsAreSaltellisDesign(t *testing.T) {
	for _, c := range []struct {
		sampler string
		strata  int // of the first path, for A's first strata points
	}{{"", 16}, {SamplerLHS, 20}} {
		plan := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(10,20)"}, {"shape", "star,ring,line"}}, Design: DesignSobol, Samples: 20, Sampler: c.sampler}
		if err := plan.Check(); err != nil {
			t.Fatal(err)
		}
		if c.sampler == "" && plan.Sampler != SamplerHalton {
			t.Fatalf("a sobol plan without a sampler checks as %q", plan.Sampler)
		}
		pts, err := plan.Points(5)
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != 20*5 {
			t.Fatalf("%s: %d points, want 20 rows of 5", plan.Sampler, len(pts))
		}
		strata := map[int]bool{}
		same := 0
		for p, pt := range pts {
			if pt.Index != p {
				t.Fatalf("point %d has index %d", p, pt.Index)
			}
			row, block := SobolBlock(p, 3)
			a, b := pts[row*5].Values, pts[row*5+1].Values
			switch block {
			case 0:
				if v, _ := strconv.ParseFloat(a[0], 64); row < c.strata {
					strata[int(v*float64(c.strata))] = true
				}
				if slices.Equal(a[:2], b[:2]) {
					same++
				}
			case 1:
			default:
				want := slices.Clone(a)
				want[block-2] = b[block-2]
				if !slices.Equal(pt.Values, want) {
					t.Errorf("%s: point %d (row %d, path %d): %v, want A %v with B's %v", plan.Sampler, p, row, block-2, pt.Values, a, b)
				}
			}
		}
		if len(strata) != c.strata || same != 0 {
			t.Errorf("%s: A's first %d values of a fill %d of %d strata; %d rows have B equal to A", plan.Sampler, c.strata, len(strata), c.strata, same)
		}
		again, _ := plan.Points(5)
		other, _ := plan.Points(6)
		if !slices.EqualFunc(pts, again, func(x, y Point) bool { return slices.Equal(x.Values, y.Values) }) ||
			slices.Equal(pts[0].Values, other[0].Values) {
			t.Errorf("%s: the design does not follow the seed", plan.Sampler)
		}
	}
	for _, bad := range []*Plan{
		{Vary: []Vary{{"a", "uniform(0,1)"}}, Design: DesignSobol, Samples: 1},
		{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "0,1"}}, Design: DesignSobol, Samples: 250_001},
	} {
		if err := bad.Check(); !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "sobol design needs --samples") {
			t.Errorf("samples %d: %v", bad.Samples, err)
		}
	}
	for _, c := range []struct {
		plan Plan
		want string
	}{
		{Plan{Vary: []Vary{{"a", "uniform(0,1)"}}, Design: DesignSobol, Samples: 8, Sampler: "sobol"}, `unknown sampler "sobol" (halton or lhs)`},
		{Plan{Vary: []Vary{{"a", "uniform(0,1)"}}, Design: DesignLHS, Samples: 8, Sampler: SamplerHalton}, "--sampler halton is for the sobol design, and this is the lhs design"},
	} {
		if err := c.plan.Check(); !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.plan, err, c.want)
		}
	}
}

// TestSobolIndicesApportionTheVariance: x is 2a + b and y follows the
// path of names, with each replicate's noise fixed by its values, as a
// run's is by its scenario and seed. The indices must come out as the
// terms' shares of the variance, the names must get theirs, and the points
// a store keeps once (those of a path of names whose A and B values agree)
// must still fill their rows.
func TestSobolIndicesApportionTheVariance(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(0,1)"}, {"shape", "star,ring"}}, Reps: 2, Design: DesignSobol, Samples: 400}
	rows, header := contrastRows(t, plan, 3, func(_ int, vals []string, rep int, fig string) string {
		a, _ := strconv.ParseFloat(vals[0], 64)
		b, _ := strconv.ParseFloat(vals[1], 64)
		noise := 0.01 * math.Sin(float64(1e3*a+1e4*b)+float64(rep))
		if fig == "x" {
			return strconv.FormatFloat(2*a+b+noise, 'g', -1, 64)
		}
		return strconv.FormatFloat(b2f(vals[2] == "ring")+noise, 'g', -1, 64)
	})
	kept := runsOnce(rows, header, plan)
	if len(kept) == len(rows) {
		t.Fatal("no point repeats another; the test needs some")
	}
	recs := SobolIndices(kept, header, plan, 1, []string{"x", "y"})
	if len(recs) != 6 || !slices.Equal(SobolHeader[:4], []string{"figure", "path", "rows", "first"}) {
		t.Fatalf("%d records, want 2 figures x 3 paths: %v", len(recs), recs)
	}
	want := []struct {
		fig, path    string
		first, total float64
	}{{"x", "a", 0.8, 0.8}, {"x", "b", 0.2, 0.2}, {"x", "shape", 0, 0}, {"y", "a", 0, 0}, {"y", "b", 0, 0}, {"y", "shape", 1, 1}}
	for i, w := range want {
		r := recs[i]
		v := func(c int) float64 { x, _ := strconv.ParseFloat(r[c], 64); return x }
		if r[0] != w.fig || r[1] != w.path || r[2] != "400" {
			t.Errorf("record %v: want %s, %s, 400 rows", r, w.fig, w.path)
			continue
		}
		// Names drawn in two halves: A and B differ in 230 of the 400
		// rows here, where 200 would give indices of exactly 1.
		tol := 0.08
		if w.path == "shape" && w.fig == "y" {
			tol = 0.16
		}
		if !(math.Abs(v(3)-w.first) < tol && math.Abs(v(6)-w.total) < tol && math.Abs(v(3)-v(6)) < 0.05) {
			t.Errorf("%s by %s: first %v, total %v; want %v, %v", w.fig, w.path, r[3], r[6], w.first, w.total)
		}
		if !(v(4) <= v(3) && v(3) <= v(5) && v(7) <= v(6) && v(6) <= v(8)) {
			t.Errorf("%s by %s: an index outside its interval: %v", w.fig, w.path, r)
		}
	}
	// Only the A and B samples count for the rank correlations.
	if s := Sensitivities(kept, header, plan, 1, []string{"x"}); len(s) != 2 || s[0][2] != strconv.Itoa(2*400*2) {
		t.Errorf("sensitivities of a sobol design: %v, want 2 paths over 1600 runs", s)
	}
	// A failed run leaves its row out.
	col := columns(header)
	for _, r := range kept {
		if r[col["point"]] == "7" { // row 1, block 2
			r[col["status"]] = StatusFailed
		}
	}
	if recs := SobolIndices(kept, header, plan, 1, []string{"x"}); recs[0][2] != "399" {
		t.Errorf("with point 7 failed: %v, want 399 rows", recs[0])
	}
	grid := &Plan{Vary: []Vary{{"a", "0,1,2"}}, Reps: 3}
	rows, header = contrastRows(t, grid, 1, func(int, []string, int, string) string { return "1" })
	if recs := SobolIndices(rows, header, grid, 1, []string{"x"}); recs != nil {
		t.Errorf("a grid design: %v", recs)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestRunsKeepOneScenarioOnce: a point whose scenario an earlier point
// has (a value listed twice, a name drawn twice) gets no runs, so the
// first point always holds the scenario's place in runs.csv, whichever
// run would have finished first.
func TestRunsKeepOneScenarioOnce(t *testing.T) {
	base, err := scenarios.Load("topology", []string{"ticks=150"})
	if err != nil {
		t.Fatal(err)
	}
	plan := &Plan{Vary: []Vary{{"network.nodes", "100,120,100"}, {"network.topology", "star,random"}}, Reps: 2}
	runs, err := plan.Runs(base)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, fmt.Sprintf("%d/%d", r.Point, r.Replicate))
	}
	if want := "0/0 0/1 1/0 1/1 2/0 2/1 3/0 3/1"; strings.Join(got, " ") != want {
		t.Errorf("runs %s, want %s (points 4 and 5 repeat 0 and 1)", strings.Join(got, " "), want)
	}
}

// runsOnce keeps the rows Plan.Runs would have run: a point whose values
// an earlier point has gets no runs of its own.
func runsOnce(rows [][]string, header []string, plan *Plan) [][]string {
	col := columns(header)
	seen, kept := map[string]bool{}, [][]string(nil)
	for _, r := range inRunOrder(rows, col) {
		key := r[col["replicate"]]
		for _, v := range plan.Vary {
			key += "\x00" + r[col[v.Path]]
		}
		if !seen[key] {
			seen[key] = true
			kept = append(kept, r)
		}
	}
	return kept
}

// TestSobolNoiseShare: x is a, plus d in replicate 0 and minus d in
// replicate 1, so every point's mean is a and the noise in it d²; the
// means vary as a does, by 1/12, so the noise is 12d² of the variance,
// on each of x's rows. y has no noise, and its share is 0. With one
// replicate a point the share is unknown and its column empty.
func TestSobolNoiseShare(t *testing.T) {
	const d = 0.1
	plan := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(0,1)"}}, Reps: 2, Design: DesignSobol, Samples: 256}
	value := func(_ int, vals []string, rep int, fig string) string {
		a, _ := strconv.ParseFloat(vals[0], 64)
		if fig == "y" {
			return vals[1]
		}
		return strconv.FormatFloat(a+d*float64(1-2*rep), 'g', -1, 64)
	}
	rows, header := contrastRows(t, plan, 2, value)
	recs := SobolIndices(rows, header, plan, 1, []string{"x", "y"})
	if len(recs) != 4 || SobolHeader[9] != "noise" {
		t.Fatalf("%v", recs)
	}
	for i, r := range recs {
		noise, err := strconv.ParseFloat(r[9], 64)
		want := 12 * d * d
		if r[0] == "y" {
			want = 0
		}
		if err != nil || math.Abs(noise-want) > 0.005 || r[9] != recs[i&^1][9] {
			t.Errorf("%s by %s: noise %s, want %.3f, the same on the figure's rows", r[0], r[1], r[9], want)
		}
	}
	plan.Reps = 1
	rows, header = contrastRows(t, plan, 2, value)
	for _, r := range SobolIndices(rows, header, plan, 1, []string{"x", "y"}) {
		if r[9] != "" {
			t.Errorf("one replicate: %s by %s has noise %q", r[0], r[1], r[9])
		}
	}
}
