package agents

import (
	"github.com/ecosim/ecosim/sim"
)

// Node is a node agent of a prescribed topology: a pure network experiment
// in which nodes make or need carbon and pass it to poorer neighbours.
type Node struct {
	ID         int32
	X, Y       int     // layout position [cells]
	Carbon     float64 // [kg C]
	Production float64 // [kg C/tick]; zero for consumers

	nx    nodeNext
	debit float64
}

type nodeNext struct {
	carbon, made, used float64
	die                bool
}

type nodeAgent struct{ m *Model }

func (a nodeAgent) Kind() string          { return "node" }
func (a nodeAgent) Decide(c *sim.Context) { a.m.decideNode(a.m.node(c.ID), c) }

func (m *Model) addNode(x, y int, carbon, production float64) int32 {
	id := m.e.Spawn(nodeAgent{m})
	m.register(KindNode, int(m.nodes.Push(Node{ID: id, X: x, Y: y, Carbon: carbon, Production: production})))
	m.e.Net.AddNode(id)
	m.nNodes++
	return id
}

// decideNode makes and uses carbon, dies when it runs out, and otherwise
// sends a share of the difference to each poorer neighbour: carbon flows down
// the gradient, so a consumer survives only while connected to producers.
func (m *Model) decideNode(n *Node, c *sim.Context) {
	nc := &m.cfg.Network
	nx := nodeNext{made: n.Production, used: nc.Demand}
	carbon := finite("node balance", n.Carbon+nx.made-nx.used)
	if carbon < 0 {
		nx.used += carbon
		nx.carbon, nx.die = 0, true
		n.nx = nx
		return
	}
	nx.carbon = carbon
	m.nodeShares(n, c, carbon/2)
	n.nx = nx
}

// nodeShares offers each poorer neighbour rate × half the difference, all
// scaled down together when they would exceed budget [kg C].
func (m *Model) nodeShares(n *Node, c *sim.Context, budget float64) {
	rate := m.cfg.Network.ShareRate
	links := m.e.Net.Edges(n.ID)
	c.Reserve(len(links))
	want := 0.0
	for _, e := range links {
		if diff := n.Carbon - m.node(e.Other).Carbon; diff > 0 {
			want += float64(float64(rate*diff) / 2)
		}
	}
	if want <= 0 {
		return
	}
	scale := min(1, budget/want)
	for _, e := range links {
		to := e.Other
		if diff := n.Carbon - m.node(to).Carbon; diff > 0 {
			if amount := float64(float64(rate*diff)/2) * scale; amount > 1e-12 {
				c.SendVia(e.Link, to, MsgCarbon, amount)
			}
		}
	}
}

// applyNodeLocal commits the node's own carbon; it reports whether it dies.
func (m *Model) applyNodeLocal(n *Node, l *Ledger) bool {
	n.Carbon = n.nx.carbon - n.debit
	n.debit = 0
	l.Photosynthesis += n.nx.made
	l.Respiration += n.nx.used
	return n.nx.die
}

func (m *Model) killNode(id int32, cause string) {
	n := m.node(id)
	m.ledger.Litter += n.Carbon
	n.Carbon = 0
	m.nNodes--
	m.die(id, cause, n.X, n.Y)
}
