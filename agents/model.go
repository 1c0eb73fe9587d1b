package agents

import (
	"unsafe"

	"github.com/ecosim/ecosim/internal/prefetch"
	"github.com/ecosim/ecosim/sim"
)

// Kind is an agent kind.
type Kind uint8

// Agent kinds.
const (
	KindTree Kind = iota
	KindFungus
	KindAnt
	KindColony
	KindNode
)

var kindNames = [...]string{"tree", "fungus", "ant", "colony", "node"}

// String names the kind as events and errors do.
func (k Kind) String() string { return kindNames[k] }

// Message kinds carried by the fungal network.
const (
	// MsgCarbon carries carbon [kg C] between trees and fungi.
	MsgCarbon sim.MsgKind = iota + 1
)

// Ledger names every carbon flow of one tick [kg C]. The balance that must
// hold is Δ(CarbonTotal) = Photosynthesis − Respiration − Fruit − Litter −
// TransportLoss − Removed.
type Ledger struct {
	Photosynthesis float64
	Respiration    float64
	Fruit          float64
	Litter         float64
	TransportLoss  float64
	// Removed is carbon taken out by failures (burned, for instance).
	Removed float64
}

// The model decides in blocks, applies its agents' own records in parallel
// and hands arrivals over by bands; losing one of these by a signature
// slip would silently fall back to a slower serial path.
var (
	_ sim.BlockDecider    = (*Model)(nil)
	_ sim.LocalApplier    = (*Model)(nil)
	_ sim.ArrivalSplitter = (*Model)(nil)
	_ sim.InboxReader     = (*Model)(nil)
)

// Model is the forest model's state and its serial apply phase.
type Model struct {
	cfg  Config
	seed uint64
	e    *sim.Engine
	grid *sim.Grid

	water, nutrients, litter, food []float64
	pher, pherBuf                  [][]float64 // per colony: trail, next trail
	diffused                       int         // the last tick whose next trails were worked out
	pherID                         []sim.LayerID
	occ                            []int32 // cell -> tree ID, -1 when free

	kind     []Kind
	index    []int32 // ID -> index into the kind's slice
	trees    sim.Pages[Tree]
	fungi    sim.Pages[Fungus]
	ants     sim.Pages[Ant]
	colonies []Colony
	nodes    sim.Pages[Node]
	// deadRecs counts, by kind, the records of agents dead since the
	// kind's records were last compacted.
	deadRecs [len(kindNames)]int

	// DroughtFactor scales rain; failures lower it.
	DroughtFactor float64

	ledger Ledger
	parts  []blockLedger // the apply blocks' partial ledgers
	tally  tally
	nFungi int
	nNodes int
	// nodes0 is the number of network nodes at tick 0, the denominator of
	// the giant-component fraction.
	nodes0 int
	height []float64 // tree height per cell [m], 0 where none
	la     []float64 // leaf area of the tree on each cell [m²]
	cover  int       // cells under a closed canopy

	// The cell processes run over bands of rows; each band keeps its
	// canopy count and its scratch rows.
	bands     int
	bandCover []int
	bandRows  [][]float64
	zeroRow   []float64  // a row of zeros, never written: the grid's edge rows' missing neighbour
	bandSums  []cellSums // the indicators' sums over each band
	prep      prepared   // what PrepareRecord worked out for a tick's row
	prepUsed  int        // rows that used it, for tests
	steps     steps      // the parallel steps, bound once (bound)

	fstate     []failureState
	prevCounts sim.Counts
	// speciesSeen is scratch for counting species each tick.
	speciesSeen []bool
	foodEMA     float64
	fire        fireState
	pest        pestState
	// blocked marks cells ants cannot enter (a barrier failure).
	blocked []bool
}

// tally counts what happened in the current tick for the indicators.
type tally struct {
	births, deaths int
	carbonMoved    float64
	foodDelivered  float64
}

// Engine returns the engine the model runs on.
func (m *Model) Engine() *sim.Engine { return m.e }

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Grid returns the world grid.
func (m *Model) Grid() *sim.Grid { return m.grid }

