package agents

import (
	"math"

	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
)

// Fungus is a mycorrhizal genet's public state.
type Fungus struct {
	ID     int32
	X, Y   int     // centre of the genet [cells]
	Carbon float64 // [kg C]
	// PartnerMean is the mean reserve density (carbon per biomass) of its
	// partner trees last tick; trees above it offer carbon, trees below
	// receive it.
	PartnerMean float64

	nx    fungusNext
	debit float64
}

type fungusNext struct {
	carbon, resp, partnerMean float64
	die                       bool
	link, drop                int32
	spawn                     bool
	sx, sy                    int
}

type fungusAgent struct{ m *Model }

func (a fungusAgent) Kind() string          { return "fungus" }
func (a fungusAgent) Decide(c *sim.Context) { a.m.decideFungus(a.m.fungus(c.ID), c) }

func (m *Model) addFungus(x, y int, carbon float64) int32 {
	id := m.e.Spawn(fungusAgent{m})
	m.register(KindFungus, int(m.fungi.Push(Fungus{ID: id, X: x, Y: y, Carbon: carbon})))
	m.nFungi++
	m.e.Net.AddNode(id)
	return id
}

// minFungalCarbon is the carbon below which a genet cannot keep its hyphae
// alive [kg C].
const minFungalCarbon = 0.05

// fungalReserve is the carbon a genet keeps before it hands any out [kg C].
func fungalReserve(links int) float64 { return 3 + float64(0.3*float64(links)) }

func (m *Model) decideFungus(f *Fungus, c *sim.Context) {
	fc := &m.cfg.Fungi
	links := m.e.Net.Edges(f.ID)
	nx := fungusNext{link: -1, drop: -1}
	nx.resp = finite("fungal respiration", float64(fc.Respiration*f.Carbon)+float64(fc.LinkUpkeep*float64(len(links))))
	carbon := f.Carbon - nx.resp
	if carbon < minFungalCarbon {
		if carbon < 0 {
			nx.resp += carbon
			carbon = 0
		}
		nx.carbon, nx.die = carbon, true
		f.nx = nx
		return
	}
	sumC, sumB := 0.0, 0.0
	for _, e := range links {
		t := m.tree(e.Other)
		sumC += t.Carbon
		sumB += t.Biomass
	}
	if sumB > 0 {
		nx.partnerMean = sumC / sumB
	}
	if fc.ShareRate > 0 {
		// What it gives is debited when the messages leave, in apply.
		m.fungusGives(f, c, carbon-fungalReserve(len(links)), nx.partnerMean, links)
	}
	nx.carbon = carbon
	relaySignals(c, links)
	if len(links) > 0 && c.Rand.Bernoulli(float64(fc.LinkTurnover*float64(len(links)))) {
		nx.drop = m.poorestLink(links)
	}
	if len(links) < fc.MaxLinks && carbon > 2*fc.LinkCost && c.Rand.Bernoulli(0.2) {
		nx.link = m.chooseTree(f, c)
	}
	if carbon > fc.SpawnCarbon {
		dx, dy := rules.DispersalOffset(c.Rand.Float64(), c.Rand.Float64(), 2*fc.Reach)
		nx.spawn, nx.sx, nx.sy = true, f.X+dx, f.Y+dy
	}
	f.nx = nx
}

// fungusGives sends a quarter of its pool to partners below the mean density, in
// proportion to how far below they are; what leaves is debited in apply.
func (m *Model) fungusGives(f *Fungus, c *sim.Context, pool, mean float64, links []sim.Edge) {
	c.Reserve(len(links))
	if pool <= 0 {
		return
	}
	total := 0.0
	for _, e := range links {
		t := m.tree(e.Other)
		total += rules.Deficit(t.Carbon, t.Biomass, mean)
	}
	if total <= 0 {
		return
	}
	give := min(pool/4, total)
	for _, e := range links {
		to := e.Other
		t := m.tree(to)
		amount := finite("rules.Deficit", float64(give*rules.Deficit(t.Carbon, t.Biomass, mean))/total)
		if amount > 1e-12 {
			c.SendVia(e.Link, to, MsgCarbon, amount)
		}
	}
}

