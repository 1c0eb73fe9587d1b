package agents

import (
	"fmt"
	"slices"
	"testing"

	"gonum.org/v1/gonum/graph/graphs/gen"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/ecosim/ecosim/sim"
)

// gnp must give the graph gonum's G(n, p) generator gives from the same
// draws, which random topologies were built with before: its logarithms are
// fmath's, whose last bits may differ from the math package's, but a gap
// is their quotient rounded down, which a last bit moves only at a whole
// number. Every edge must join two distinct nodes once.
func TestGnpMatchesGonum(t *testing.T) {
	for _, c := range []struct {
		n int
		p float64
	}{{2, 0.5}, {10, 1}, {50, 0.1}, {400, 0.01}, {400, 0.3}, {3000, 0.002}} {
		for seed := range uint64(4) {
			t.Run(fmt.Sprintf("n=%d,p=%v,seed=%d", c.n, c.p, seed), func(t *testing.T) {
				a, b := sim.NewStream(seed, 1), sim.NewStream(seed, 1)
				got := gnp(c.n, c.p, &a)
				g := simple.NewUndirectedGraph()
				if err := gen.Gnp(g, c.n, c.p, streamSource{&b}); err != nil {
					t.Fatal(err)
				}
				var want [][2]int
				it := g.Edges()
				for it.Next() {
					e := it.Edge()
					want = append(want, [2]int{int(min(e.From().ID(), e.To().ID())), int(max(e.From().ID(), e.To().ID()))})
				}
				byEnds := func(x, y [2]int) int { return x[0]*c.n + x[1] - y[0]*c.n - y[1] }
				slices.SortFunc(want, byEnds)
				got = slices.Clone(got)
				slices.SortFunc(got, byEnds)
				if !slices.Equal(got, want) {
					t.Fatalf("%d edges, gonum's generator %d; first difference at %v", len(got), len(want), firstDiff(got, want))
				}
				if c.p == 1 && len(got) != c.n*(c.n-1)/2 {
					t.Fatalf("p = 1 gave %d edges, want all %d", len(got), c.n*(c.n-1)/2)
				}
				for i, e := range got {
					if e[0] >= e[1] || e[1] >= c.n || (i > 0 && e == got[i-1]) {
						t.Fatalf("edge %v of %d nodes", e, c.n)
					}
				}
			})
		}
	}
}

// firstDiff is the index at which two edge lists first differ.
func firstDiff(a, b [][2]int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
