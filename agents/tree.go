package agents

import (
	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
)

// Tree is a tree's public state, changed only in the apply phase but for
// its crown (see treeCrown) and where it seeds. The record is kept small
// (120 bytes, its integers in 32 bits, which the world's limits allow):
// the decide and apply phases, the fungi's reads of their partners and the
// indicators read every tree's record each tick, and at 100,000 trees and
// more those reads wait on memory. Measured at 100,000 agents on one core
// (BENCHMARKS.md), 120 bytes took 3% off a tick against 144, which was
// about as fast as the old 160; 128 bytes, two cache lines exactly, made
// the decide 7% slower than 144, whichever line the decide wrote.
type Tree struct {
	ID          int32
	X, Y        int32
	Species     int32
	Age         int32 // [ticks]
	WarnedUntil int32 // the last tick its raised defences last [tick]
	Infested    bool  // under pest attack
	signalled   bool
	flags       treeFlags
	// seedX, seedY is the cell it seeds this tick, when flags.seed.
	seedX, seedY int32
	Biomass      float64 // structural carbon [kg C]
	Carbon       float64 // reserve carbon [kg C]
	debit        float64 // carbon sent this tick [kg C]
	Height       float64 // [m]
	Leaf         float64 // leaf area [m²]
	nx           treeNext
}

// treeNext is what a tree decided this tick, before its sends are debited.
type treeNext struct {
	carbon, biomass    float64
	photo, resp, fruit float64
}

// treeFlags is the rest of what a tree decided this tick.
type treeFlags struct {
	die, seed       bool
	signalled, grew bool
	cause           deathCause
}

// at is where the tree stands.
func (t *Tree) at() (x, y int) { return int(t.X), int(t.Y) }

// deathCause is why a tree decided to die, named in its death event.
type deathCause uint8

const (
	diedOfStarvation deathCause = iota
	diedOfAge
)

func (c deathCause) String() string {
	if c == diedOfAge {
		return "age"
	}
	return "starvation"
}

// Half-saturation of photosynthesis in soil water [mm] and nutrients [nu]:
// set where a typical cell is near half-limited, so that the extra access
// fungal partners give is worth more than the fee they take.
const (
	waterHalf    = 15
	nutrientHalf = 2
)

// treeAgent is a tree as the engine sees it. Each kind's adapter is a single
// pointer, so storing it as a sim.Agent allocates nothing; the record is
// found from the context's ID.
type treeAgent struct{ m *Model }

func (a treeAgent) Kind() string { return "tree" }
func (a treeAgent) Decide(c *sim.Context) {
	t := a.m.tree(c.ID)
	a.m.decideTree(t, c, a.m.treePhoto(t))
	a.m.treeCrown(t)
}

func (m *Model) addTree(x, y, species int, biomass, carbon float64) int32 {
	id := m.e.Spawn(treeAgent{m})
	t := Tree{ID: id, X: int32(x), Y: int32(y), Species: int32(species), Biomass: biomass, Carbon: carbon}
	t.Height, t.Leaf = rules.Crown(biomass)
	m.register(KindTree, int(m.trees.Push(t)))
	cell := m.grid.Index(x, y)
	m.occ[cell] = id
	m.height[cell], m.la[cell] = t.Height, t.Leaf
	m.e.Net.AddNode(id)
	return id
}

// light is the usable light a tree gets under its taller neighbours. It
// reads their heights from the height layer, which sits next to the tree's
// own cell in memory, rather than from the neighbours' records. Neighbours
// off the grid count as height 0, which never shades.
func (m *Model) light(t *Tree, tol float64) float64 {
	w, h := m.grid.W, m.grid.H
	th, s := t.Height, 0.0
	tx, ty := t.at()
	if tx > 0 && ty > 0 && tx < w-1 && ty < h-1 {
		// Away from the edge all eight neighbours exist: three runs of
		// the height layer, read without bounds checks per neighbour and
		// summed as they are read, in the order of rules.Directions.
		i := ty*w + tx
		above, row, below := m.height[i-w-1:i-w+2], m.height[i-1:i+2], m.height[i+w-1:i+w+2]
		s = rules.AddShade(s, th, row[2])
		s = rules.AddShade(s, th, below[2])
		s = rules.AddShade(s, th, below[1])
		s = rules.AddShade(s, th, below[0])
		s = rules.AddShade(s, th, row[0])
		s = rules.AddShade(s, th, above[0])
		s = rules.AddShade(s, th, above[1])
		s = rules.AddShade(s, th, above[2])
	} else {
		for _, d := range rules.Directions {
			if x, y := tx+d[0], ty+d[1]; x >= 0 && y >= 0 && x < w && y < h {
				s = rules.AddShade(s, th, m.height[y*w+x])
			}
		}
	}
	return rules.LightFromShade(s, m.cfg.Trees.Shading, tol)
}

