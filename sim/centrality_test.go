package sim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"pgregory.net/rapid"
)

// TestBetweennessMatchesGonum checks the deterministic Brandes against
// gonum's node and edge betweenness on random graphs.
func TestBetweennessMatchesGonum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 30).Draw(t, "nodes")
		net := NewNetwork()
		g := simple.NewUndirectedGraph()
		for i := range n {
			net.AddNode(int32(i))
			g.AddNode(simple.Node(i))
		}
		for range rapid.IntRange(1, 3*n).Draw(t, "edges") {
			a, b := rapid.IntRange(0, n-1).Draw(t, "a"), rapid.IntRange(0, n-1).Draw(t, "b")
			if a != b && net.AddLink(int32(a), int32(b)) >= 0 {
				g.SetEdge(g.NewEdge(simple.Node(a), simple.Node(b)))
			}
		}
		nodes, links := net.Betweenness()
		want := network.Betweenness(g)
		for i := range n {
			if math.Abs(nodes[i]-want[int64(i)]/2) > 1e-9 {
				t.Fatalf("node %d: %v, gonum %v (halved)", i, nodes[i], want[int64(i)]/2)
			}
		}
		wantE := network.EdgeBetweenness(g)
		for li, l := range net.Live() {
			if math.Abs(links[li]-wantE[[2]int64{int64(l.A), int64(l.B)}]/2) > 1e-9 {
				t.Fatalf("link %d-%d: %v, gonum %v (halved)", l.A, l.B, links[li], wantE[[2]int64{int64(l.A), int64(l.B)}]/2)
			}
		}
		// Mean path with every node as a source equals the exact mean over
		// connected ordered pairs of the giant component.
		members := net.giantMembers()
		if len(members) > 1 {
			sp := path.DijkstraAllPaths(g)
			sum, pairs := 0.0, 0.0
			for _, a := range members {
				for _, b := range members {
					if a != b {
						sum += sp.Weight(int64(a), int64(b))
						pairs++
					}
				}
			}
			if got := net.MeanPath(len(members)); math.Abs(got-sum/pairs) > 1e-9 {
				t.Fatalf("mean path %v, exact %v", got, sum/pairs)
			}
		}
	})
}
