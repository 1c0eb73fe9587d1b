package sweep

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/resilience"
)

// contrastRows builds runs.csv rows for plan (figures x and y) from value,
// which gives a run's figure by point, its values and replicate; the rows
// are shuffled, as workers finishing in any order append them.
func contrastRows(t *testing.T, plan *Plan, seed uint64, value func(pt int, vals []string, rep int, fig string) string) ([][]string, []string) {
	t.Helper()
	if err := plan.Check(); err != nil {
		t.Fatal(err)
	}
	pts, err := plan.Points(1)
	if err != nil {
		t.Fatal(err)
	}
	figs := []string{"x", "y"}
	var rows [][]string
	for _, p := range pts {
		for rep := range plan.Reps {
			r := []string{"k" + strconv.Itoa(p.Index*plan.Reps+rep), strconv.Itoa(p.Index), strconv.Itoa(rep), "7"}
			r = append(r, p.Values...)
			for _, f := range figs {
				r = append(r, value(p.Index, p.Values, rep, f))
			}
			rows = append(rows, append(r, StatusOK, "", "0.1"))
		}
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows, Header(plan, figs)
}

// contrastOf finds the record of point pt and figure fig.
func contrastOf(t *testing.T, recs [][]string, np, pt int, fig string) []string {
	t.Helper()
	for _, r := range recs {
		if r[0] == strconv.Itoa(pt) && r[np+2] == fig {
			return r
		}
	}
	t.Fatalf("no contrast for point %d, figure %s in %v", pt, fig, recs)
	return nil
}

// TestContrastsPairByReplicate: each run's figure is its replicate's noise
// plus its point's effect, so every pair's difference is exactly the
// effect, whatever order the rows come in; a pairing by anything but the
// replicate would leave noise in it.
func TestContrastsPairByReplicate(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0,1,2"}}, Reps: 5}
	noise := []float64{100, -37, 12, 0, 999}
	for seed := range uint64(5) {
		rows, header := contrastRows(t, plan, seed, func(pt int, _ []string, rep int, _ string) string {
			return strconv.FormatFloat(noise[rep]+float64(3*pt), 'g', -1, 64)
		})
		recs := Contrasts(rows, header, plan, []string{"x", "y"})
		if len(recs) != 4 {
			t.Fatalf("%d records, want 2 points x 2 figures: %v", len(recs), recs)
		}
		for _, pt := range []int{1, 2} {
			r := contrastOf(t, recs, 1, pt, "x")
			want := strconv.Itoa(3 * pt)
			if r[2] != "0" || r[4] != "5" || r[5] != want || r[6] != "0" || r[7] != want || r[8] != want {
				t.Errorf("seed %d, point %d: %v, want baseline 0, 5 pairs, difference %s with no spread", seed, pt, r, want)
			}
		}
	}
}

// TestContrastsCutAtBounds: a difference of two shares lies within
// [-1, 1], and its interval is cut there; a difference of two counts has
// no such bounds, and its interval is whole.
func TestContrastsCutAtBounds(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0,1"}}, Reps: 3}
	share := [][]float64{{0.05, 0, 0.1}, {0.95, 0.1, 1}} // differences 0.9, 0.1, 0.9
	rows, header := contrastRows(t, plan, 1, func(pt int, _ []string, rep int, _ string) string {
		return strconv.FormatFloat(share[pt][rep], 'g', -1, 64)
	})
	header[slices.Index(header, "x")], header[slices.Index(header, "y")] = "final_canopy_cover", "final_living_trees"
	recs := Contrasts(rows, header, plan, []string{"final_canopy_cover", "final_living_trees"})
	cut, whole := contrastOf(t, recs, 1, 1, "final_canopy_cover"), contrastOf(t, recs, 1, 1, "final_living_trees")
	if cut[8] != "1" || parse(whole[8]) <= 1 || cut[7] != whole[7] {
		t.Errorf("shares' interval [%s, %s], counts' [%s, %s]: want the first cut at 1 only", cut[7], cut[8], whole[7], whole[8])
	}
}

// TestContrastsLeaveOutIncompletePairs: a failed run or a figure undefined
// in one run of a pair (a recovery that never came) drops that pair only.
func TestContrastsLeaveOutIncompletePairs(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0,1"}}, Reps: 4}
	rows, header := contrastRows(t, plan, 3, func(pt int, _ []string, rep int, fig string) string {
		if fig == "y" && pt == 0 && rep == 1 {
			return "" // never recovered
		}
		return strconv.Itoa(rep*rep + pt*(rep+1))
	})
	for _, r := range rows {
		if r[1] == "1" && r[2] == "3" {
			r[len(r)-3] = StatusFailed
		}
	}
	recs := Contrasts(rows, header, plan, []string{"x", "y"})
	// Pairs of x: replicates 0, 1, 2 (3 failed), differences 1, 2, 3.
	if r := contrastOf(t, recs, 1, 1, "x"); r[4] != "3" || r[5] != "2" || r[6] != "1" {
		t.Errorf("x: %v, want 3 pairs, mean 2, sd 1", r)
	}
	// Its t is 2√3 on 2 degrees of freedom, whose two-sided p is
	// 1 − t/√(2 + t²) = 1 − √(6/7); one point, so Holm leaves it.
	if r := contrastOf(t, recs, 1, 1, "x"); !(math.Abs(parse(r[9])-(1-math.Sqrt(6.0/7))) < 1e-12) || r[10] != r[9] {
		t.Errorf("x: p %s, Holm %s, want %v for both", r[9], r[10], 1-math.Sqrt(6.0/7))
	}
	// Pairs of y: replicates 0 and 2, differences 1 and 3.
	if r := contrastOf(t, recs, 1, 1, "y"); r[4] != "2" || r[5] != "2" {
		t.Errorf("y: %v, want 2 pairs, mean 2", r)
	}
}

// TestContrastsOfTwoPaths: the baseline keeps the second path's value, and
// the mean difference equals the difference of the two points' means in
// aggregate.csv when every pair is complete.
func TestContrastsOfTwoPaths(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"topology", "star,ring"}, {"fraction", "0,0.1,0.2"}}, Reps: 6}
	rng := rand.New(rand.NewPCG(9, 9))
	rows, header := contrastRows(t, plan, 4, func(int, []string, int, string) string {
		return strconv.FormatFloat(rng.NormFloat64(), 'g', -1, 64)
	})
	recs := Contrasts(rows, header, plan, []string{"x", "y"})
	agg := Aggregate(rows, header, []string{"topology", "fraction"}, []string{"x", "y"})
	mean := func(pt int, fig string) float64 {
		for _, r := range agg {
			if r[0] == strconv.Itoa(pt) && r[3] == fig {
				v, _ := strconv.ParseFloat(r[5], 64)
				return v
			}
		}
		t.Fatalf("no aggregate of point %d, %s", pt, fig)
		return 0
	}
	if len(recs) != 3*2 {
		t.Fatalf("%d records, want the 3 ring points x 2 figures", len(recs))
	}
	for pt := 3; pt < 6; pt++ {
		for _, fig := range []string{"x", "y"} {
			r := contrastOf(t, recs, 2, pt, fig)
			if r[3] != strconv.Itoa(pt-3) || r[1] != "ring" {
				t.Errorf("point %d: baseline %s, want %d (star at the same fraction)", pt, r[3], pt-3)
			}
			got, _ := strconv.ParseFloat(r[6], 64)
			want := mean(pt, fig) - mean(pt-3, fig)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("point %d, %s: mean difference %v, difference of means %v", pt, fig, got, want)
			}
		}
	}
}

