package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
	"pgregory.net/rapid"
)

// TestComponentsMatchGonum checks the network's component count and giant
// size against gonum's connected components on random graphs.
func TestComponentsMatchGonum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "nodes")
		net := NewNetwork()
		g := simple.NewUndirectedGraph()
		for i := range n {
			net.AddNode(int32(i))
			g.AddNode(simple.Node(i))
		}
		edges := rapid.IntRange(0, 2*n).Draw(t, "edges")
		for range edges {
			a := rapid.IntRange(0, n-1).Draw(t, "a")
			b := rapid.IntRange(0, n-1).Draw(t, "b")
			if a != b && net.AddLink(int32(a), int32(b)) >= 0 {
				g.SetEdge(g.NewEdge(simple.Node(a), simple.Node(b)))
			}
		}
		// Labels are kept between changes: ask once, change, ask again,
		// so a label that outlives a change shows.
		net.Components()
		down := 0 // links down: live, but not in g
		switch rapid.IntRange(0, 4).Draw(t, "change") {
		case 1:
			if n > 1 {
				v := rapid.IntRange(0, n-1).Draw(t, "victim")
				net.RemoveNode(int32(v))
				g.RemoveNode(int64(v))
			}
		case 4:
			// A node removed and made again comes back without links,
			// out of order in the node list.
			if n > 1 {
				v := rapid.IntRange(0, n-2).Draw(t, "again")
				net.RemoveNode(int32(v))
				g.RemoveNode(int64(v))
				net.Components()
				net.AddNode(int32(v))
				g.AddNode(simple.Node(v))
			}
		case 2, 3:
			if net.NumLinks() > 0 {
				li := int32(rapid.IntRange(0, net.NumLinks()-1).Draw(t, "link"))
				l := net.Link(li)
				if l.Removed {
					break
				}
				if rapid.Bool().Draw(t, "down") {
					net.SetDown(li, true)
					down++
				} else {
					net.RemoveLink(li)
				}
				g.RemoveEdge(int64(l.A), int64(l.B))
			}
		}
		giant, count := net.Components()
		// Once tidied by the walk, the up list is exactly the links not
		// removed, in ascending order.
		var want []int32
		for li := range int32(net.NumLinks()) {
			if !net.Link(li).Removed {
				want = append(want, li)
			}
		}
		if !slices.Equal(net.up, want) {
			t.Fatalf("up list %v, links not removed %v", net.up, want)
		}
		var yielded []int32
		for li, l := range net.Live() {
			if l != net.Link(li) {
				t.Fatalf("Live yields link %d as %+v, Link gives %+v", li, l, net.Link(li))
			}
			yielded = append(yielded, li)
		}
		if !slices.Equal(yielded, want) {
			t.Fatalf("Live yields %v, links not removed %v", yielded, want)
		}
		cc := topo.ConnectedComponents(g)
		wantGiant := 0
		for _, c := range cc {
			wantGiant = max(wantGiant, len(c))
		}
		if count != len(cc) || giant != wantGiant {
			t.Fatalf("components %d giant %d; gonum says %d and %d", count, giant, len(cc), wantGiant)
		}
		live := len(want)
		if live != net.LiveLinks() || live != g.Edges().Len()+down {
			t.Fatalf("live links %d, counter %d, gonum %d", live, net.LiveLinks(), g.Edges().Len())
		}
	})
}

// TestLinkIndicesPastTheLastMadeChangeNothing asks for links past the last
// one made, where the last page of links still has room: they read as
// removed, removing them or setting them down changes nothing, and a message
// naming one finds its link by its ends. The page's spare records must not
// pass for links (agents 0 and 0 "joined" by a zero record).
func TestLinkIndicesPastTheLastMadeChangeNothing(t *testing.T) {
	net := NewNetwork()
	for id := range int32(3) {
		net.AddNode(id)
	}
	li := net.AddLink(0, 1)
	live, version := net.LiveLinks(), net.version
	for _, past := range []int32{li + 1, li + 5, PageLen - 1} {
		if l := net.Link(past); !l.Removed || l.A != -1 {
			t.Fatalf("Link(%d) = %+v, want a removed link with no ends", past, l)
		}
		net.RemoveLink(past)
		net.SetDown(past, true)
		if net.LiveLinks() != live || net.version != version {
			t.Fatalf("after removing and downing link %d: %d live links (want %d), version %d (want %d)",
				past, net.LiveLinks(), live, net.version, version)
		}
		tr := NewTransport(net, 1, TransportConfig{Latency: 1})
		if o, _ := tr.Send(1, Message{From: 0, To: 0, Amount: 1, Link: past}); o != Rejected {
			t.Fatalf("a message from 0 to itself over link %d was not rejected", past)
		}
	}
	if got := net.AddLink(1, 2); got != li+1 || net.Link(got).Down || net.Link(got).Removed {
		t.Fatalf("the next link made, %d, is %+v", got, net.Link(got))
	}
}

