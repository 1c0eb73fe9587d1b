package sim

import (
	"slices"
	"unsafe"
)

// Fork returns an engine that carries on from e's current tick on its own:
// a deep copy of every agent's context, the network, the messages in
// flight and the counters, sharing no memory that either engine writes.
// model is the copy's model, and agent maps each of e's agents to the
// copy's (an agent that points at its model must point at the new one).
//
// It is for runs that are the same experiment up to a tick and part there
// (a failure run and its control), so the common ticks run once. It must
// be called between runs (not while Run or Advance runs), and the copy has
// no observers: the caller adds its own. Its Timings start from zero, so
// they cover the ticks the copy runs itself.
func (e *Engine) Fork(model Model, agent func(Agent) Agent) *Engine {
	if e.pool != nil {
		panic("sim: Fork called while the engine runs")
	}
	f := &Engine{
		cfg: e.cfg, model: model,
		agents:   e.agents.clone(agent),
		gone:     slices.Clone(e.gone),
		dead:     slices.Clone(e.dead),
		live:     slices.Clone(e.live),
		killed:   e.killed,
		tick:     e.tick,
		row:      make([]float64, len(e.row)),
		splitMin: e.splitMin, splitAloneMin: e.splitAloneMin,
		splits: e.splits, warmMin: e.warmMin, warmed: e.warmed,
		reaped: e.reaped,
		// The fork runs the same world on, so it starts on the cores its
		// parent found fastest.
		cores: e.cores.clone(),
	}
	f.bindSteps()
	f.filed = filedKinds(model)
	f.Net = e.Net.clone()
	f.Transport = e.Transport.clone(f.Net)
	f.contexts = e.contexts.clone(func(c Context) Context {
		c.Inbox, c.Out = slices.Clone(c.Inbox), slices.Clone(c.Out)
		c.err = nil
		return c
	})
	// A slot points at its agent's context, or is nil once the agent is
	// reaped while its context waits for a compaction.
	f.slots = make([]*Context, len(e.slots), cap(e.slots))
	for i := range int32(e.contexts.Len()) {
		if c := e.contexts.At(i); e.slots[c.ID] == c {
			f.slots[c.ID] = f.contexts.At(i)
		}
	}
	return f
}

// clone copies the table, each record through cp (records past Len are
// zero and stay so); a dropped page stays dropped.
func (p *Pages[T]) clone(cp func(T) T) Pages[T] {
	q := Pages[T]{pages: make([]*[PageLen]T, len(p.pages)), n: p.n}
	for k, pg := range p.pages {
		if pg == nil {
			continue
		}
		q.pages[k] = new([PageLen]T)
		if cp == nil {
			*q.pages[k] = *pg
			continue
		}
		for i := range min(PageLen, p.n-k*PageLen) {
			q.pages[k][i] = cp(pg[i])
		}
	}
	return q
}

// Clone returns a copy of the table that shares no memory with it, its
// records copied as values (which suits records without slices, maps or
// pointers, such as a model's agent records).
func (p *Pages[T]) Clone() Pages[T] { return p.clone(nil) }

// clone returns a deep copy of the network, its scratch and cached labels
// included, so that a walk on the copy finds what it would on the original.
func (n *Network) clone() *Network {
	c := *n
	c.links = n.links.clone(nil)
	c.cut = slices.Clone(n.cut)
	c.emptied = slices.Clone(n.emptied)
	c.adj = n.adj.clone(func(es []Edge) []Edge { return slices.Clone(es) })
	c.node = slices.Clone(n.node)
	c.up = slices.Clone(n.up)
	c.nodes = slices.Clone(n.nodes)
	for _, s := range []*[]int32{&c.root, &c.size, &c.dist, &c.queue, &c.members, &c.pos, &c.off, &c.nbr, &c.ends} {
		*s = slices.Clone(*s)
	}
	return &c
}

// clone returns a deep copy of the transport over net, the copy's network.
func (t *Transport) clone(net *Network) *Transport {
	c := *t
	c.net = net
	c.inflight = slices.Clone(t.inflight)
	c.one = sendBuf{msgs: slices.Clone(t.one.msgs), sent: t.one.sent, lost: t.one.lost, caps: t.one.caps.clone()}
	c.alone = t.alone.clone()
	c.seq = t.seq.clone(nil)
	return &c
}

// Clone returns a copy of the grid whose layers share no memory with g's,
// and a function that maps one of g's layers (as Layer returned it) to the
// copy's; for any other slice it returns a copy of it.
func (g *Grid) Clone() (*Grid, func([]float64) []float64) {
	c := &Grid{W: g.W, H: g.H, names: slices.Clone(g.names), layers: make([][]float64, len(g.layers))}
	for i, l := range g.layers {
		c.layers[i] = slices.Clone(l)
	}
	mapLayer := func(s []float64) []float64 {
		for i, l := range g.layers {
			if len(s) > 0 && len(l) > 0 && &s[0] == &l[0] {
				return c.layers[i]
			}
		}
		return slices.Clone(s)
	}
	return c, mapLayer
}

// Footprint is roughly the bytes the engine holds for its agents, network
// and messages, for callers that bound what they keep.
func (e *Engine) Footprint() int {
	n := e.contexts.Len()*int(unsafe.Sizeof(Context{})) + len(e.slots)*8 + len(e.dead) + len(e.live)*4
	n += e.agents.Len() * int(unsafe.Sizeof(Agent(nil)))
	for i := range int32(e.contexts.Len()) {
		c := e.contexts.At(i)
		n += (cap(c.Inbox) + cap(c.Out)) * int(unsafe.Sizeof(Message{}))
	}
	n += len(e.Transport.inflight) * int(unsafe.Sizeof(Message{}))
	n += e.Net.links.Len()*int(unsafe.Sizeof(Link{})) + 2*e.Net.live*int(unsafe.Sizeof(Edge{}))
	return n
}