// TestNoContrastsWithoutPairs: designs whose points share no baseline, a
// single replicate and a first path of one value have nothing to pair.
func TestNoContrastsWithoutPairs(t *testing.T) {
	for _, plan := range []*Plan{
		{Vary: []Vary{{"a", "uniform(0,1)"}}, Reps: 3, Design: DesignRandom, Samples: 4},
		{Vary: []Vary{{"a", "0,1"}}, Reps: 1},
		{Vary: []Vary{{"a", "0"}, {"b", "0,1"}}, Reps: 3},
		{Reps: 3},
	} {
		rows, header := contrastRows(t, plan, 1, func(int, []string, int, string) string { return "1" })
		if recs := Contrasts(rows, header, plan, []string{"x", "y"}); recs != nil || ContrastBaseline(plan) != "" {
			t.Errorf("plan %+v: contrasts %v, baseline %q", plan, recs, ContrastBaseline(plan))
		}
	}
}

// TestSweepWritesContrasts runs a sweep and recomputes its contrasts.csv
// from runs.csv by hand: the star's giant component at each fraction
// against the random network's, replicate by replicate.
func TestSweepWritesContrasts(t *testing.T) {
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"network.topology", "star,random"}, {"failures[0].fraction", "0.1,0.2"}}, Reps: 3}
	if _, err := runSweep(t, context.Background(), plan, Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	runs, con := read("runs.csv"), read("contrasts.csv")
	col := map[string]int{}
	for i, h := range runs[0] {
		col[h] = i
	}
	fig := "giant_component_resistance"
	val := map[[2]string]float64{} // point, replicate
	for _, r := range runs[1:] {
		val[[2]string{r[1], r[2]}], _ = strconv.ParseFloat(r[col[fig]], 64)
	}
	checked := 0
	for _, r := range con[1:] {
		if r[4] != fig {
			continue
		}
		sum := 0.0
		for rep := range 3 {
			sum += val[[2]string{r[0], strconv.Itoa(rep)}] - val[[2]string{r[3], strconv.Itoa(rep)}]
		}
		got, _ := strconv.ParseFloat(r[6], 64)
		if r[5] != "3" || math.Abs(got-sum/3) > 1e-12 {
			t.Errorf("point %s against %s: %v, want 3 pairs, mean %v", r[0], r[3], r, sum/3)
		}
		checked++
	}
	if checked != 2 {
		t.Errorf("%d contrasts of %s, want 2 (random at each fraction)", checked, fig)
	}
}

