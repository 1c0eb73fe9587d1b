package sweep

import (
	"math"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/resilience"
)

// SensitivityHeader is the header of sensitivity.csv.
var SensitivityHeader = []string{"figure", "path", "runs", "spearman", "prcc", "ci_low", "ci_high"}

// Sensitivities measures, for a random, Latin-hypercube or sobol sweep,
// how much each figure depends on each varied path with numeric values,
// over every successful run: the rank correlation of path and figure, and
// the partial rank correlation (resilience.PRCC), which takes the other
// paths' effects out of both and is the usual summary of such a design. A path of names
// (network.topology, say) has no ranks and is left out. Records are by
// figure, then path in plan order; nil for a grid design, whose points
// are compared by aggregate.csv and contrasts.csv instead. Of a sobol
// design only the points of its two independent samples (A and B) count:
// the others repeat all but one of A's values, and counted as runs of
// their own they would narrow the intervals beyond what the data say.
// They are found by their values, drawn again from seed, the sweep's base
// seed: an A point that repeats an earlier point has no runs of its own.
// rows and header are runs.csv's.
func Sensitivities(rows [][]string, header []string, plan *Plan, seed uint64, figures []string) [][]string {
	if plan.Design != DesignRandom && plan.Design != DesignLHS && plan.Design != DesignSobol {
		return nil
	}
	col := columns(header)
	if plan.Design == DesignSobol {
		pts, err := plan.Points(seed)
		if err != nil {
			return nil
		}
		ab := map[string]bool{}
		for p, pt := range pts {
			if _, block := SobolBlock(p, len(plan.Vary)); block < 2 {
				ab[strings.Join(pt.Values, "\x00")] = true
			}
		}
		var kept [][]string
		for _, r := range rows {
			if ab[strings.Join(valuesOf(r, col, plan), "\x00")] {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	var paths []int // the varied paths with numeric values
	for j, v := range plan.Vary {
		numeric := true
		for _, r := range rows {
			if _, err := strconv.ParseFloat(r[col[v.Path]], 64); err != nil {
				numeric = false
				break
			}
		}
		if numeric {
			paths = append(paths, j)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	var xs [][]float64
	var ok [][]string
	for _, r := range inRunOrder(rows, col) {
		if r[col["status"]] != StatusOK {
			continue
		}
		x := make([]float64, len(paths))
		for i, j := range paths {
			x[i], _ = strconv.ParseFloat(r[col[plan.Vary[j].Path]], 64)
		}
		xs = append(xs, x)
		ok = append(ok, r)
	}
	var out [][]string
	for _, f := range figures {
		ys := make([]float64, len(ok))
		for i, r := range ok {
			ys[i] = math.NaN()
			if v, err := strconv.ParseFloat(r[col[f]], 64); err == nil {
				ys[i] = v
			}
		}
		for i, s := range resilience.PRCC(xs, ys) {
			out = append(out, []string{f, plan.Vary[paths[i]].Path, strconv.Itoa(s.N),
				Cell(s.Spearman), Cell(s.PRCC), Cell(s.CILow), Cell(s.CIHigh)})
		}
	}
	return out
}
