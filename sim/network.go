package sim

import (
	"iter"
	"slices"
)

// Edge is a live link as one of its ends sees it: the link's index and the
// agent at the other end, so that walking an agent's neighbours does not
// read each link's record.
type Edge struct{ Link, Other int32 }

// Link is an undirected edge of the Network between agents A < B.
type Link struct {
	A, B int32
	// Down marks a link that exists but carries nothing (a partition).
	Down bool
	// Removed marks a link that no longer exists; its index is not reused,
	// so link indices stay stable for the whole run.
	Removed bool
}

// Network is the undirected graph over agent IDs that messages travel on.
// It is mutated only in the apply phase; agents may read it while deciding.
type Network struct {
	// links is every link made, by index, in pages; a page whose links
	// have all been removed is let go between ticks (forgetLinks), so a
	// long run holds the links of its recent past, not all it ever made.
	// Routing only reads a link: the capacity each direction has used is
	// kept by its sender's goroutine (capUse), since two cores writing the
	// two directions of links that shared a cache line passed the line
	// between them at every message.
	links Pages[Link]
	cut   pageTally // by page of links, how many are removed
	// emptied lists the pages of links all removed since forgetLinks.
	emptied []int
	// adj is, by agent ID, its live links with their other ends, in pages
	// the engine drops once all their agents are reaped (Pages.Drop).
	adj  Pages[[]Edge]
	node []bool // agent ID -> is a node
	live int
	// up lists, in ascending order, the indices of the links not removed
	// when it was last tidied, plus every link made since: walks over the
	// whole graph read it, in order, rather than every link ever made.
	up []int32
	// nodes lists the nodes in ascending order, tidied of removed ones by
	// the component walk (unsorted says an old ID came back), so the walk
	// costs nodes and links, not every ID ever handed out.
	nodes    []int32
	unsorted bool

	// Scratch for the serial graph walks (components, paths), reused so
	// that recording indicators every tick allocates nothing.
	root, size, dist, queue, members []int32
	pos, off, nbr                    []int32 // the giant component, compacted
	ends                             []int32 // the up links' ends, in pairs

	// version counts changes; the component labels are kept until the
	// next one, since a tick's indicators ask for them more than once.
	version   uint64
	labelled  uint64 // version+1 that root and the fields below describe
	giantRoot int32
	giant     int
	count     int
}

// NewNetwork returns an empty network.
func NewNetwork() *Network { return &Network{} }

func (n *Network) grow(id int32) {
	n.adj.Grow(int(id) + 1)
	for int(id) >= len(n.node) {
		n.node = append(n.node, false)
	}
}

// AddNode makes id a node of the network.
func (n *Network) AddNode(id int32) {
	n.grow(id)
	if !n.node[id] {
		if k := len(n.nodes); k > 0 && n.nodes[k-1] >= id {
			n.unsorted = true
		}
		n.nodes = append(n.nodes, id)
	}
	n.node[id] = true
	n.version++
}

// IsNode reports whether id is a node.
func (n *Network) IsNode(id int32) bool { return int(id) < len(n.node) && n.node[id] }

// Degree returns the number of live links at id.
func (n *Network) Degree(id int32) int {
	return len(n.adj.Get(id))
}

// NumLinks returns the number of links ever made; link indices run from 0
// to NumLinks()-1.
func (n *Network) NumLinks() int { return n.links.Len() }

// goneLink is what Link gives for a link whose page was let go.
var goneLink = Link{A: -1, B: -1, Removed: true}

// Link returns link li, flagged Removed if it was removed. A link removed
// long ago may read with ends -1, once every link in its page of indices
// has been removed too.
func (n *Network) Link(li int32) Link {
	if r := n.links.Ref(li); r != nil {
		return *r
	}
	return goneLink
}

// Live yields the links not removed, with their indices, in index order.
// The network may be read but not changed while it yields, except by
// SetDown.
func (n *Network) Live() iter.Seq2[int32, Link] {
	return func(yield func(int32, Link) bool) {
		// up holds every live link in index order, and removed ones
		// until the next component walk tidies them away.
		for _, li := range n.up {
			if l := n.Link(li); !l.Removed && !yield(li, l) {
				return
			}
		}
	}
}

// LiveLinks returns the number of links not removed.
func (n *Network) LiveLinks() int { return n.live }

// Edges returns the live links at id, in the order they were made, each
// with the agent at its other end; read-only.
func (n *Network) Edges(id int32) []Edge {
	return n.adj.Get(id)
}

// Other returns the end of link li that is not id.
func (n *Network) Other(li int32, id int32) int32 {
	l := n.Link(li)
	if l.A == id {
		return l.B
	}
	return l.A
}

// joins reports whether l is live and connects a and b.
func (l *Link) joins(a, b int32) bool {
	return !l.Removed && ((l.A == a && l.B == b) || (l.A == b && l.B == a))
}

// grow32 returns s resized to n, reusing its storage when it can.
func grow32(s []int32, n int) []int32 {
	if cap(s) < n {
		// Grown by append's amortised rule, not to n exactly: the walks
		// ask for one more entry with nearly every birth, and a fresh
		// array each tick costs its page faults every tick.
		return slices.Grow(s[:0], n)[:n]
	}
	return s[:n]
}

// Between returns the index of the live link between a and b, or -1.
func (n *Network) Between(a, b int32) int32 {
	if n.Degree(b) < n.Degree(a) {
		a, b = b, a
	}
	for _, e := range n.Edges(a) {
		if e.Other == b {
			return e.Link
		}
	}
	return -1
}

