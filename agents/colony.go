package agents

import (
	"github.com/ecosim/ecosim/sim"
)

// Colony is an ant colony's public state: a nest, a food store and a count
// of its workers.
type Colony struct {
	ID      int32
	Index   int // position among colonies; selects the pheromone layer
	X, Y    int
	Store   float64 // food [kg C]
	Workers int
	// Starving is set when upkeep could not be paid; workers then die off.
	Starving bool

	nx colonyNext
}

type colonyNext struct {
	spend    float64
	raise    int
	starving bool
}

type colonyAgent struct{ m *Model }

func (a colonyAgent) Kind() string          { return "colony" }
func (a colonyAgent) Decide(c *sim.Context) { a.m.decideColony(a.m.colony(c.ID), c) }

func (m *Model) addColony(x, y int, food float64) int32 {
	idx := len(m.colonies)
	id := m.e.Spawn(colonyAgent{m})
	m.register(KindColony, idx)
	m.colonies = append(m.colonies, Colony{ID: id, Index: idx, X: x, Y: y, Store: food})
	return id
}

// reserveTicks is how many ticks of upkeep a colony keeps in store before
// it spends food on raising workers.
const reserveTicks = 100

// decideColony pays the workers' upkeep and raises new workers from food
// beyond its reserve, at most three a tick.
func (m *Model) decideColony(col *Colony, c *sim.Context) {
	ac := &m.cfg.Ants
	upkeep := float64(ac.Upkeep * float64(col.Workers))
	nx := colonyNext{spend: min(upkeep, col.Store), starving: upkeep > col.Store}
	left := col.Store - nx.spend
	reserve := float64(upkeep*reserveTicks) + ac.WorkerCost
	for nx.raise < 3 && col.Workers+nx.raise < ac.MaxWorkers && left-ac.WorkerCost > reserve {
		nx.raise++
		left -= ac.WorkerCost
		nx.spend += ac.WorkerCost
	}
	col.nx = nx
}

func (m *Model) applyColony(id int32, c *sim.Context) {
	col := m.colony(id)
	nx := col.nx
	col.Store -= nx.spend
	col.Starving = nx.starving
	x, y := col.X, col.Y
	for range nx.raise {
		aid := m.addAnt(id, x, y, c.Rand.Intn(8))
		m.e.Emit(sim.Event{Type: "birth", Agent: aid, Kind: "ant", Other: id, X: x, Y: y})
	}
}
