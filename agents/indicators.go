package agents

import (
	"math"
	"slices"

	"github.com/ecosim/ecosim/sim"
)

// Indicator names, in column order. They are stable: users script against
// them.
var indicatorNames = []string{
	"living_trees", "tree_births", "tree_deaths", "biomass", "carbon_total", "tree_carbon",
	"fungal_carbon", "node_carbon", "carbon_in_flight", "photosynthesis", "respiration", "litter_input",
	"carbon_removed", "canopy_cover", "species_richness", "fungi", "nodes", "links", "giant_component",
	"components", "mean_degree", "max_degree", "max_tree_degree", "mean_path", "carbon_moved",
	"messages_sent", "messages_delivered", "messages_lost", "messages_in_flight", "delivery_ratio",
	"ants", "food_stored", "food_delivered", "food_rate", "trail_strength", "burned_fraction", "infested_trees",
	"warned_trees", "soil_water", "soil_nutrients",
}

// shares are the indicators that are shares of a whole, between 0 and 1;
// every other indicator is a count, a stock, a flow or a ratio of counts,
// none of which is ever below 0 (TestIndicatorsWithinBounds).
var shares = map[string]bool{"canopy_cover": true, "delivery_ratio": true}

// IndicatorBounds are the least and the greatest values indicator name can
// take: [0, 1] for a share, [0, +Inf) for the rest, (-Inf, +Inf) for a
// name that is not an indicator. A confidence interval of a mean over
// replicates is cut at them.
func IndicatorBounds(name string) (lo, hi float64) {
	switch {
	case shares[name]:
		return 0, 1
	case slices.Contains(indicatorNames, name):
		return 0, math.Inf(1)
	}
	return math.Inf(-1), math.Inf(1)
}

// pathSamples is how many BFS sources estimate the mean path each tick.
const pathSamples = 16

// IndicatorNames lists the indicator columns; see sim.Model.
func (m *Model) IndicatorNames() []string { return indicatorNames }

// IndicatorNames lists every indicator a run records, in column order.
func IndicatorNames() []string { return append([]string(nil), indicatorNames...) }

// stocks are the agent-held quantities summed in ID order.
type stocks struct {
	trees, biomass, fungi, nodes float64
	living, species, maxTreeDeg  int
	infested, warned             int
	// Network nodes, their degree sum and the largest degree.
	netNodes, degSum, maxDeg int
}

func (m *Model) stocks() stocks {
	var s stocks
	m.treeStocks(&s)
	m.netStocks(&s)
	return s
}

// treeStocks sets s's trees' fields, and netStocks the network's and the
// other kinds'. They are two pieces of the record, since the walk over
// every agent was the longest of the pieces left after delivery, and the
// other core was idle for most of it; each float sum stays in one piece,
// in ID order, so the split changes no bit of a row.
func (m *Model) treeStocks(s *stocks) {
	seen := m.speciesSeen[:0]
	for range m.cfg.Trees.Species {
		seen = append(seen, false)
	}
	m.speciesSeen = seen
	tick := m.e.Tick()
	var trees, biomass float64
	var living, species, infested, warned int
	for _, id := range m.e.Live() {
		if m.kind[id] != KindTree {
			continue
		}
		t := m.tree(id)
		trees += t.Carbon + t.Biomass
		biomass += t.Biomass
		living++
		if !seen[t.Species] {
			seen[t.Species] = true
			species++
		}
		if t.Infested {
			infested++
		}
		if int(t.WarnedUntil) >= tick {
			warned++
		}
	}
	s.trees, s.biomass, s.living, s.species, s.infested, s.warned = trees, biomass, living, species, infested, warned
}

// netStocks sets s's network fields and the fungi's and nodes' carbon;
// see treeStocks.
func (m *Model) netStocks(s *stocks) {
	var fungi, nodes float64
	var netNodes, degSum, maxDeg, maxTreeDeg int
	net := m.e.Net
	for _, id := range m.e.Live() {
		k := m.kind[id]
		if net.IsNode(id) {
			d := net.Degree(id)
			netNodes++
			degSum += d
			maxDeg = max(maxDeg, d)
			if k == KindTree {
				maxTreeDeg = max(maxTreeDeg, d)
			}
		}
		switch k {
		case KindFungus:
			fungi += m.fungus(id).Carbon
		case KindNode:
			nodes += m.node(id).Carbon
		}
	}
	s.fungi, s.nodes = fungi, nodes
	s.netNodes, s.degSum, s.maxDeg, s.maxTreeDeg = netNodes, degSum, maxDeg, maxTreeDeg
}

