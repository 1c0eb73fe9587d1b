package resilience

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestRankSharesTies(t *testing.T) {
	if got := rank([]float64{3, 1, 3, 2, 3}); !slices.Equal(got, []float64{4, 1, 4, 2, 4}) {
		t.Errorf("ranks: %v", got)
	}
}

// residualCorrelation is PRCC by its definition, with gonum: the
// correlation of the residuals of input j's ranks and the output's ranks,
// each regressed (with an intercept) on the other inputs' ranks.
func residualCorrelation(xs [][]float64, ys []float64, j int) float64 {
	n, k := len(ys), len(xs[0])
	ranks := make([][]float64, k)
	for c := range k {
		col := make([]float64, n)
		for i := range n {
			col[i] = xs[i][c]
		}
		ranks[c] = rank(col)
	}
	ry := rank(ys)
	design := mat.NewDense(n, k, nil) // intercept and the other inputs
	for i := range n {
		design.Set(i, 0, 1)
		c := 1
		for o := range k {
			if o != j {
				design.Set(i, c, ranks[o][i])
				c++
			}
		}
	}
	resid := func(v []float64) []float64 {
		var beta mat.VecDense
		if err := beta.SolveVec(design, mat.NewVecDense(n, slices.Clone(v))); err != nil {
			panic(err)
		}
		var fit mat.VecDense
		fit.MulVec(design, &beta)
		out := make([]float64, n)
		for i := range out {
			out[i] = v[i] - fit.AtVec(i)
		}
		return out
	}
	return stat.Correlation(resid(ranks[j]), resid(ry), nil)
}

// TestPRCCIsTheResidualCorrelation: on random data, PRCC from the inverse
// of the rank correlation matrix equals the correlation of the regression
// residuals, its definition, and Spearman equals gonum's correlation of
// the ranks.
func TestPRCCIsTheResidualCorrelation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		n, k := 12+rng.IntN(60), 1+rng.IntN(4)
		xs := make([][]float64, n)
		ys := make([]float64, n)
		for i := range xs {
			xs[i] = make([]float64, k)
			for c := range xs[i] {
				xs[i][c] = rng.Float64()
			}
			ys[i] = rng.NormFloat64()
			for c := range k {
				ys[i] += float64(c-1) * xs[i][c] * rng.Float64() * 3
			}
		}
		got := PRCC(xs, ys)
		for j := range k {
			want := residualCorrelation(xs, ys, j)
			if !(math.Abs(got[j].PRCC-want) <= 1e-9) {
				t.Errorf("trial %d (n %d, k %d), input %d: PRCC %v, residuals' correlation %v", trial, n, k, j, got[j].PRCC, want)
			}
			col := make([]float64, n)
			for i := range col {
				col[i] = xs[i][j]
			}
			if sp := stat.Correlation(rank(col), rank(ys), nil); !(math.Abs(got[j].Spearman-sp) <= 1e-12) {
				t.Errorf("trial %d, input %d: Spearman %v, want %v", trial, j, got[j].Spearman, sp)
			}
			if !(got[j].CILow <= got[j].PRCC && got[j].PRCC <= got[j].CIHigh) || got[j].CILow < -1 || got[j].CIHigh > 1 || got[j].N != n {
				t.Errorf("trial %d, input %d: %+v", trial, j, got[j])
			}
		}
	}
}

// TestPRCCFindsWhatMatters: y rises with the first input, falls with the
// second and ignores the third; a run whose output is undefined is left
// out; an input that never varies has no coefficient.
func TestPRCCFindsWhatMatters(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 200
	xs := make([][]float64, n)
	ys := make([]float64, n)
	for i := range xs {
		xs[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64(), 0.5}
		ys[i] = 2*xs[i][0] - xs[i][1] + 0.3*rng.NormFloat64()
	}
	ys[7] = math.NaN()
	s := PRCC(xs, ys)
	if s[0].N != n-1 || !(s[0].CILow > 0.8) || !(s[1].CIHigh < -0.5) || !(s[2].CILow < 0 && s[2].CIHigh > 0) {
		t.Errorf("rises, falls, ignored: %+v", s[:3])
	}
	if !math.IsNaN(s[3].PRCC) || !math.IsNaN(s[3].Spearman) {
		t.Errorf("a constant input: %+v", s[3])
	}
	if s := PRCC(xs[:3], ys[:3]); !math.IsNaN(s[0].PRCC) {
		t.Errorf("three runs for four inputs: %+v", s[0])
	}
	// An output that follows the first input exactly: 1 for it, and
	// nothing left for the others.
	exact := make([]float64, n)
	for i := range exact {
		exact[i] = 1 - math.Exp(-3*xs[i][0])
	}
	if e := PRCC(xs, exact); e[0].PRCC != 1 || !math.IsNaN(e[0].CILow) || !math.IsNaN(e[1].PRCC) || !math.IsNaN(e[2].PRCC) {
		t.Errorf("an output following one input: %+v", e)
	}
	// Without the constant input, the others' coefficients are the same.
	three := make([][]float64, n)
	for i := range xs {
		three[i] = xs[i][:3]
	}
	for j, w := range PRCC(three, ys) {
		if w != s[j] {
			t.Errorf("input %d: %+v with a constant input beside it, %+v without", j, s[j], w)
		}
	}
}
