package sweep

import (
	"math"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/resilience"
)

// SobolHeader is the header of sobol.csv.
var SobolHeader = []string{"figure", "path", "rows", "first", "first_low", "first_high", "total", "total_low", "total_high"}

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
// the indices need no order, so a path of names has them too. Records are
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
		a, b, ab := nans(n), nans(n), make([][]float64, k)
		for i := range ab {
			ab[i] = nans(n)
		}
		for p, pt := range pts {
			v := at.mean(pt, f)
			switch row, block := SobolBlock(p, k); block {
			case 0:
				a[row] = v
			case 1:
				b[row] = v
			default:
				ab[block-2][row] = v
			}
		}
		for i, s := range resilience.Sobol(a, b, ab) {
			out = append(out, []string{name, plan.Vary[i].Path, strconv.Itoa(s.N),
				num(s.First), num(s.FirstLow), num(s.FirstHigh), num(s.Total), num(s.TotalLow), num(s.TotalHigh)})
		}
	}
	return out
}

// means holds each point's figures' means over its successful
// replicates, by the point's values.
type means map[string]*sums

type sums struct {
	sum []float64
	n   []int
}

// pointMeans gathers runs.csv's rows into means, taking them in run
// order, so the sums are the same whatever order the runs finished in.
func pointMeans(rows [][]string, header []string, plan *Plan, figures []string) means {
	col := columns(header)
	at := means{}
	for _, r := range inRunOrder(rows, col) {
		if r[col["status"]] != StatusOK {
			continue
		}
		key := make([]string, len(plan.Vary))
		for i, v := range plan.Vary {
			key[i] = r[col[v.Path]]
		}
		s := at[strings.Join(key, "\x00")]
		if s == nil {
			s = &sums{sum: make([]float64, len(figures)), n: make([]int, len(figures))}
			at[strings.Join(key, "\x00")] = s
		}
		for f, name := range figures {
			if v, err := strconv.ParseFloat(r[col[name]], 64); err == nil && !math.IsNaN(v) {
				s.sum[f] += v
				s.n[f]++
			}
		}
	}
	return at
}

// mean is figure f's mean at the point with pt's values, NaN where no
// run of it gave the figure.
func (m means) mean(pt Point, f int) float64 {
	s := m[strings.Join(pt.Values, "\x00")]
	if s == nil || s.n[f] == 0 {
		return math.NaN()
	}
	return s.sum[f] / float64(s.n[f])
}

func nans(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = math.NaN()
	}
	return xs
}