// CarbonInFlight is the carbon in messages on the way [kg C].
func (m *Model) CarbonInFlight() float64 {
	s := 0.0
	for _, msg := range m.e.Transport.InFlight() {
		if msg.Kind == MsgCarbon {
			s += msg.Amount
		}
	}
	return s
}

// CarbonTotal is the carbon in trees, fungi, nodes and messages [kg C]: the
// stock whose change the Ledger explains.
func (m *Model) CarbonTotal() float64 {
	s := m.stocks()
	return s.trees + s.fungi + s.nodes + m.CarbonInFlight()
}

// deliveryRatio is the share of messages resolved this tick that arrived;
// 1 when none were resolved, since nothing was lost.
func (m *Model) deliveryRatio(c sim.Counts) float64 {
	d := c.Delivered - m.prevCounts.Delivered
	l := c.Lost - m.prevCounts.Lost
	m.prevCounts = c
	if d+l == 0 {
		return 1
	}
	return float64(d) / float64(d+l)
}

// foodRateTicks is the time constant of food_rate, a moving average of
// food_delivered smooth enough to compare with a control [ticks].
const foodRateTicks = 50

// foodRate updates and returns the exponential moving average of the food
// delivered per tick.
func (m *Model) foodRate() float64 {
	m.foodEMA += (m.tally.foodDelivered - m.foodEMA) / foodRateTicks
	return m.foodEMA
}

// cellSums are the sums over one band of cells that the indicators need.
type cellSums struct{ water, nutrients, trail float64 }

// graphSums are the indicators read from the network's shape alone.
type graphSums struct {
	giant, comps int
	meanPath     float64
}

// prepared holds what PrepareRecord worked out for the row of one tick.
type prepared struct {
	tick  int
	ok    bool
	graph graphSums
}

// walkGraph walks the network for the row; the components' labels are
// usually kept from the environment phase (stepCells).
func walkGraph(e *sim.Engine) graphSums {
	var g graphSums
	g.giant, g.comps = e.Net.Components()
	g.meanPath = e.Net.MeanPath(pathSamples)
	return g
}

// sumBand adds up band b of the cell layers the indicators report.
func (m *Model) sumBand(b int) {
	lo, hi := m.band(b)
	lo, hi = lo*m.grid.W, hi*m.grid.W
	cs := cellSums{water: sum(m.water[lo:hi]), nutrients: sum(m.nutrients[lo:hi])}
	for _, l := range m.pher {
		cs.trail += sum(l[lo:hi])
	}
	m.bandSums[b] = cs
}

// PrepareRecord works out the graph walks and the cell sums of this tick's
// row while the messages are delivered, on a second core; see
// sim.RecordPreparer. Neither reads what delivery writes, and Indicators
// then adds the same numbers in the same order, so the row is the same.
// At 10,000 agents delivery runs serially (too few messages to split), so
// this is what the second core can do meanwhile; in pieces (RecordPieces),
// so that delivery's core takes what is left once it is done.
func (m *Model) PrepareRecord(e *sim.Engine, piece int) {
	if piece == 0 {
		m.prep = prepared{tick: e.Tick(), ok: true, graph: walkGraph(e)}
		return
	}
	m.sumBand(piece - 1)
}

// RecordPieces is the graph walks, then one piece for each band of cells;
// see sim.RecordPreparer.
func (m *Model) RecordPieces() int { return 1 + m.bands }