func TestTransportCapacityAndDownLinks(t *testing.T) {
	net := NewNetwork()
	net.AddNode(0)
	net.AddNode(1)
	net.AddNode(2)
	li := net.AddLink(0, 1)
	tr := NewTransport(net, 1, TransportConfig{Latency: 1, Capacity: 5})
	if o, a := tr.Send(1, Message{From: 0, To: 1, Amount: 3}); o != Accepted || a != 3 {
		t.Fatalf("first send: %d %v", o, a)
	}
	if o, a := tr.Send(1, Message{From: 0, To: 1, Amount: 3}); o != Accepted || a != 2 {
		t.Fatalf("capacity should clip the second send to 2, got %d %v", o, a)
	}
	if o, _ := tr.Send(1, Message{From: 0, To: 1, Amount: 1}); o != Rejected {
		t.Fatal("a full link must reject")
	}
	if o, _ := tr.Send(1, Message{From: 1, To: 0, Amount: 1}); o != Accepted {
		t.Fatal("capacity is per direction")
	}
	if o, _ := tr.Send(1, Message{From: 0, To: 2, Amount: 1}); o != Rejected {
		t.Fatal("no link, no message")
	}
	net.SetDown(li, true)
	tr.Deliver(2, func(Message) bool { return true })
	if o, _ := tr.Send(2, Message{From: 0, To: 1, Amount: 1}); o != LostOnSend {
		t.Fatal("a down link loses what is sent on it")
	}
	c := tr.Counts()
	if c.Sent != 4 || c.Delivered != 3 || c.Lost != 1 || c.InFlight != 0 {
		t.Fatalf("counts %+v", c)
	}
}

func TestLossRateIsBinomial(t *testing.T) {
	net := NewNetwork()
	net.AddNode(0)
	net.AddNode(1)
	net.AddLink(0, 1)
	tr := NewTransport(net, 77, TransportConfig{Latency: 1, Loss: 0.3})
	n := 20000
	for i := range n {
		tr.Send(i, Message{From: 0, To: 1})
	}
	lost := float64(tr.Counts().Lost)
	// 0.3 ± 4 standard deviations of a binomial(20000, 0.3).
	if sd := 64.8; lost < 0.3*float64(n)-4*sd || lost > 0.3*float64(n)+4*sd {
		t.Fatalf("lost %v of %d at rate 0.3", lost, n)
	}
}

// TestCapUseIsAMap checks the routing's table of capacity used against a
// map: random directions, uses added, resets between senders of random
// outbox sizes (some past the table's first size, so it grows with entries
// live), and the generation's wrap, after which nothing used in the first
// generation, which the wrap starts again, may read as used.
func TestCapUseIsAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	var u capUse
	for sender := range 2000 {
		u.reset()
		want := map[int32]float64{}
		n := 1 + r.IntN(4)
		if r.IntN(10) == 0 {
			n = 10 + r.IntN(100)
		}
		for range 2 * n {
			key := int32(r.IntN(4 * n))
			if r.IntN(3) == 0 {
				key = int32(r.IntN(1 << 30))
			}
			p := u.at(key)
			if *p != want[key] {
				t.Fatalf("sender %d: direction %d reads %v used, want %v", sender, key, *p, want[key])
			}
			add := r.Float64()
			*p += add
			want[key] += add
		}
		if u.n != len(want) {
			t.Fatalf("sender %d: %d live entries, want %d", sender, u.n, len(want))
		}
	}
	var w capUse
	w.reset()
	*w.at(5) = 1
	w.gen = math.MaxUint32
	w.reset()
	if got := *w.at(5); got != 0 {
		t.Fatalf("after the generation wrapped, a direction used in the first reads %v used", got)
	}
}
