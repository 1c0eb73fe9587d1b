package sim

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// lifelong checks, each time it decides, that its context is its own and
// carries on where it left off: its ID, the next draw of the stream (seed,
// ID) that a reference copy gives, and only messages addressed to it,
// however often its context has moved.
type lifelong struct {
	id  int32
	ref Stream
	bad error
}

func newLifelong(seed uint64, id int32) *lifelong {
	return &lifelong{id: id, ref: NewStream(seed, int64(id))}
}

func (a *lifelong) Decide(c *Context) {
	if a.bad != nil {
		return
	}
	if c.ID != a.id || len(c.Out) != 0 {
		a.bad = fmt.Errorf("agent %d decides with the context of %d, %d messages already out", a.id, c.ID, len(c.Out))
	}
	for _, m := range c.Inbox {
		if m.To != a.id {
			a.bad = fmt.Errorf("agent %d got a message for %d", a.id, m.To)
		}
	}
	if got, want := c.Rand.Float64(), a.ref.Float64(); got != want {
		a.bad = fmt.Errorf("agent %d drew %v, its stream gives %v", a.id, got, want)
	}
	for range 3 {
		c.Send(a.id^1, 1, 1)
	}
}

// turnover kills agents whose ID matches the tick modulo 3 and spawns one
// for each, so a long run hands out many more IDs than are alive at once.
type turnover struct {
	toy
	seed              uint64
	tick, kills, most int   // kills this tick, and the most in any tick
	bad               error // the first fault an agent found, checked as it dies
}

// Arriving and Arrive make turnover an ArrivalSplitter, so its delivery
// can take the split path, whose buffers are by band of IDs.
func (t *turnover) Arriving(*Engine, Message) bool { return true }
func (t *turnover) Arrive(*Engine, Message)        {}

func (t *turnover) Indicators(e *Engine, row []float64) {
	row[0], row[1] = 0, float64(len(e.Live()))
}

func (t *turnover) ApplyAgent(e *Engine, id int32, c *Context) error {
	if int(id)%3 == c.Tick%3 {
		if c.Tick != t.tick {
			t.tick, t.kills = c.Tick, 0
		}
		t.kills++
		t.most = max(t.most, t.kills)
		if a := e.Agent(id).(*lifelong); a.bad != nil && t.bad == nil {
			t.bad = a.bad
		}
		e.Kill(id)
		born := e.Spawn(newLifelong(t.seed, int32(e.NumAgents())))
		e.Net.AddNode(born)
		// Linked to the agent its messages go to, when that one is
		// alive, so links too are made and removed as agents die.
		e.Net.AddLink(born, born^1)
	}
	return nil
}

// TestContextsFollowTheLivePopulation: the contexts an engine holds follow
// its live population, not every ID it handed out, and a context that was
// moved carries its agent's state on unchanged.
func TestContextsFollowTheLivePopulation(t *testing.T) {
	for _, mode := range []Mode{ModeShards, ModeActors} {
		t.Run(mode.String(), func(t *testing.T) {
			const alive, seed = 60, 11
			m := &turnover{seed: seed}
			e := NewEngine(Config{Seed: seed, Ticks: 250, Mode: mode, Workers: 2, Transport: TransportConfig{Latency: 2, Capacity: 10}}, m)
			SplitDeliveryFrom(e, 1)
			for i := range int32(alive) {
				e.Net.AddNode(e.Spawn(newLifelong(seed, i)))
			}
			most := 0
			e.Observe(&tickFunc{fn: func() { most = max(most, e.contexts.Len()) }})
			if err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if e.NumAgents() < 10*alive {
				t.Fatalf("only %d IDs handed out", e.NumAgents())
			}
			// Compaction waits for a quarter of the contexts to be
			// the reaped agents', and a tick's births come before its
			// deaths are reaped.
			if limit := alive*4/3 + m.most + 1; most > limit {
				t.Fatalf("%d contexts held for %d live agents (at most %d dying in a tick), want at most %d", most, alive, m.most, limit)
			}
			if m.bad != nil {
				t.Fatal(m.bad)
			}
			livePages := map[int32]bool{}
			for id := range int32(e.NumAgents()) {
				if a, ok := e.Agent(id).(*lifelong); ok && a.bad != nil {
					t.Fatal(a.bad)
				}
				if !e.Alive(id) && e.Slot(id) != nil {
					t.Fatalf("reaped agent %d still has a slot", id)
				}
				if e.Alive(id) {
					livePages[id/PageLen] = true
				}
			}
			// The tables by ID hold the pages of live agents only; the
			// rest, with every agent in them reaped, were let go.
			for name, held := range map[string]int{"agents": heldPages(&e.agents),
				"network": heldPages(&e.Net.adj)} {
				if held > len(livePages) {
					t.Errorf("%s: %d pages of IDs held, %d with live agents", name, held, len(livePages))
				}
			}
			// And the tables by link hold the pages of links not
			// removed, and the last page, still being filled.
			linkPages := map[int32]bool{int32(e.Net.NumLinks()-1) / PageLen: true}
			for li := range e.Net.Live() {
				linkPages[li/PageLen] = true
			}
			if e.Net.NumLinks() < 3*PageLen {
				t.Fatalf("only %d links made", e.Net.NumLinks())
			}
			if held := heldPages(&e.Net.links); held > len(linkPages) {
				t.Errorf("%d pages of links held, %d with links not removed", held, len(linkPages))
			}
			// A band of arrivals whose IDs were all handed out and
			// reaped holds no buffer.
			if SplitDeliveries(e) == 0 {
				t.Fatal("delivery never split")
			}
			for b, buf := range e.arrivals {
				lo, hi := int32(b)<<arriveShift, int32(b+1)<<arriveShift
				if buf == nil || int(hi) > e.NumAgents() {
					continue
				}
				if !slices.ContainsFunc(e.Live(), func(id int32) bool { return id >= lo && id < hi }) {
					t.Errorf("band %d (IDs %d to %d, all reaped) holds a buffer of %d arrivals", b, lo, hi-1, cap(buf))
				}
			}
		})
	}
}

// heldPages counts the pages p holds, dropped ones not counted.
func heldPages[T any](p *Pages[T]) int {
	n := 0
	for _, pg := range p.pages {
		if pg != nil {
			n++
		}
	}
	return n
}

// tickFunc is an observer that calls fn on every row.
type tickFunc struct{ fn func() }

func (o *tickFunc) Tick(int, []float64) error { o.fn(); return nil }
func (o *tickFunc) Event(Event) error         { return nil }
