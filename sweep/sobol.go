package sweep

import (
	"math"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/resilience"
)

// SobolHeader is the header of sobol.csv.
var SobolHeader = []string{"figure", "path", "rows", "first", "first_low", "first_high", "total", "total_low", "total_high", "noise"}

// SobolIndices apportions, for a sobol design, each figure's variance
// among the varied paths (resilience.Sobol): per figure and path, the
// base rows used, the first-order and total-effect indices and their 95%
// bootstrap intervals. A point's output is the mean of the figure over its
// successful replicates, so the indices are those of the figure's expected
// value and the runs' own noise is averaged out rather than apportioned.
// Points are found by their values, not their numbers: two points with the
// same values (a path of names whose A and B values agree) are one
// scenario, run once. A row any of whose points has no value for the
// figure is left out. Unlike the rank correlations of sensitivity.csv,
// the indices need no order, so a path of names has them too. The last
// column, the same on each of a figure's rows, is the share of its
// variance that the replicates' noise in the points' means makes up
// (resilience.SobolNoise), empty with one replicate a point. Records are
// by figure, then path in plan order; nil for other designs. rows and
// header are runs.csv's; seed is the sweep's base seed, from which the
// design is drawn again.
func SobolIndices(rows [][]string, header []string, plan *Plan, seed uint64, figures []string) [][]string {
	if plan.Design != DesignSobol {
		return nil
	}
	pts, err := plan.Points(seed)
	if err != nil {
		return nil
	}
	at := pointMeans(rows, header, plan, figures)
	k, n := len(plan.Vary), plan.Samples
	var out [][]string
	for f, name := range figures {
		a, b, ab := SobolOutputs(n, k, func(p int) float64 { return at.mean(pts[p], f) })
		na, nb, _ := SobolOutputs(n, k, func(p int) float64 { return at.noise(pts[p], f) })
		noise := Cell(resilience.SobolNoise(a, b, ab, na, nb))
		for i, s := range resilience.Sobol(a, b, ab) {
			out = append(out, []string{name, plan.Vary[i].Path, strconv.Itoa(s.N),
				Cell(s.First), Cell(s.FirstLow), Cell(s.FirstHigh), Cell(s.Total), Cell(s.TotalLow), Cell(s.TotalHigh), noise})
		}
	}
	return out
}

// SobolOutputs gathers an output over a sobol design of rows base rows and
// paths varied paths, value giving it at point p, into the arrays
// resilience.Sobol takes: at A's points, at B's, and at A's with each
// path's value from B (SobolBlock).
func SobolOutputs(rows, paths int, value func(p int) float64) (a, b []float64, ab [][]float64) {
	a, b, ab = make([]float64, rows), make([]float64, rows), make([][]float64, paths)
	for i := range ab {
		ab[i] = make([]float64, rows)
	}
	for p := range rows * (paths + 2) {
		switch row, block := SobolBlock(p, paths); block {
		case 0:
			a[row] = value(p)
		case 1:
			b[row] = value(p)
		default:
			ab[block-2][row] = value(p)
		}
	}
	return a, b, ab
}

// means holds each point's figures' values over its successful
// replicates, in run order, by the point's values: vals[f] for figure f.
type means map[string][][]float64

// pointMeans gathers runs.csv's rows into means, taking them in run
// order, so the sums are the same whatever order the runs finished in.
func pointMeans(rows [][]string, header []string, plan *Plan, figures []string) means {
	col := columns(header)
	at := means{}
	for _, r := range inRunOrder(rows, col) {
		if r[col["status"]] != StatusOK {
			continue
		}
		key := strings.Join(valuesOf(r, col, plan), "\x00")
		vals := at[key]
		if vals == nil {
			vals = make([][]float64, len(figures))
			at[key] = vals
		}
		for f, name := range figures {
			if v, err := strconv.ParseFloat(r[col[name]], 64); err == nil && !math.IsNaN(v) {
				vals[f] = append(vals[f], v)
			}
		}
	}
	return at
}

// valuesOf is a runs.csv row's varied values, in plan order.
func valuesOf(r []string, col map[string]int, plan *Plan) []string {
	v := make([]string, len(plan.Vary))
	for i, p := range plan.Vary {
		v[i] = r[col[p.Path]]
	}
	return v
}

// mean is figure f's mean at the point with pt's values, NaN where no
// run of it gave the figure.
func (m means) mean(pt Point, f int) float64 {
	vals := m.of(pt, f)
	if len(vals) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	return sum / float64(len(vals))
}

// noise is the variance of mean(pt, f) as an estimate: the sample variance
// of the point's values over their number; NaN with fewer than two.
func (m means) noise(pt Point, f int) float64 {
	vals := m.of(pt, f)
	if len(vals) < 2 {
		return math.NaN()
	}
	sd := resilience.Summarize(vals).SD
	return float64(sd*sd) / float64(len(vals))
}

// of is figure f's values at the point with pt's values, nil where no run
// of it gave the figure.
func (m means) of(pt Point, f int) []float64 {
	if vals := m[strings.Join(pt.Values, "\x00")]; vals != nil {
		return vals[f]
	}
	return nil
}