// treePhoto is the carbon tree t fixes this tick before any defence cost,
// not yet checked for being finite: the light it can use under its
// neighbours, limited by its cell's water and nutrients, which its fungal
// partners help it reach.
func (m *Model) treePhoto(t *Tree) float64 {
	sp := &m.cfg.Trees.Species[t.Species]
	cell := m.grid.Index(t.at())
	bonus := rules.UptakeBonus(m.e.Net.Degree(t.ID), m.cfg.Fungi.UptakeBonus)
	wl := rules.Saturating(float64(m.water[cell]*bonus), waterHalf)
	nl := rules.Saturating(float64(m.nutrients[cell]*bonus), nutrientHalf)
	return rules.Photosynthesis(sp.Growth, t.Leaf, m.light(t, sp.ShadeTolerance), wl, nl)
}

// treeCrown works out the new crown of a tree that grew this tick, in the
// parallel decide phase, so the apply only copies it into the grid. It
// writes the crown into the record at once rather than into the decision,
// which keeps the record small: in the decide phase nothing reads a tree's
// crown from its record but the tree itself, before this.
func (m *Model) treeCrown(t *Tree) {
	if t.flags.grew {
		t.Height, t.Leaf = rules.Crown(t.nx.biomass)
	}
}

// decideTree is a tree's decision given what it fixes (treePhoto); its
// crown, if it grew, is left to treeCrown.
func (m *Model) decideTree(t *Tree, c *sim.Context, photo float64) {
	tc, sp := &m.cfg.Trees, &m.cfg.Trees.Species[t.Species]
	links := m.e.Net.Edges(t.ID)
	nx, fl := &t.nx, &t.flags
	*nx, *fl = treeNext{biomass: t.Biomass}, treeFlags{}
	nx.photo = finite("rules.Photosynthesis", photo)
	if int(t.WarnedUntil) >= c.Tick {
		nx.photo = float64(nx.photo * (1 - defenceCost))
	}
	m.takeUp(t, nx.photo)
	nx.resp = finite("rules.Respiration", rules.Respiration(tc.Respiration, t.Biomass))
	mature := t.Biomass >= tc.MatureBiomass
	if mature {
		nx.fruit = float64(tc.FruitFraction * max(0, nx.photo-nx.resp))
	}
	carbon := t.Carbon + nx.photo - nx.resp - nx.fruit
	if carbon < 0 {
		// Starving: it burns what it has left and dies.
		nx.resp += carbon
		nx.carbon, fl.die, fl.cause = 0, true, diedOfStarvation
		return
	}
	grow := finite("rules.Growth", rules.Growth(carbon, t.Biomass, tc.ReserveFraction, tc.Allocation))
	carbon -= grow
	nx.biomass += grow
	fl.grew = grow > 0
	if mature && carbon > 2*tc.SeedCost && c.Rand.Bernoulli(sp.SeedRate) {
		dx, dy := rules.DispersalOffset(c.Rand.Float64(), c.Rand.Float64(), tc.Dispersal)
		fl.seed, t.seedX, t.seedY = true, t.X+int32(dx), t.Y+int32(dy)
	}
	if c.Rand.Bernoulli(rules.AgeHazard(float64(t.Age+1), float64(sp.MaxAge))) {
		fl.die, fl.cause = true, diedOfAge
	}
	nx.carbon = carbon
	if !fl.die {
		m.treeSends(t, c, carbon, nx.photo, links)
		if t.Infested && !t.signalled {
			for _, e := range links {
				c.SendVia(e.Link, e.Other, MsgSignal, 0)
			}
			fl.signalled = true
		}
	}
}