// Ledger returns the carbon flows of the last tick.
func (m *Model) Ledger() Ledger { return m.ledger }

// KindOf returns the kind of agent id.
func (m *Model) KindOf(id int32) Kind { return m.kind[id] }

func (m *Model) register(k Kind, idx int) {
	m.kind = append(m.kind, k)
	m.index = append(m.index, int32(idx))
}

func (m *Model) tree(id int32) *Tree     { return m.trees.At(m.index[id]) }
func (m *Model) fungus(id int32) *Fungus { return m.fungi.At(m.index[id]) }
func (m *Model) ant(id int32) *Ant       { return m.ants.At(m.index[id]) }
func (m *Model) colony(id int32) *Colony { return &m.colonies[m.index[id]] }
func (m *Model) node(id int32) *Node     { return m.nodes.At(m.index[id]) }

// ApplyAgent commits the serial part of what agent id decided, after
// ApplyLocal asked for it; see sim.LocalApplier.
func (m *Model) ApplyAgent(e *sim.Engine, id int32, c *sim.Context) error {
	switch m.kind[id] {
	case KindTree:
		m.applyTree(id)
	case KindFungus:
		m.applyFungus(id)
	case KindAnt:
		m.applyAnt(id)
	case KindColony:
		m.applyColony(id, c)
	case KindNode:
		m.killNode(id, "starvation")
	}
	return nil
}

// blockLedger is one apply block's share of the tick's ledger, padded so
// that two blocks' partials never share a cache line.
type blockLedger struct {
	Ledger
	_ [64]byte
}

// PrepareBlocks clears one ledger partial per block; see sim.LocalApplier.
func (m *Model) PrepareBlocks(n int) {
	for len(m.parts) < n {
		m.parts = append(m.parts, blockLedger{})
	}
	clear(m.parts[:n])
}

// ApplyLocal commits the part of agent id's decision that touches only its
// own record and cell; see sim.LocalApplier.
func (m *Model) ApplyLocal(e *sim.Engine, id int32, c *sim.Context, block int) bool {
	l := &m.parts[block].Ledger
	switch m.kind[id] {
	case KindTree:
		return m.applyTreeLocal(m.tree(id), l)
	case KindFungus:
		return m.applyFungusLocal(m.fungus(id), l)
	case KindAnt:
		return m.applyAntLocal(m.ant(id))
	case KindNode:
		return m.applyNodeLocal(m.node(id), l)
	}
	return true
}

// MergeBlocks adds the blocks' ledgers to the tick's, in block order; see
// sim.LocalApplier.
func (m *Model) MergeBlocks(n int) {
	for i := range m.parts[:n] {
		p := &m.parts[i].Ledger
		m.ledger.Photosynthesis += p.Photosynthesis
		m.ledger.Respiration += p.Respiration
		m.ledger.Fruit += p.Fruit
		m.ledger.Litter += p.Litter
		m.ledger.TransportLoss += p.TransportLoss
		m.ledger.Removed += p.Removed
	}
}

// MessageSent debits the sender; see sim.Model.
func (m *Model) MessageSent(e *sim.Engine, msg sim.Message, amount float64, lost bool) {
	m.sent(msg, amount, lost, &m.ledger)
}

// SentLocal debits the sender from the local apply of block; see
// sim.LocalApplier.
func (m *Model) SentLocal(e *sim.Engine, msg sim.Message, amount float64, lost bool, block int) {
	m.sent(msg, amount, lost, &m.parts[block].Ledger)
}

func (m *Model) sent(msg sim.Message, amount float64, lost bool, l *Ledger) {
	if msg.Kind != MsgCarbon {
		return
	}
	switch m.kind[msg.From] {
	case KindTree:
		m.tree(msg.From).debit += amount
	case KindFungus:
		m.fungus(msg.From).debit += amount
	case KindNode:
		m.node(msg.From).debit += amount
	}
	if lost {
		l.TransportLoss += amount
	}
}

// InboxKinds names the only messages an agent reads from its inbox, stress
// signals, which a fungus relays to its other partners; see
// sim.InboxReader. Carbon is credited as it arrives (Arrive), and nothing
// reads it from an inbox, so delivery files none of it.
func (m *Model) InboxKinds() []sim.MsgKind { return []sim.MsgKind{MsgSignal} }

