package agents

import (
	"fmt"

	"github.com/ecosim/ecosim/sim"
)

// failureState is what a failure remembers between ticks.
type failureState struct {
	active bool
}

// windowEnd is the first tick after a failure's window (At+Duration), or
// never (a tick past any run) for Duration 0.
func windowEnd(f *Failure) int {
	if f.Duration == 0 {
		return int(^uint(0) >> 1)
	}
	return f.At + f.Duration
}

// strikes reports whether a one-shot or repeating failure strikes at tick t.
func strikes(f *Failure, t int) bool {
	if t == f.At {
		return true
	}
	return f.Every > 0 && t > f.At && t < windowEnd(f) && (t-f.At)%f.Every == 0
}

// stepFailures fires the failures due at tick t and ends the windows that
// close at t, in the order the scenario lists them.
func (m *Model) stepFailures(t int) {
	for i := range m.cfg.Failures {
		f := &m.cfg.Failures[i]
		switch f.Kind {
		case FailPartition, FailMessageLoss, FailLatency, FailDrought, FailBarrier:
			m.stepWindow(i, f, t)
		case FailKill, FailCutLinks, FailBlight, FailFire, FailPest:
			// Fire and pest have no `every` (the validator refuses it), so
			// they strike once, at At; after that they spread by themselves.
			if strikes(f, t) {
				m.strike(i, f, t)
			}
		}
	}
}

func (m *Model) strike(i int, f *Failure, t int) {
	rng := m.failureStream(i, t)
	hit := 0
	switch f.Kind {
	case FailKill:
		hit = m.kill(f, &rng)
	case FailCutLinks:
		hit = m.cutLinks(f, &rng)
	case FailBlight:
		hit = m.blight(f, &rng)
	case FailFire:
		hit = m.ignite(f, &rng)
	case FailPest:
		hit = m.infest(f, &rng)
	}
	m.e.Emit(sim.Event{Type: "failure", Kind: f.Kind, Cause: describeFailure(f), Other: int32(i), Value: float64(hit)})
}

func describeFailure(f *Failure) string {
	switch f.Kind {
	case FailKill:
		return fmt.Sprintf("%s by %s", f.Target, f.Select)
	case FailCutLinks:
		return "links by " + f.Select
	case FailFire:
		return "ignite " + f.Ignite
	}
	return f.Kind
}

// stepWindow starts a windowed failure at At and ends it at At+Duration.
func (m *Model) stepWindow(i int, f *Failure, t int) {
	st := &m.fstate[i]
	switch {
	case t == f.At && !st.active:
		st.active = true
		m.setWindow(f, true)
		m.e.Emit(sim.Event{Type: "failure", Kind: f.Kind, Cause: "start", Other: int32(i)})
	case st.active && t >= windowEnd(f):
		st.active = false
		m.setWindow(f, false)
		m.e.Emit(sim.Event{Type: "restore", Kind: f.Kind, Other: int32(i)})
	case st.active && f.Kind == FailPartition:
		m.partition(f, true) // links made since the start are cut too
	case st.active && f.Kind == FailBarrier:
		m.barrier(f, true) // pheromone that diffused in is wiped again
	}
}

func (m *Model) setWindow(f *Failure, on bool) {
	tc := &m.e.Transport.Config
	switch f.Kind {
	case FailPartition:
		m.partition(f, on)
	case FailMessageLoss:
		tc.Loss = m.cfg.Network.Loss
		if on {
			tc.Loss = f.Rate
		}
	case FailLatency:
		tc.Latency = m.cfg.Network.Latency
		if on {
			tc.Latency += f.Extra
		}
	case FailDrought:
		m.DroughtFactor = 1
		if on {
			m.DroughtFactor = 1 - f.Severity
		}
	case FailBarrier:
		m.barrier(f, on)
	}
}