// AddLink links a and b and returns the link index, or -1 when they are the
// same agent, not both nodes, or already linked.
func (n *Network) AddLink(a, b int32) int32 {
	if a == b || !n.IsNode(a) || !n.IsNode(b) || n.Between(a, b) >= 0 {
		return -1
	}
	if a > b {
		a, b = b, a
	}
	li := n.links.Push(Link{A: a, B: b})
	n.up = append(n.up, li)
	ea, eb := n.adj.At(a), n.adj.At(b)
	*ea = append(*ea, Edge{li, b})
	*eb = append(*eb, Edge{li, a})
	n.live++
	n.version++
	return li
}

func dropLink(s []Edge, li int32) []Edge {
	for i, e := range s {
		if e.Link == li {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}

// RemoveLink removes link li; removing a removed link does nothing.
func (n *Network) RemoveLink(li int32) {
	l := n.links.Ref(li)
	if l == nil || l.Removed {
		return
	}
	l.Removed = true
	if k, full := n.cut.add(li); full {
		n.emptied = append(n.emptied, k)
	}
	ea, eb := n.adj.At(l.A), n.adj.At(l.B)
	*ea = dropLink(*ea, li)
	*eb = dropLink(*eb, li)
	n.live--
	n.version++
}

// SetDown marks link li as down (true) or up again (false); a removed link
// is left as it is.
func (n *Network) SetDown(li int32, down bool) {
	if l := n.links.Ref(li); l != nil && !l.Removed {
		l.Down = down
		n.version++
	}
}

// forgetLinks lets go of the pages of links emptied since it was last
// called. The engine calls it between ticks, when nothing holds a link index
// from the tick before.
func (n *Network) forgetLinks() {
	for _, k := range n.emptied {
		n.links.Drop(k)
	}
	n.emptied = n.emptied[:0]
}

// RemoveNode removes id and all its links.
func (n *Network) RemoveNode(id int32) {
	if !n.IsNode(id) {
		return
	}
	adj := n.adj.At(id)
	for len(*adj) > 0 {
		n.RemoveLink((*adj)[len(*adj)-1].Link)
	}
	// Its edges' storage goes with it; a page of adj is dropped only once
	// all its agents are gone, which few pages are for a long time.
	*adj = nil
	n.node[id] = false
	n.version++
}

// Components returns the size of the largest connected component counting
// only links that are up, and the number of components, over the current
// nodes. It walks nodes in ID order, so ties resolve the same way every run.
func (n *Network) Components() (giant, count int) {
	_, _, giant, count = n.label()
	return giant, count
}

// label gives every node the lowest ID of its component (links that are
// up; entries for IDs that are not nodes are stale), and returns the root
// and size of the largest component (ties: the lowest root) and the number
// of components. It is a union-find over the list of up links, one
// contiguous slice, rather than a walk of the per-node adjacency lists; its
// result is kept until the network changes.
func (n *Network) label() (root []int32, giantRoot int32, giant, count int) {
	if n.labelled == n.version+1 && len(n.root) == len(n.node) {
		return n.root, n.giantRoot, n.giant, n.count
	}
	root = grow32(n.root, len(n.node))
	n.root = root
	size := grow32(n.size, len(n.node))
	n.size = size
	if n.unsorted {
		slices.Sort(n.nodes)
		n.nodes = slices.Compact(n.nodes)
		n.unsorted = false
	}
	nodes := n.nodes[:0]
	for _, id := range n.nodes {
		if n.node[id] {
			nodes = append(nodes, id)
			root[id], size[id] = id, 0
		}
	}
	n.nodes = nodes
	// Entries of root and size for IDs that are not nodes are left as they
	// were: nothing reads them.
	// The ends of the links that are up are gathered first, then joined:
	// the link records lie anywhere in the link table, and after a tick's
	// other phases most are out of the caches. Gathering alone, the loads
	// are independent and few instructions apart, so many misses are in
	// flight at once; between the finds they would wait one by one.
	up, ends := n.up[:0], n.ends[:0]
	for _, li := range n.up {
		l := n.links.Ref(li)
		if l == nil || l.Removed {
			continue // tidied away for good
		}
		up = append(up, li)
		if !l.Down {
			ends = append(ends, l.A, l.B)
		}
	}
	n.up, n.ends = up, ends
	for i := 0; i+1 < len(ends); i += 2 {
		a, b := find(root, ends[i]), find(root, ends[i+1])
		// The smaller root wins, so every parent is below its child and a
		// set's root is its lowest ID.
		if a < b {
			root[b] = a
		} else if b < a {
			root[a] = b
		}
	}
	for _, id := range nodes {
		// Parents are below their children and were finished first.
		r := root[root[id]]
		root[id] = r
		size[r]++
	}
	giantRoot = -1
	for _, id := range nodes {
		// Whether a node is a root goes either way from one node to the
		// next (most are lone trees, the rest are not roots), so it is
		// counted without a branch; a size above the largest so far is
		// rare, so that test comes first.
		r := root[id]
		isRoot := 0
		if id == r {
			isRoot = 1
		}
		count += isRoot
		if s := int(size[r]); s > giant && isRoot == 1 {
			giant, giantRoot = s, r
		}
	}
	n.labelled, n.giantRoot, n.giant, n.count = n.version+1, giantRoot, giant, count
	return root, giantRoot, giant, count
}

// find returns x's root, halving the path on the way.
func find(parent []int32, x int32) int32 {
	for parent[x] != x {
		parent[x] = parent[parent[x]]
		x = parent[x]
	}
	return x
}
