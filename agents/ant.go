package agents

import (
	"math"
	"sync/atomic"
	"unsafe"

	"github.com/ecosim/ecosim/rules"
	"github.com/ecosim/ecosim/sim"
)

// Ant is a forager's public state.
type Ant struct {
	ID        int32
	Colony    int32 // the colony's agent ID
	X, Y      int
	Heading   int     // index into rules.Directions
	Load      float64 // food carried [kg C]
	Returning bool
	// Out is how long it has been searching since it left the nest [ticks].
	Out int

	nx antNext
}

type antNext struct {
	x, y, heading          int
	take, unload, lay, die bool
	returning              bool
}

type antAgent struct{ m *Model }

func (a antAgent) Kind() string          { return "ant" }
func (a antAgent) Decide(c *sim.Context) { a.m.decideAnt(a.m.ant(c.ID), c) }

func (m *Model) addAnt(colony int32, x, y, heading int) int32 {
	id := m.e.Spawn(antAgent{m})
	m.register(KindAnt, int(m.ants.Push(Ant{ID: id, Colony: colony, X: x, Y: y, Heading: heading})))
	m.colony(colony).Workers++
	return id
}

func (m *Model) decideAnt(a *Ant, c *sim.Context) {
	col := m.colony(a.Colony)
	nx := antNext{x: a.X, y: a.Y, heading: a.Heading, returning: a.Returning}
	lifespan := max(m.cfg.Ants.Lifespan, 1)
	starving := col.Starving && c.Rand.Bernoulli(0.05)
	if c.Rand.Bernoulli(1/float64(lifespan)) || starving || !m.e.Alive(a.Colony) {
		nx.die = true
		a.nx = nx
		return
	}
	switch {
	case a.Returning:
		m.antReturn(a, col, &nx, c)
	case a.Out >= m.cfg.Ants.Patience:
		nx.returning = true // give up; no food, so no trail
		m.antReturn(a, col, &nx, c)
	default:
		m.antSearch(a, col, &nx, c)
	}
	a.nx = nx
}

// antReturn heads home by path integration, laying trail on the way.
func (m *Model) antReturn(a *Ant, col *Colony, nx *antNext, c *sim.Context) {
	dx, dy := col.X-a.X, col.Y-a.Y
	if dx*dx <= 1 && dy*dy <= 1 {
		nx.unload, nx.returning = true, false
		nx.heading = (rules.Toward(-dx, -dy) + 8) % 8
		if dx == 0 && dy == 0 {
			nx.heading = c.Rand.Intn(8)
		}
		return
	}
	h := rules.Toward(dx, dy)
	if c.Rand.Bernoulli(0.2) {
		h = (h + 7 + 2*c.Rand.Intn(2)) % 8
	}
	nx.lay = a.Load > 0
	m.antStep(a, nx, h, c)
}

// antSearch takes food where it stands, else steps forward, choosing among
// the three cells ahead by their trail pheromone.
func (m *Model) antSearch(a *Ant, col *Colony, nx *antNext, c *sim.Context) {
	if m.food[m.grid.Index(a.X, a.Y)] > 1e-6 {
		nx.take = true
		return
	}
	pher := m.pher[col.Index]
	var w [3]float64
	for i := range 3 {
		h := (a.Heading + 7 + i) % 8
		x, y := a.X+rules.Directions[h][0], a.Y+rules.Directions[h][1]
		if m.passable(x, y) {
			out := dist2(x, y, col.X, col.Y) > dist2(a.X, a.Y, col.X, col.Y)
			w[i] = rules.HeadingWeight(pher[m.grid.Index(x, y)], i == 1, out)
		}
	}
	i := rules.PickWeighted(w[:], c.Rand.Float64())
	h := (a.Heading + 4) % 8 // boxed in: turn round
	if i >= 0 {
		h = (a.Heading + 7 + i) % 8
	}
	if c.Rand.Bernoulli(0.05) {
		h = (h + 6 + 4*c.Rand.Intn(2)) % 8
	}
	m.antStep(a, nx, h, c)
}

func dist2(x, y, x0, y0 int) int { return (x-x0)*(x-x0) + (y-y0)*(y-y0) }

// antStep moves one cell along heading h, staying inside the grid and out
// of blocked cells; a blocked ant turns a random way and waits a tick.
func (m *Model) antStep(a *Ant, nx *antNext, h int, c *sim.Context) {
	x, y := a.X+rules.Directions[h][0], a.Y+rules.Directions[h][1]
	if !m.passable(x, y) {
		h = (h + 2 + 4*c.Rand.Intn(2)) % 8
		x, y = a.X, a.Y
	}
	nx.x, nx.y, nx.heading = x, y, h
}

// passable reports whether an ant may step onto (x, y).
func (m *Model) passable(x, y int) bool {
	return m.grid.Inside(x, y) && (m.blocked == nil || !m.blocked[m.grid.Index(x, y)])
}

// applyAntLocal moves an ant that walks or lays trail; one that takes or
// unloads shares its cell's food or its colony's store with other ants, and
// one that dies touches its colony, so those wait for applyAnt. The trail
// is shared too, but every ant lays the same deposit, so a cell's trail
// comes out the same whichever order its ants add it in (addEqual): this
// took most foragers, about three quarters of the serial part's agents in
// a forest, out of the serial part.
func (m *Model) applyAntLocal(a *Ant) bool {
	nx := &a.nx
	if nx.die || nx.take || nx.unload {
		return true
	}
	if nx.lay {
		addEqual(&m.pher[m.colony(a.Colony).Index][m.grid.Index(a.X, a.Y)], m.cfg.Ants.Pheromone.Deposit)
	}
	a.X, a.Y, a.Heading, a.Returning = nx.x, nx.y, nx.heading, nx.returning
	a.Out++
	return false
}

// applyAnt is the serial part of an ant's apply.
func (m *Model) applyAnt(id int32) {
	a := m.ant(id)
	nx := &a.nx
	cell := m.grid.Index(a.X, a.Y)
	if nx.die {
		m.killAnt(id, "mortality")
		return
	}
	col := m.colony(a.Colony)
	switch {
	case nx.take:
		got := min(m.cfg.Ants.Load, m.food[cell])
		m.food[cell] -= got
		a.Load += got
		nx.returning = got > 0
	case nx.unload:
		col.Store += a.Load
		m.tally.foodDelivered += a.Load
		a.Load = 0
	}
	a.X, a.Y, a.Heading, a.Returning = nx.x, nx.y, nx.heading, nx.returning
	a.Out++
	if nx.unload {
		a.Out = 0
	}
}

// killAnt removes a worker; the food it carried drops where it stood.
func (m *Model) killAnt(id int32, cause string) {
	a := m.ant(id)
	m.food[m.grid.Index(a.X, a.Y)] += a.Load
	a.Load = 0
	m.colony(a.Colony).Workers--
	m.die(id, cause, a.X, a.Y)
}

// addEqual adds d to *p while goroutines applying other blocks may add to it
// too. Every caller in a phase adds the same d to a given cell, so the
// result, t+d+d+…, is the same whichever order the additions land in, and
// the same as adding them serially in ID order; the compare-and-swap only
// keeps two of them from landing at once and one being lost.
func addEqual(p *float64, d float64) {
	u := (*uint64)(unsafe.Pointer(p))
	for {
		old := atomic.LoadUint64(u)
		if atomic.CompareAndSwapUint64(u, old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}
