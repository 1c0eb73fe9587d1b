package resilience

import (
	"math"
	"sort"

	"github.com/ecosim/ecosim/internal/fmath"
)

// Sensitivity is how one output depends on one input across the runs of a
// random, Latin-hypercube or sobol sweep.
type Sensitivity struct {
	N int `json:"n"`
	// Spearman is the rank correlation of the input and the output.
	Spearman float64 `json:"spearman"`
	// PRCC is the partial rank correlation coefficient: the rank
	// correlation of input and output once the other inputs' (linear,
	// in ranks) effects are taken out of both. With inputs drawn
	// independently it is close to Spearman; it tells an input that
	// matters from one that only rides along with another.
	PRCC float64 `json:"prcc"`
	// CILow and CIHigh bound PRCC's 95% confidence interval, by Fisher's
	// z with N−3−(k−1) degrees of freedom for k inputs that vary.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

// PRCC returns, for each input column of xs (xs[i] is run i's inputs), the
// Spearman and partial rank correlation of that input with ys, and PRCC's
// 95% interval. Runs whose output is NaN are left out. A coefficient that
// cannot be worked out (too few runs for the inputs, an input that does not
// vary, inputs that move together exactly, or any but the one input an
// output follows exactly) is NaN. Every product is
// rounded before it is added, so the figures are the same on every
// processor (see sampleSD).
func PRCC(xs [][]float64, ys []float64) []Sensitivity {
	k := 0
	if len(xs) > 0 {
		k = len(xs[0])
	}
	var cols [][]float64 // the inputs, then the output, over the runs kept
	for j := 0; j <= k; j++ {
		cols = append(cols, nil)
	}
	for i, y := range ys {
		if math.IsNaN(y) {
			continue
		}
		for j := range k {
			cols[j] = append(cols[j], xs[i][j])
		}
		cols[k] = append(cols[k], y)
	}
	n := len(cols[k])
	out := make([]Sensitivity, k)
	nan := math.NaN()
	for j := range out {
		out[j] = Sensitivity{N: n, Spearman: nan, PRCC: nan, CILow: nan, CIHigh: nan}
	}
	if n < 3 {
		return out
	}
	ranks := make([][]float64, k+1)
	for j := range cols {
		ranks[j] = rank(cols[j])
	}
	c := correlations(ranks)
	for j := range k {
		out[j].Spearman = c[j][k]
	}
	// An input that never varies explains nothing and would make the
	// matrix singular: the others are corrected for those that vary.
	var use []int
	for j := range k {
		if !math.IsNaN(c[j][k]) {
			use = append(use, j)
		}
	}
	if len(use) == 0 {
		return out
	}
	// An output that follows one input exactly (a node count after
	// killing a fraction of them) correlates ±1 with it, whatever else;
	// given that input, nothing is left for the others to explain, so
	// theirs are undefined.
	for _, j := range use {
		if r := c[j][k]; math.Abs(r) >= 1-1e-12 {
			out[j].PRCC = math.Copysign(1, r)
			return out
		}
	}
	sub := make([][]float64, len(use)+1)
	at := append(use, k)
	for a := range sub {
		sub[a] = make([]float64, len(at))
		for b := range sub[a] {
			sub[a][b] = c[at[a]][at[b]]
		}
	}
	inv, ok := invert(sub)
	if !ok {
		return out
	}
	y := len(use)
	df := n - 3 - (len(use) - 1)
	for a, j := range use {
		d := float64(inv[a][a] * inv[y][y])
		if !(d > 0) {
			continue
		}
		r := -inv[a][y] / math.Sqrt(d)
		r = max(-1, min(1, r))
		out[j].PRCC = r
		if df < 1 || math.Abs(r) == 1 {
			continue
		}
		z := float64(0.5 * fmath.Log((1+r)/(1-r)))
		half := z975 / math.Sqrt(float64(df))
		out[j].CILow, out[j].CIHigh = tanh(z-half), tanh(z+half)
	}
	return out
}

// tanh by fmath's exponential, for the same bits on every processor.
func tanh(z float64) float64 {
	e := fmath.Exp(float64(2 * z))
	if math.IsInf(e, 1) {
		return 1
	}
	return (e - 1) / (e + 1)
}

// rank returns the ranks of xs, 1 to n, ties sharing their mean rank.
func rank(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	r := make([]float64, len(xs))
	for a := 0; a < len(idx); {
		b := a
		for b+1 < len(idx) && xs[idx[b+1]] == xs[idx[a]] {
			b++
		}
		mean := float64(a+b+2) / 2 // the mean of ranks a+1 to b+1, exactly
		for i := a; i <= b; i++ {
			r[idx[i]] = mean
		}
		a = b + 1
	}
	return r
}

// correlations is the Pearson correlation matrix of the columns; a column
// that does not vary correlates NaN with every other and 1 with itself.
func correlations(cols [][]float64) [][]float64 {
	m := len(cols)
	dev := make([][]float64, m)
	norm := make([]float64, m)
	for j, col := range cols {
		mu := mean(col)
		dev[j] = make([]float64, len(col))
		ss := 0.0
		for i, x := range col {
			d := x - mu
			dev[j][i] = d
			ss += float64(d * d)
		}
		norm[j] = math.Sqrt(ss)
	}
	c := make([][]float64, m)
	for a := range c {
		c[a] = make([]float64, m)
		c[a][a] = 1
	}
	for a := range m {
		for b := a + 1; b < m; b++ {
			s := 0.0
			for i := range dev[a] {
				s += float64(dev[a][i] * dev[b][i])
			}
			v := s / float64(norm[a]*norm[b])
			if norm[a] == 0 || norm[b] == 0 {
				v = math.NaN()
			}
			c[a][b], c[b][a] = v, v
		}
	}
	return c
}

// invert returns the inverse of the symmetric matrix a by Gauss–Jordan
// elimination with partial pivoting, or false when a is singular (or
// holds NaN) to working precision.
func invert(a [][]float64) ([][]float64, bool) {
	m := len(a)
	w := make([][]float64, m)
	for i := range w {
		w[i] = make([]float64, 2*m)
		copy(w[i], a[i])
		w[i][m+i] = 1
	}
	for p := range m {
		best := p
		for i := p + 1; i < m; i++ {
			if math.Abs(w[i][p]) > math.Abs(w[best][p]) {
				best = i
			}
		}
		if !(math.Abs(w[best][p]) > 1e-12) {
			return nil, false
		}
		w[p], w[best] = w[best], w[p]
		piv := w[p][p]
		for j := range w[p] {
			w[p][j] /= piv
		}
		for i := range m {
			if i == p || w[i][p] == 0 {
				continue
			}
			f := w[i][p]
			for j := range w[i] {
				w[i][j] -= float64(f * w[p][j])
			}
		}
	}
	inv := make([][]float64, m)
	for i := range inv {
		inv[i] = w[i][m:]
	}
	return inv, true
}