// MessageArrived credits the recipient; see sim.Model.
func (m *Model) MessageArrived(e *sim.Engine, msg sim.Message) bool {
	if !m.Arriving(e, msg) {
		return false
	}
	m.Arrive(e, msg)
	return true
}

// Arriving books what an arrival changes beyond the recipient: carbon lost
// to a recipient that is gone or cannot hold it, and carbon moved across the
// network; see sim.ArrivalSplitter.
func (m *Model) Arriving(e *sim.Engine, msg sim.Message) bool {
	if !e.Alive(msg.To) {
		if msg.Kind != MsgSignal {
			m.ledger.TransportLoss += msg.Amount
		}
		return false
	}
	if msg.Kind == MsgSignal {
		return true
	}
	switch m.kind[msg.To] {
	case KindTree:
		if m.kind[msg.From] == KindFungus {
			m.tally.carbonMoved += msg.Amount
		}
	case KindFungus:
	case KindNode:
		m.tally.carbonMoved += msg.Amount
	default:
		m.ledger.TransportLoss += msg.Amount
		return false
	}
	return true
}

// Arrive credits the recipient of a message Arriving took: carbon to its
// store, or a warning to a tree; see sim.ArrivalSplitter.
func (m *Model) Arrive(e *sim.Engine, msg sim.Message) {
	switch m.kind[msg.To] {
	case KindTree:
		t := m.tree(msg.To)
		if msg.Kind == MsgSignal {
			t.WarnedUntil = int32(e.Tick() + warnedFor)
		} else {
			t.Carbon += msg.Amount
		}
	case KindFungus:
		if msg.Kind != MsgSignal {
			m.fungus(msg.To).Carbon += msg.Amount
		}
	case KindNode:
		if msg.Kind != MsgSignal {
			m.node(msg.To).Carbon += msg.Amount
		}
	}
}

// EndTick runs the environment processes, then fire, pests and failures.
func (m *Model) EndTick(e *sim.Engine) error {
	m.stepCells(e.Tick())
	m.stepFire(e.Tick())
	m.stepPest(e.Tick())
	m.stepFailures(e.Tick())
	return nil
}

// BeginTick resets the per-tick ledger and tally, which Indicators reads,
// and compacts the records of a kind once a quarter of them belong to the
// dead.
func (m *Model) BeginTick(e *sim.Engine) {
	m.ledger = Ledger{}
	m.tally = tally{}
	compactKind(m, KindTree, &m.trees, func(t *Tree) int32 { return t.ID })
	compactKind(m, KindFungus, &m.fungi, func(f *Fungus) int32 { return f.ID })
	compactKind(m, KindAnt, &m.ants, func(a *Ant) int32 { return a.ID })
	compactKind(m, KindNode, &m.nodes, func(n *Node) int32 { return n.ID })
}

// compactKind compacts kind k's records once more than a quarter belong to
// the dead: the copying stays a constant (four records) per death, and a
// kind's records never hold more than a third more than its living. The
// live records keep their order and the ID index follows them; a dead
// agent's index entry becomes -1, so that reading its record fails loudly.
// Records are only ever reached through the index, so where they sit
// changes no result.
func compactKind[T any](m *Model, k Kind, recs *sim.Pages[T], id func(*T) int32) {
	if m.deadRecs[k] <= recs.Len()/4 {
		return
	}
	recs.Compact(func(r *T) bool {
		rid := id(r)
		if !m.e.Alive(rid) {
			m.index[rid] = -1
			return false
		}
		return true
	}, func(r *T, i int32) { m.index[id(r)] = i })
	m.deadRecs[k] = 0
}

// die removes agent id, emitting its death with a cause.
func (m *Model) die(id int32, cause string, x, y int) {
	m.e.Kill(id)
	m.deadRecs[m.kind[id]]++
	m.e.Emit(sim.Event{Type: "death", Agent: id, Kind: m.kind[id].String(), Cause: cause, X: x, Y: y})
}