// barrier marks the region's cells blocked (or clear again) and wipes
// their pheromone while it stands.
func (m *Model) barrier(f *Failure, on bool) {
	if m.blocked == nil {
		m.blocked = make([]bool, m.grid.Cells())
	}
	for y := range m.grid.H {
		for x := range m.grid.W {
			if !f.Region.Contains(x, y) {
				continue
			}
			c := m.grid.Index(x, y)
			m.blocked[c] = on
			if on {
				for _, l := range m.pher {
					l[c] = 0
				}
			}
		}
	}
}

// partition sets down (or back up) every live link whose ends lie on
// different sides of the line, or one inside the region and one outside.
func (m *Model) partition(f *Failure, down bool) {
	side := func(id int32) bool {
		x, y, _ := m.position(id)
		if f.Region.Set() {
			return f.Region.Contains(x, y)
		}
		if f.Line.Axis == "x" {
			return x < f.Line.At
		}
		return y < f.Line.At
	}
	for li, l := range m.e.Net.Live() {
		if side(l.A) != side(l.B) && l.Down != down {
			m.e.Net.SetDown(li, down)
		}
	}
}

// kill removes the selected targets; hubs and central recount after every
// removal when the attack is adaptive.
func (m *Model) kill(f *Failure, rng *sim.Stream) int {
	ids := m.targets(f)
	n := howMany(f, len(ids))
	var victims []int32
	switch {
	case f.Select == "random":
		victims = shuffled(ids, n, rng)
	case f.Select == "region":
		victims = shuffled(ids, n, rng)
	case f.Adaptive && (f.Select == "hubs" || f.Select == "central"):
		for range n {
			ids = m.targets(f)
			if len(ids) == 0 {
				break
			}
			v := ranked(ids, m.score(f.Select))[0]
			m.killAgent(v, "failure")
		}
		return n
	default:
		victims = ranked(ids, m.score(f.Select))[:n]
	}
	for _, v := range victims {
		m.killAgent(v, "failure")
	}
	return len(victims)
}

// killAgent kills any agent through its kind's own death, so carbon goes to
// litter and counts stay right.
func (m *Model) killAgent(id int32, cause string) {
	if !m.e.Alive(id) {
		return
	}
	switch m.kind[id] {
	case KindTree:
		m.killTree(id, cause)
	case KindFungus:
		m.killFungus(id, cause)
	case KindNode:
		m.killNode(id, cause)
	case KindAnt:
		m.killAnt(id, cause)
	case KindColony:
		c := m.colony(id)
		m.die(id, cause, c.X, c.Y)
	}
}

// cutLinks removes links chosen at random or by edge betweenness.
func (m *Model) cutLinks(f *Failure, rng *sim.Stream) int {
	var live []int32
	for li := range m.e.Net.Live() {
		live = append(live, li)
	}
	n := howMany(f, len(live))
	var cut []int32
	if f.Select == "central" {
		_, eb := m.e.Net.Betweenness()
		cut = ranked(live, func(li int32) float64 { return eb[li] })[:n]
	} else {
		cut = shuffled(live, n, rng)
	}
	for _, li := range cut {
		l := m.e.Net.Link(li)
		m.e.Net.RemoveLink(li)
		m.e.Emit(sim.Event{Type: "unlink", Agent: l.A, Other: l.B, Cause: "failure"})
	}
	return len(cut)
}

// blight kills (severity 1) or weakens the selected fungal genets; the
// carbon it takes is booked as removed.
func (m *Model) blight(f *Failure, rng *sim.Stream) int {
	ids := m.liveOfKind(KindFungus, f.Region)
	victims := shuffled(ids, howMany(f, len(ids)), rng)
	for _, id := range victims {
		if f.Severity >= 1 {
			m.killFungus(id, "blight")
			continue
		}
		fu := m.fungus(id)
		loss := float64(fu.Carbon * f.Severity)
		fu.Carbon -= loss
		m.ledger.Removed += loss
	}
	return len(victims)
}
