package agents

import (
	"fmt"
	"sort"

	"gonum.org/v1/gonum/graph/graphs/gen"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/ecosim/ecosim/internal/fmath"
	"github.com/ecosim/ecosim/sim"
)

// streamSource adapts a sim.Stream to math/rand/v2's Source, so gonum's
// generators draw from the run's seed.
type streamSource struct{ s *sim.Stream }

func (r streamSource) Uint64() uint64 { return r.s.Uint64() }

// nodeStartTicks is how many ticks of demand every node holds at tick 0,
// time enough for the flow from producers to reach it.
const nodeStartTicks = 50

// buildTopology places nc.Nodes node agents row by row on the grid and links
// them in the prescribed shape. Generated edges are sorted before they are
// added, because gonum's graphs hand edges back in map order.
func (m *Model) buildTopology(rng *sim.Stream) error {
	nc := &m.cfg.Network
	n := nc.Nodes
	ids := make([]int32, n)
	for i := range n {
		prod := 0.0
		if rng.Float64() < nc.Producers {
			prod = float64(2*nc.Production) * rng.Float64()
		}
		ids[i] = m.addNode(i%m.grid.W, i/m.grid.W, float64(nodeStartTicks*nc.Demand)+prod, prod)
	}
	edges, err := topologyEdges(nc, m.grid.W, rng)
	if err != nil {
		return err
	}
	for _, e := range edges {
		m.e.Net.AddLink(ids[e[0]], ids[e[1]])
	}
	return nil
}

// topologyEdges returns the edges of the shape over nodes 0..n-1 as sorted
// (low, high) pairs.
func topologyEdges(nc *NetworkConfig, width int, rng *sim.Stream) ([][2]int, error) {
	n := nc.Nodes
	var edges [][2]int
	add := func(a, b int) {
		if a != b {
			edges = append(edges, [2]int{min(a, b), max(a, b)})
		}
	}
	switch nc.Topology {
	case "star":
		for i := 1; i < n; i++ {
			add(0, i)
		}
	case "ring":
		for i := range n {
			add(i, (i+1)%n)
		}
	case "lattice":
		for i := range n {
			if (i+1)%width != 0 && i+1 < n {
				add(i, i+1)
			}
			if i+width < n {
				add(i, i+width)
			}
		}
	case "small-world":
		edges = wattsStrogatz(n, nc.Neighbours, nc.Rewire, rng)
	case "random":
		for _, e := range gnp(n, min(1, nc.MeanDegree/float64(n-1)), rng) {
			add(e[0], e[1])
		}
	case "scale-free":
		// The generator adds its own nodes; their IDs are mapped to
		// 0..n-1 in ascending order.
		g := simple.NewUndirectedGraph()
		if err := gen.PreferentialAttachment(g, n, nc.LinksPerNode, streamSource{rng}); err != nil {
			return nil, fmt.Errorf("agents: %s topology: %w", nc.Topology, err)
		}
		index := nodeIndex(g)
		if len(index) != n {
			return nil, fmt.Errorf("agents: %s topology made %d nodes, want %d", nc.Topology, len(index), n)
		}
		it := g.Edges()
		for it.Next() {
			e := it.Edge()
			add(index[e.From().ID()], index[e.To().ID()])
		}
	default:
		return nil, fmt.Errorf("agents: unknown topology %q", nc.Topology)
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i][0] != edges[j][0] {
			return edges[i][0] < edges[j][0]
		}
		return edges[i][1] < edges[j][1]
	})
	return edges, nil
}

// nodeIndex maps a graph's node IDs, sorted, to 0..n-1.
func nodeIndex(g *simple.UndirectedGraph) map[int64]int {
	var ids []int64
	it := g.Nodes()
	for it.Next() {
		ids = append(ids, it.Node().ID())
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	index := make(map[int64]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	return index
}

// wattsStrogatz builds a ring where each node links its k nearest neighbours
// on each side, then rewires each link's far end with probability beta to a
// uniformly chosen node, avoiding loops and duplicates.
func wattsStrogatz(n, k int, beta float64, rng *sim.Stream) [][2]int {
	has := map[[2]int]bool{}
	var edges [][2]int
	for i := range n {
		for j := 1; j <= k; j++ {
			a, b := i, (i+j)%n
			if rng.Float64() < beta {
				for range 16 {
					c := rng.Intn(n)
					key := [2]int{min(a, c), max(a, c)}
					if c != a && !has[key] {
						b = c
						break
					}
				}
			}
			key := [2]int{min(a, b), max(a, b)}
			if a != b && !has[key] {
				has[key] = true
				edges = append(edges, key)
			}
		}
	}
	return edges
}

// gnp returns the edges of a G(n, p) random graph (each pair linked with
// probability p) as (lower, higher) pairs, by Batagelj and Brandes' method:
// rather than a draw per pair, it draws the geometric gap to the next
// linked pair, in O(n + edges). The gap's logarithms are fmath's, so the
// graph is the same on every machine. The draws take the low 53 bits of the
// stream's words (as math/rand/v2's Float64 does), which keeps the graphs
// random topologies have always had.
func gnp(n int, p float64, rng *sim.Stream) [][2]int {
	var edges [][2]int
	if p <= 0 || n < 2 {
		return edges
	}
	lp := fmath.Log(1 - p) // -Inf at p = 1: every gap is then zero
	for v, w := 1, -1; v < n; {
		u := float64(float64(rng.Uint64()<<11>>11) / (1 << 53))
		w += 1 + int(fmath.Log(1-u)/lp)
		for w >= v && v < n {
			w -= v
			v++
		}
		if v < n {
			edges = append(edges, [2]int{w, v})
		}
	}
	return edges
}
