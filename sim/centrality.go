package sim

// Betweenness returns the betweenness centrality of every node (indexed by
// agent ID; zero for non-nodes) and of every link (indexed by link index),
// over links that are up, by Brandes' algorithm. It visits sources and
// neighbours in ID and link order, so the sums are made in the same order on
// every run; gonum's version iterates maps and may differ in the last bit,
// which would let ties in a ranking fall differently. Undirected pairs are
// counted once for nodes and once for links. Cost O(nodes × links); call it
// when a failure needs it, not every tick.
func (n *Network) Betweenness() (nodes, links []float64) {
	size := len(n.node)
	nodes = make([]float64, size)
	links = make([]float64, n.links.Len())
	sigma := make([]float64, size)
	delta := make([]float64, size)
	dist := make([]int32, size)
	var order, queue []int32
	preds := make([][]int32, size) // predecessor link indices
	for s := range size {
		if !n.node[s] {
			continue
		}
		for i := range dist {
			dist[i], sigma[i], delta[i] = -1, 0, 0
			preds[i] = preds[i][:0]
		}
		dist[s], sigma[s] = 0, 1
		order = order[:0]
		queue = append(queue[:0], int32(s))
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			order = append(order, v)
			for _, e := range n.adj.Get(v) {
				li, w := e.Link, e.Other
				if n.Link(li).Down {
					continue
				}
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					queue = append(queue, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
					preds[w] = append(preds[w], li)
				}
			}
		}
		for i := len(order) - 1; i >= 0; i-- {
			w := order[i]
			for _, li := range preds[w] {
				v := n.Other(li, w)
				c := float64(sigma[v] / sigma[w] * (1 + delta[w]))
				links[li] += c
				delta[v] += c
			}
			if int(w) != s {
				nodes[w] += delta[w]
			}
		}
	}
	for i := range nodes {
		nodes[i] /= 2
	}
	for i := range links {
		links[i] /= 2
	}
	return nodes, links
}

// MeanPath is the mean shortest-path length (in links that are up) between
// nodes of the component of the lowest-ID node in the giant component,
// estimated from up to samples BFS sources spread evenly over it. It is 0
// when no two nodes are connected. The component is first copied into a
// compact adjacency array (neighbours as positions in the member list), so
// the walks read two dense slices instead of chasing each node's link list
// and each link's record once per walk.
func (n *Network) MeanPath(samples int) float64 {
	comp := n.giantMembers()
	if len(comp) < 2 || samples < 1 {
		return 0
	}
	// pos is read only at the members' entries, written just below.
	pos := grow32(n.pos, len(n.node))
	n.pos = pos
	for i, id := range comp {
		pos[id] = int32(i)
	}
	off := grow32(n.off, len(comp)+1)
	nbr := n.nbr[:0]
	for i, v := range comp {
		off[i] = int32(len(nbr))
		for _, e := range n.adj.Get(v) {
			if !n.Link(e.Link).Down {
				nbr = append(nbr, pos[e.Other])
			}
		}
	}
	off[len(comp)] = int32(len(nbr))
	n.off, n.nbr = off, nbr
	dist := grow32(n.dist, len(comp))
	queue := grow32(n.queue, len(comp))
	n.dist, n.queue = dist, queue
	step := max(1, len(comp)/samples)
	var total, pairs int64 // exact; converted once at the end
	for i := 0; i < len(comp); i += step {
		for j := range dist {
			dist[j] = -1
		}
		dist[i] = 0
		// A breadth-first walk with the queue as a fixed array and two
		// indices: each node enters it at most once.
		head, tail := 0, 1
		queue[0] = int32(i)
		for head < tail {
			v := queue[head]
			head++
			d := dist[v] + 1
			for _, w := range nbr[off[v]:off[v+1]] {
				if dist[w] < 0 {
					dist[w] = d
					total += int64(d)
					pairs++
					queue[tail] = w
					tail++
				}
			}
		}
	}
	if pairs == 0 {
		return 0
	}
	return float64(total) / float64(pairs)
}

// giantMembers returns the IDs of the largest component (ties: the one with
// the lowest ID), in ascending order.
func (n *Network) giantMembers() []int32 {
	root, giantRoot, _, _ := n.label()
	members := n.members[:0]
	for _, id := range n.nodes {
		if root[id] == giantRoot && giantRoot >= 0 {
			members = append(members, id)
		}
	}
	n.members = members
	return members
}