// TreeOf returns a copy of agent id's tree state; ok is false when id is not
// a live tree.
func (m *Model) TreeOf(id int32) (t Tree, ok bool) {
	if int(id) >= len(m.kind) || m.kind[id] != KindTree || !m.e.Alive(id) {
		return Tree{}, false
	}
	return *m.tree(id), true
}

// DecideBlock decides a block of agents in three passes: what every tree
// fixes (an exponential each, and its reads of the grid layers), then every
// agent's decision in ID order with that to hand, then the crown (a cube
// root) of every tree that grew. Each pass's chains of arithmetic and its
// memory reads are independent from one tree to the next, so they overlap;
// results are those of each agent's Decide, since the passes only reorder
// pure computations of different trees. Only the middle pass can panic; see
// sim.BlockDecider.
func (m *Model) DecideBlock(e *sim.Engine, ids []int32, cur *int32) {
	var photo [decideChunk]float64
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), decideChunk)]
		ids = ids[len(chunk):]
		for i, id := range chunk {
			if m.kind[id] == KindTree {
				photo[i] = m.treePhoto(m.tree(id))
			}
		}
		for i, id := range chunk {
			*cur = id
			if m.kind[id] == KindTree {
				m.decideTree(m.tree(id), e.Slot(id), photo[i])
			} else {
				e.Agent(id).Decide(e.Slot(id))
			}
		}
		for _, id := range chunk {
			if m.kind[id] == KindTree {
				m.treeCrown(m.tree(id))
			}
		}
	}
}

// decideChunk is how many agents DecideBlock takes through its passes at a
// time: enough for the overlap, few enough that their records stay in the
// nearest cache between passes.
const decideChunk = 256

// ReadAhead asks for what agent id's Decide reads first of the model's, and
// for the record and list of links of next, the agent after it, whose own
// read-ahead then reads them without waiting (sim.ReadAheader): for a tree,
// its cell's water and nutrients, the three rows of heights around it and
// the records of its fungi (their partner means); for a fungus, the records
// of its trees. It reads only what no Decide writes: a tree's place, the
// kinds and indexes of agents, their lists of links.
func (m *Model) ReadAhead(id, next int32) {
	var lines [24]uintptr
	n := 0
	if next >= 0 {
		var p, size uintptr
		switch m.kind[next] {
		case KindTree:
			p, size = uintptr(unsafe.Pointer(m.tree(next))), unsafe.Sizeof(Tree{})
		case KindFungus:
			p, size = uintptr(unsafe.Pointer(m.fungus(next))), unsafe.Sizeof(Fungus{})
		}
		if p != 0 {
			lines[0], lines[1] = p, p+size-1
			n = 2
		}
		if l := m.e.Net.Edges(next); len(l) > 0 {
			lines[n] = uintptr(unsafe.Pointer(&l[0]))
			n++
		}
	}
	const most = 8 // links read ahead, at most
	k := m.kind[id]
	if k == KindTree {
		t := m.tree(id)
		w := m.grid.W
		cell := m.grid.Index(t.at())
		lines[n] = uintptr(unsafe.Pointer(&m.water[cell]))
		lines[n+1] = uintptr(unsafe.Pointer(&m.nutrients[cell]))
		n += 2
		if lo, hi := cell-w-1, cell+w+1; lo >= 0 && hi < len(m.height) {
			for _, i := range [...]int{lo, cell - w + 1, cell - 1, cell + 1, cell + w - 1, hi} {
				lines[n] = uintptr(unsafe.Pointer(&m.height[i]))
				n++
			}
		}
	}
	if k == KindTree || k == KindFungus {
		// A tree reads its fungi's partner means, a fungus its trees'
		// stocks.
		for i, e := range m.e.Net.Edges(id) {
			if i == most {
				break
			}
			switch m.kind[e.Other] {
			case KindFungus:
				lines[n] = uintptr(unsafe.Pointer(&m.fungus(e.Other).PartnerMean))
				n++
			case KindTree:
				lines[n] = uintptr(unsafe.Pointer(&m.tree(e.Other).Biomass))
				n++
			}
		}
	}
	prefetch.Lines(lines[:n])
}