// Indicators fills one row; see sim.Model.
func (m *Model) Indicators(e *sim.Engine, row []float64) {
	// The graph walks, the sums over agents, over messages and over each
	// band of cells read disjoint state and run side by side; each writes
	// only its own result, and the band sums are added in band order. The
	// walks and the cell sums may have been worked out already, beside
	// delivery (PrepareRecord).
	st := m.bound()
	st.g, st.s, st.inflight = graphSums{}, stocks{}, 0
	// With the walks and cell sums prepared, only the stocks and the
	// messages' carbon (pieces 1 to 3) are left.
	first, last := 0, recordTasks+m.bands
	if m.prep.ok && m.prep.tick == e.Tick() {
		st.g, first, last = m.prep.graph, 1, recordTasks
		m.prepUsed++
	}
	m.prep.ok = false
	st.first = first
	m.e.ParallelFor(last-first, st.record)
	g, s, inflight := st.g, st.s, st.inflight
	var cells cellSums
	for _, cs := range m.bandSums[:m.bands] {
		cells.water += cs.water
		cells.nutrients += cs.nutrients
		cells.trail += cs.trail
	}
	cover := m.cover
	counts := e.Transport.Counts()
	ants, stored := 0, 0.0
	for i := range m.colonies {
		if e.Alive(m.colonies[i].ID) {
			ants += m.colonies[i].Workers
			stored += m.colonies[i].Store
		}
	}
	n := float64(m.grid.Cells())
	v := [...]float64{
		float64(s.living), float64(m.tally.births), float64(m.tally.deaths), s.biomass,
		s.trees + s.fungi + s.nodes + inflight, s.trees, s.fungi, s.nodes, inflight,
		m.ledger.Photosynthesis, m.ledger.Respiration, m.ledger.Litter, m.ledger.Removed,
		float64(cover) / n, float64(s.species), float64(m.nFungi), float64(m.nNodes),
		float64(e.Net.LiveLinks()), ratio(float64(g.giant), float64(m.nodes0)), float64(g.comps),
		ratio(float64(s.degSum), float64(s.netNodes)), float64(s.maxDeg), float64(s.maxTreeDeg),
		g.meanPath, m.tally.carbonMoved,
		float64(counts.Sent), float64(counts.Delivered), float64(counts.Lost), float64(counts.InFlight),
		m.deliveryRatio(counts), float64(ants), stored, m.tally.foodDelivered, m.foodRate(), cells.trail,
		m.BurnedFraction(), float64(s.infested), float64(s.warned), cells.water / n, cells.nutrients / n,
	}
	copy(row, v[:])
}

// recordTasks is the row's pieces before the bands of cells: the graph
// walks, the two halves of the stocks and the messages' carbon.
const recordTasks = 4

// recordPiece is Indicators' piece i, counted from its first: the graph
// walks, the trees' stocks, the network's, the messages' carbon, then each
// band of cells. Each writes only its own result.
func (m *Model) recordPiece(i int) {
	st := &m.steps
	switch i += st.first; i {
	case 0:
		st.g = walkGraph(m.e)
	case 1:
		m.treeStocks(&st.s)
	case 2:
		m.netStocks(&st.s)
	case 3:
		st.inflight = m.CarbonInFlight()
	default:
		m.sumBand(i - recordTasks)
	}
}

// steps holds the model's parallel steps, bound once to the model, and
// what they read and write for the tick: a closure over a tick's state
// was a heap allocation every tick. owner is the model they were bound
// to, so that a copy of the model (Fork) binds its own.
type steps struct {
	owner         *Model
	cells, record func(int)
	diffuse       func(int)
	rain          float64 // stepCells'
	// Indicators': the first piece run, and the results.
	first    int
	g        graphSums
	s        stocks
	inflight float64
}

// bound returns the model's steps, binding them first if they are not
// bound to this model.
func (m *Model) bound() *steps {
	if m.steps.owner != m {
		m.steps = steps{owner: m, cells: m.cellsPiece, record: m.recordPiece, diffuse: m.diffusePiece}
	}
	return &m.steps
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// sum adds xs with four running sums, so the additions do not wait on one
// another; the order is fixed, so the result is too.
func sum(xs []float64) float64 {
	var a, b, c, d float64
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		a += xs[i]
		b += xs[i+1]
		c += xs[i+2]
		d += xs[i+3]
	}
	for ; i < len(xs); i++ {
		a += xs[i]
	}
	return (a + b) + (c + d)
}