// treeSends pays the fee to each fungal partner and offers surplus carbon
// down the gradient; it never sends more than budget [kg C].
func (m *Model) treeSends(t *Tree, c *sim.Context, budget, photo float64, links []sim.Edge) {
	n := len(links)
	if n == 0 {
		return
	}
	fc := &m.cfg.Fungi
	fee := float64(fc.Fee*photo) / float64(n)
	budget -= m.cfg.Trees.SeedCost // keep enough to seed
	c.Reserve(n)
	for _, e := range links {
		f := e.Other
		amount := fee + finite("rules.ShareOut", rules.ShareOut(t.Carbon, t.Biomass, m.fungus(f).PartnerMean, fc.ShareRate, n))
		amount = min(amount, budget)
		if amount <= 1e-12 {
			continue
		}
		budget -= amount
		c.SendVia(e.Link, f, MsgCarbon, amount)
	}
}

// applyTreeLocal commits what touches only the tree and its own cell (one
// tree per cell), booking its flows in the block's ledger; it reports whether
// the tree dies or seeds, which applyTree does serially.
func (m *Model) applyTreeLocal(t *Tree, l *Ledger) bool {
	nx, fl := &t.nx, &t.flags
	cell := m.grid.Index(t.at())
	t.Carbon = nx.carbon - t.debit
	t.debit = 0
	t.Biomass = nx.biomass
	if fl.grew {
		m.height[cell], m.la[cell] = t.Height, t.Leaf
	}
	t.Age++
	t.signalled = t.signalled || fl.signalled
	l.Photosynthesis += nx.photo
	l.Respiration += nx.resp
	l.Fruit += nx.fruit
	if nx.fruit != 0 {
		// Only mature trees fruit; the others leave the food layer,
		// which nothing else in this phase reads, out of the cache.
		m.food[cell] += nx.fruit
	}
	return fl.die || fl.seed
}

// takeUp draws the water and nutrients a tree's photosynthesis uses from
// its own cell. It runs in the decide phase, though it changes the world,
// because there the cell is still in the cache from treePhoto's read of
// it; in the apply, after every other agent has decided, it is not, and
// at 100,000 trees those two misses were over a fifth of the apply's time.
// The result is the same as in the apply: only the tree on a cell reads
// its water and nutrients in the decide phase, one tree stands on a cell,
// and nothing reads them between the phases.
func (m *Model) takeUp(t *Tree, photo float64) {
	tc := &m.cfg.Trees
	cell := m.grid.Index(t.at())
	m.water[cell] = max(0, m.water[cell]-float64(photo*tc.WaterUse))
	m.nutrients[cell] = max(0, m.nutrients[cell]-float64(photo*tc.NutrientUse))
}

// applyTree is the serial part: a death or a seed.
func (m *Model) applyTree(id int32) {
	t := m.tree(id)
	fl := &t.flags
	if fl.die {
		m.killTree(id, fl.cause.String())
		return
	}
	if fl.seed {
		m.plantSeed(id, int(t.seedX), int(t.seedY))
	}
}

// killTree turns a tree into litter where it stood.
func (m *Model) killTree(id int32, cause string) {
	t := m.tree(id)
	cell := m.grid.Index(t.at())
	dead := t.Biomass + t.Carbon
	m.litter[cell] += dead
	m.ledger.Litter += dead
	t.Biomass, t.Carbon, t.Height, t.Leaf = 0, 0, 0, 0
	m.occ[cell] = -1
	m.height[cell], m.la[cell] = 0, 0
	m.tally.deaths++
	x, y := t.at()
	m.die(id, cause, x, y)
}

// plantSeed establishes a seedling of parent's species at (x, y) when the
// cell is free and light enough; the first parent (lowest ID) to claim a cell
// in a tick wins it, since seeds are applied in ID order.
func (m *Model) plantSeed(parent int32, x, y int) {
	p := m.tree(parent)
	tc := &m.cfg.Trees
	if !m.grid.Inside(x, y) || p.Carbon < tc.SeedCost {
		return
	}
	cell := m.grid.Index(x, y)
	if m.occ[cell] >= 0 || !rules.Establishes(m.floorLight(x, y), tc.Species[p.Species].ShadeTolerance) {
		return
	}
	p.Carbon -= tc.SeedCost
	sp := int(p.Species)
	half := float64(tc.SeedCost / 2)
	id := m.addTree(x, y, sp, half, tc.SeedCost-half)
	m.tally.births++
	m.e.Emit(sim.Event{Type: "birth", Agent: id, Kind: "tree", Other: parent, X: x, Y: y, Value: float64(sp)})
}
