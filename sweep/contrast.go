package sweep

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/resilience"
)

// ContrastHeader is the header of contrasts.csv after the point's varied
// values.
var ContrastHeader = []string{"baseline", "figure", "pairs", "mean_diff", "sd_diff", "ci_low", "ci_high", "p", "p_holm"}

// Contrasts compares each point of a grid sweep with its baseline, replicate
// by replicate. Replicate r of every point runs from the same seed (common
// random numbers), so the two runs of a pair differ only in what varies,
// and the spread of their differences is what the comparison must beat.
// Two points' intervals in aggregate.csv carry each run's own noise as
// well, and can overlap while every pair moves the same way.
//
// The baseline of a point is the point with the first varied path at its
// baseline value (its first, or Plan.Baseline) and every other path as the
// point has it: with one --vary, that value; with two, that value of the
// first path at the same value of the second. Each record is a point other than its baseline and
// a figure: the baseline's point number, the number of pairs (replicates
// in which both runs succeeded and the figure is defined in both; a
// recovery time is, where both recovered), and the mean, standard
// deviation and 95% interval of the point's value less the baseline's,
// the paired t test's two-sided p-value (resilience.PairedP), and that
// p-value adjusted by Holm's method over the figure's records
// (resilience.Holm). After each recovery time comes <indicator>_recovered:
// the share of replicates that recovered less the baseline's, over the
// pairs where both runs succeeded, with Newcombe's interval for paired
// shares and McNemar's exact p (resilience.PairedProportion). A sweep of
// many points finds some intervals clear of 0 by chance; an adjusted p
// below 0.05 is a difference that stands with every other point's
// comparison of the same figure counted in.
//
// It returns nil when nothing can be paired: a design other than grid,
// one replicate, or a first path of one value. rows and header are
// runs.csv's.
func Contrasts(rows [][]string, header []string, plan *Plan, figures []string) [][]string {
	first, ok := baselineValue(plan)
	if !ok {
		return nil
	}
	col := columns(header)
	np := len(plan.Vary)
	type point struct {
		values []string
		reps   map[int][]string
	}
	points := map[int]*point{}
	var order []int
	baseline := map[string]int{} // other paths' values → the baseline's point
	for _, r := range rows {
		if r[col["status"]] != StatusOK {
			continue
		}
		pt, _ := strconv.Atoi(r[col["point"]])
		rep, _ := strconv.Atoi(r[col["replicate"]])
		p := points[pt]
		if p == nil {
			p = &point{values: r[len(fixedColumns) : len(fixedColumns)+np], reps: map[int][]string{}}
			points[pt] = p
			order = append(order, pt)
			if p.values[0] == first {
				baseline[strings.Join(p.values[1:], "\x00")] = pt
			}
		}
		p.reps[rep] = r
	}
	slices.Sort(order)
	var out [][]string
	var pvals []float64      // each record's p, for Holm's adjustment
	ps := map[string][]int{} // each figure's records
	for _, pt := range order {
		p := points[pt]
		bpt, ok := baseline[strings.Join(p.values[1:], "\x00")]
		if !ok || bpt == pt {
			continue
		}
		b := points[bpt]
		for _, f := range figures {
			var diffs []float64
			for rep := range plan.Reps {
				x, y := p.reps[rep], b.reps[rep]
				if x == nil || y == nil {
					continue
				}
				vx, e1 := strconv.ParseFloat(x[col[f]], 64)
				vy, e2 := strconv.ParseFloat(y[col[f]], 64)
				if e1 != nil || e2 != nil {
					continue // undefined in one run: a recovery that never came
				}
				diffs = append(diffs, vx-vy)
			}
			// A difference of two values within [lo, hi] lies within
			// [lo-hi, hi-lo]; for a figure bounded only below, that is
			// no bound at all.
			lo, hi := FigureBounds(f)
			s := resilience.Summarize(diffs).Within(lo-hi, hi-lo)
			add := func(f string, s resilience.Summary, pv float64) {
				rec := append([]string{strconv.Itoa(pt)}, p.values...)
				rec = append(rec, strconv.Itoa(bpt), f, strconv.Itoa(s.N), Cell(s.Mean), Cell(s.SD), Cell(s.CILow), Cell(s.CIHigh), Cell(pv), "")
				ps[f] = append(ps[f], len(out))
				out, pvals = append(out, rec), append(pvals, pv)
			}
			add(f, s, resilience.PairedP(s.Mean, s.SD, s.N))
			if ind, ok := strings.CutSuffix(f, RecoveryTimeSuffix); ok {
				rs, rp := recoveredPairs(p.reps, b.reps, plan.Reps, col[f])
				add(ind+RecoveredSuffix, rs, rp)
			}
		}
	}
	for _, recs := range ps {
		p := make([]float64, len(recs))
		for i, r := range recs {
			p[i] = pvals[r]
		}
		for i, h := range resilience.Holm(p) {
			out[recs[i]][len(out[recs[i]])-1] = Cell(h)
		}
	}
	return out
}

// recoveredPairs compares the shares of replicates that recovered at a
// point and at its baseline, over the pairs of replicates where both runs
// succeeded (resilience.PairedProportion); c is the recovery time's
// column, empty where the run never recovered.
func recoveredPairs(point, base map[int][]string, reps, c int) (resilience.Summary, float64) {
	var both, first, second, n int
	for rep := range reps {
		x, y := point[rep], base[rep]
		if x == nil || y == nil {
			continue
		}
		n++
		rx, ry := x[c] != "", y[c] != ""
		switch {
		case rx && ry:
			both++
		case rx:
			first++
		case ry:
			second++
		}
	}
	return resilience.PairedProportion(both, first, second, n)
}

// ContrastBaseline names the baseline of Contrasts as path=value, or ""
// when the plan has none.
func ContrastBaseline(plan *Plan) string {
	v, ok := baselineValue(plan)
	if !ok {
		return ""
	}
	return plan.Vary[0].Path + "=" + v
}

// baselineValue is the first varied path's value the others are compared
// with, its first unless the plan names another, and whether the plan's
// points can be paired with a baseline at all.
func baselineValue(plan *Plan) (string, bool) {
	vals, ok := firstValues(plan)
	switch {
	case !ok || plan.Reps < 2:
		return "", false
	case plan.Baseline != "":
		return plan.Baseline, true
	}
	return vals[0], true
}

// firstValues are the first varied path's values in a grid design, when
// it has two or more: what contrasts and crossings are taken along.
func firstValues(plan *Plan) ([]string, bool) {
	if plan.Design != DesignGrid || len(plan.Vary) == 0 {
		return nil, false
	}
	spec, err := ParseSpec(plan.Vary[0].Values)
	if err != nil || len(spec.Values) < 2 {
		return nil, false
	}
	return spec.Values, true
}