// TestAnalysisDoesNotDependOnRunOrder: runs.csv holds the runs in the
// order they finished, which the number of workers and their timing
// decide. Every analysis file must come out byte for byte the same in any
// order: sums of seven replicates' values, taken in another order, differ
// in their last bits; and a sobol or morris design's replicate means.
func TestAnalysisDoesNotDependOnRunOrder(t *testing.T) {
	grid := &Plan{Vary: []Vary{{"a", "0,0.5,1"}, {"b", "x,y"}}, Reps: 7}
	lhs := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(2,3)"}}, Reps: 3, Design: DesignLHS, Samples: 9}
	analyses := func(rows [][]string, header []string, plan *Plan) string {
		figs := []string{"x", "y"}
		var all [][]string
		all = append(all, Aggregate(rows, header, []string{"a", "b"}, figs)...)
		all = append(all, Contrasts(rows, header, plan, figs)...)
		all = append(all, Crossings(rows, header, plan, []Crossing{{"x", 0.3}})...)
		all = append(all, Sensitivities(rows, header, plan, 1, figs)...)
		all = append(all, SobolIndices(rows, header, plan, 1, figs)...)
		all = append(all, ElementaryEffects(rows, header, plan, 1, figs)...)
		var b strings.Builder
		for _, r := range all {
			b.WriteString(strings.Join(r, ",") + "\n")
		}
		return b.String()
	}
	sobol := &Plan{Vary: lhs.Vary, Reps: 3, Design: DesignSobol, Samples: 9}
	morris := &Plan{Vary: lhs.Vary, Reps: 3, Design: DesignMorris, Samples: 9}
	for _, plan := range []*Plan{grid, lhs, sobol, morris} {
		var first string
		for seed := range uint64(12) {
			rows, header := contrastRows(t, plan, seed, func(pt int, vals []string, rep int, fig string) string {
				a, _ := strconv.ParseFloat(vals[0], 64)
				v := 0.1*float64(rep*rep) + 1.0/3*a + 1e-3*float64(pt)
				if fig == "y" {
					v = math.Sqrt(float64(rep+1)) * 1e4 / 7
				}
				return strconv.FormatFloat(v, 'g', -1, 64)
			})
			got := analyses(rows, header, plan)
			if seed == 0 {
				first = got
				if got == "" {
					t.Fatal("no analysis")
				}
			} else if got != first {
				t.Fatalf("%s design, rows in order %d:\n%s\nin order 0:\n%s", plan.Design, seed, got, first)
			}
		}
	}
}