// relaySignals passes every stress signal a genet received to its other
// partners.
func relaySignals(c *sim.Context, links []sim.Edge) {
	for _, msg := range c.Inbox {
		if msg.Kind != MsgSignal {
			continue
		}
		for _, e := range links {
			if to := e.Other; to != msg.From {
				c.Send(to, MsgSignal, 0)
			}
		}
	}
}

// poorestLink is the link to the smallest partner: the host that pays the
// least fee is the one a genet lets go when its hyphae turn over.
func (m *Model) poorestLink(links []sim.Edge) int32 {
	best, bestB := links[0].Link, math.Inf(1)
	for _, e := range links {
		if b := m.tree(e.Other).Biomass; b < bestB {
			best, bestB = e.Link, b
		}
	}
	return best
}

// chooseTree samples cells within reach and picks one unlinked tree among
// them with probability rising steeply with its biomass, or -1.
func (m *Model) chooseTree(f *Fungus, c *sim.Context) int32 {
	r := m.cfg.Fungi.Reach
	var cand [16]int32
	var w [16]float64
	n := 0
	for range len(cand) {
		x, y := f.X+c.Rand.Intn(2*r+1)-r, f.Y+c.Rand.Intn(2*r+1)-r
		if !m.grid.Inside(x, y) || (x-f.X)*(x-f.X)+(y-f.Y)*(y-f.Y) > r*r {
			continue
		}
		id := m.occ[m.grid.Index(x, y)]
		if id < 0 || m.e.Net.Between(f.ID, id) >= 0 {
			continue
		}
		cand[n], w[n] = id, rules.LinkWeight(m.tree(id).Biomass, m.cfg.Fungi.Preference)
		n++
	}
	if i := rules.PickWeighted(w[:n], c.Rand.Float64()); i >= 0 {
		return cand[i]
	}
	return -1
}

// applyFungusLocal commits the genet's own carbon; it reports whether it
// dies, drops or makes a link, or spawns, which applyFungus does serially.
func (m *Model) applyFungusLocal(f *Fungus, l *Ledger) bool {
	nx := &f.nx
	f.Carbon = nx.carbon - f.debit
	f.debit = 0
	f.PartnerMean = nx.partnerMean
	l.Respiration += nx.resp
	return nx.die || nx.drop >= 0 || nx.link >= 0 || nx.spawn
}

// applyFungus is the serial part: death, link turnover and spawning.
func (m *Model) applyFungus(id int32) {
	f := m.fungus(id)
	nx := &f.nx
	fc := &m.cfg.Fungi
	if nx.die {
		m.killFungus(id, "starvation")
		return
	}
	if nx.drop >= 0 && !m.e.Net.Link(nx.drop).Removed {
		other := m.e.Net.Other(nx.drop, id)
		m.e.Net.RemoveLink(nx.drop)
		m.e.Emit(sim.Event{Type: "unlink", Agent: id, Other: other, Cause: "turnover"})
	}
	if nx.link >= 0 && m.e.Alive(nx.link) && f.Carbon >= fc.LinkCost && m.e.Net.AddLink(id, nx.link) >= 0 {
		f.Carbon -= fc.LinkCost
		m.ledger.Respiration += fc.LinkCost
		m.e.Emit(sim.Event{Type: "link", Agent: id, Other: nx.link})
	}
	if nx.spawn && m.fungiAlive() < fc.MaxCount && m.grid.Inside(nx.sx, nx.sy) {
		half := float64(f.Carbon / 2)
		f.Carbon -= half
		nid := m.addFungus(nx.sx, nx.sy, half)
		m.e.Emit(sim.Event{Type: "birth", Agent: nid, Kind: "fungus", Other: id, X: nx.sx, Y: nx.sy})
	}
}

// killFungus returns a genet's carbon to the litter of its cell.
func (m *Model) killFungus(id int32, cause string) {
	f := m.fungus(id)
	cell := m.grid.Index(f.X, f.Y)
	m.litter[cell] += f.Carbon
	m.ledger.Litter += f.Carbon
	f.Carbon = 0
	m.nFungi--
	m.die(id, cause, f.X, f.Y)
}

func (m *Model) fungiAlive() int { return m.nFungi }