func parse(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// TestContrastsAdjustEachFigureForItsPoints: each record's p is the paired
// t test's for its differences, and its Holm-adjusted p counts the other
// points' tests of the same figure, not other figures'.
func TestContrastsAdjustEachFigureForItsPoints(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0,1,2,3"}}, Reps: 4}
	noise := [][]float64{{0, 0, 0, 0}, {0.1, -0.3, 0.5, 0.2}, {1, -1, 2, 0.5}, {0.3, 0.1, -0.2, 0.9}}
	rows, header := contrastRows(t, plan, 2, func(pt int, _ []string, rep int, fig string) string {
		v := 0.4*float64(pt) + noise[pt][rep]
		if fig == "y" {
			v = float64(pt*pt) + noise[3-pt][rep]
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	})
	recs := Contrasts(rows, header, plan, []string{"x", "y"})
	for _, fig := range []string{"x", "y"} {
		var ps, holm []float64
		for pt := 1; pt <= 3; pt++ {
			r := contrastOf(t, recs, 1, pt, fig)
			want := resilience.PairedP(parse(r[5]), parse(r[6]), 4)
			if parse(r[9]) != want || !(want > 0 && want < 1) {
				t.Errorf("%s at point %d: p %s, want %v", fig, pt, r[9], want)
			}
			ps, holm = append(ps, want), append(holm, parse(r[10]))
		}
		if want := resilience.Holm(ps); !slices.Equal(holm, want) || slices.Equal(holm, ps) {
			t.Errorf("%s: Holm %v, want %v (from %v)", fig, holm, want, ps)
		}
	}
}

// TestContrastsPairRecoveredShares: after a recovery time's record comes
// the difference in the share of replicates that recovered, counted pair
// by pair: here the point recovered in replicates 0–4 and the baseline in
// 3–6 of 8, with replicate 7 failed at the point, so of 7 pairs 2 both, 3
// the point only and 2 the baseline only.
func TestContrastsPairRecoveredShares(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0,1"}}, Reps: 8}
	if err := plan.Check(); err != nil {
		t.Fatal(err)
	}
	figs := []string{"x_recovery_time"}
	header := Header(plan, figs)
	var rows [][]string
	for pt := range 2 {
		for rep := range 8 {
			v := ""
			if pt == 1 && rep <= 4 || pt == 0 && rep >= 3 && rep <= 6 {
				v = strconv.Itoa(10 + rep)
			}
			status := StatusOK
			if pt == 1 && rep == 7 {
				status = StatusFailed
			}
			rows = append(rows, []string{fmt.Sprint("k", pt, rep), strconv.Itoa(pt), strconv.Itoa(rep), "7", strconv.Itoa(pt), v, status, "", "0.1"})
		}
	}
	recs := Contrasts(rows, header, plan, figs)
	if len(recs) != 2 || recs[0][3] != "x_recovery_time" || recs[1][3] != "x_recovered" {
		t.Fatalf("records %v, want the recovery time's, then the share's", recs)
	}
	want, p := resilience.PairedProportion(2, 3, 2, 7)
	r := recs[1]
	if r[4] != "7" || parse(r[5]) != want.Mean || parse(r[7]) != want.CILow || parse(r[8]) != want.CIHigh || parse(r[9]) != p || r[10] != r[9] {
		t.Errorf("recovered: %v, want 7 pairs, %+v, p %v", r, want, p)
	}
	if !(want.Mean > 0.14 && want.Mean < 0.15 && want.CILow < 0 && want.CIHigh > 0.3) {
		t.Errorf("1/7 with a wide interval: %+v", want)
	}
	// Recovery times pair only where both recovered: replicates 3 and 4.
	if recs[0][4] != "2" || recs[0][5] != "0" {
		t.Errorf("recovery time: %v, want 2 pairs, no difference", recs[0])
	}
}

// TestBaselineIsChosen: --baseline names the first path's value the
// others are compared with, written as the plan lists it; one not among
// the values, or a design without a grid, is refused; and a rerun keeps
// the baseline recorded unless it names another.
func TestBaselineIsChosen(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "0:0.2:0.1"}}, Reps: 3, Baseline: "0.10"}
	rows, header := contrastRows(t, plan, 1, func(pt int, _ []string, rep int, _ string) string {
		return strconv.Itoa(10*pt + rep)
	})
	if plan.Baseline != "0.1" {
		t.Errorf("baseline %q, want 0.1 as the range lists it", plan.Baseline)
	}
	recs := Contrasts(rows, header, plan, []string{"x"})
	if len(recs) != 2 || recs[0][0] != "0" || recs[1][0] != "2" || recs[0][2] != "1" || recs[0][5] != "-10" || recs[1][5] != "10" {
		t.Errorf("against point 1: %v", recs)
	}
	if b := ContrastBaseline(plan); b != "a=0.1" {
		t.Errorf("named %q", b)
	}
	for _, bad := range []*Plan{
		{Vary: []Vary{{"a", "0,0.1"}}, Reps: 2, Baseline: "0.5"},
		{Vary: []Vary{{"a", "star,ring"}}, Reps: 2, Baseline: "line"},
		{Vary: []Vary{{"a", "uniform(0,1)"}}, Reps: 2, Design: DesignLHS, Samples: 4, Baseline: "0"},
	} {
		if err := bad.Check(); !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "--baseline") {
			t.Errorf("%+v: %v", bad, err)
		}
	}

	dir := t.TempDir()
	kept := func(baseline string) string {
		t.Helper()
		uses, saved := reopen(t, &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.1,0.2"}}, Reps: 2, Baseline: baseline}, Options{Out: dir})
		if saved.Plan.Baseline != uses.Plan.Baseline {
			t.Fatalf("sweep.json has %q, the sweep uses %q", saved.Plan.Baseline, uses.Plan.Baseline)
		}
		return saved.Plan.Baseline
	}
	for _, c := range []struct{ ask, want string }{{"0.1", "0.1"}, {"", "0.1"}, {"0.2", "0.2"}} {
		if got := kept(c.ask); got != c.want {
			t.Errorf("asking %q: %q recorded, want %q", c.ask, got, c.want)
		}
	}
}
