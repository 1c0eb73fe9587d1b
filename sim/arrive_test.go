package sim

import (
	"context"
	"math"
	"sync/atomic"
	"testing"
)

// hopper sends hops messages a tick to agents far apart in ID, so arrivals
// cross many bands, and folds its inbox in order: a different order of
// arrivals at one agent gives a different fold.
type hopper struct{ fold float64 }

func (h *hopper) Decide(c *Context) {
	for _, m := range c.Inbox {
		h.fold = h.fold*1.0000001 + m.Amount
	}
	for k := range int32(hops) {
		c.Send(hop(c.ID, k), 1, 1+float64(c.ID%97)/97+c.Rand.Float64())
	}
}

// hop is the k-th agent id sends to, over a link runSplit makes.
func hop(id, k int32) int32 { return (id*7919 + k*4999 + 1) % hoppers }

// hoppers is enough agents for several bands of recipients, and, with hops
// messages each, enough for delivery to be split even after the toy's kills.
const hoppers, hops = 5 << arriveShift, 4

// splitToy books a shared sum in Arriving and a per-recipient fold in
// Arrive, and turns away messages to every 13th agent, so both halves and
// the lost path are exercised.
type splitToy struct {
	toy
	moved           float64
	got             []float64 // by recipient: its arrivals folded in order
	serial, arrives atomic.Int64
}

func (s *splitToy) Arriving(_ *Engine, m Message) bool {
	if m.To%13 == 0 {
		return false
	}
	s.moved += m.Amount
	return true
}

func (s *splitToy) Arrive(_ *Engine, m Message) {
	s.arrives.Add(1)
	s.got[m.To] = s.got[m.To]*1.0000001 + m.Amount
}

func (s *splitToy) MessageArrived(e *Engine, m Message) bool {
	s.serial.Add(1)
	if !s.Arriving(e, m) {
		return false
	}
	s.Arrive(e, m)
	return true
}

func (s *splitToy) IndicatorNames() []string { return []string{"moved", "got", "inboxes"} }
func (s *splitToy) Indicators(e *Engine, row []float64) {
	var got, folds float64
	for id, g := range s.got {
		got += g
		folds += e.Agent(int32(id)).(*hopper).fold
	}
	row[0], row[1], row[2] = s.moved, got, folds
}

func runSplit(t *testing.T, mode Mode, workers int) ([][]float64, Counts, *splitToy) {
	t.Helper()
	m := &splitToy{got: make([]float64, hoppers)}
	e := NewEngine(Config{Seed: 3, Ticks: 12, Mode: mode, Workers: workers, Transport: TransportConfig{Latency: 1}}, m)
	for range hoppers {
		e.Net.AddNode(e.Spawn(&hopper{}))
	}
	for id := range int32(hoppers) {
		for k := range int32(hops) {
			e.Net.AddLink(id, hop(id, k))
		}
	}
	r := &rows{}
	e.Observe(r)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r.got, e.Transport.Counts(), m
}

// TestArrivalSplitter: delivering over bands of recipients at once gives the
// rows, inbox orders and message counts of the serial delivery, and is the
// path taken when there are helpers and enough messages.
func TestArrivalSplitter(t *testing.T) {
	want, wantCounts, serial := runSplit(t, ModeShards, 1)
	if serial.serial.Load() == 0 || wantCounts.Lost == 0 || wantCounts.Delivered == 0 {
		t.Fatalf("serial run: %d MessageArrived calls, counts %+v", serial.serial.Load(), wantCounts)
	}
	if last := want[len(want)-1]; last[0] == 0 || last[2] == 0 {
		t.Fatalf("nothing arrived: %v", last)
	}
	for _, c := range []struct {
		mode    Mode
		workers int
	}{{ModeShards, 2}, {ModeShards, 4}, {ModeActors, 3}} {
		got, counts, m := runSplit(t, c.mode, c.workers)
		if m.serial.Load() != 0 || m.arrives.Load() == 0 {
			t.Fatalf("%s/%d: the split path was not taken (%d serial calls)", c.mode, c.workers, m.serial.Load())
		}
		if counts != wantCounts {
			t.Fatalf("%s/%d: counts %+v, serial %+v", c.mode, c.workers, counts, wantCounts)
		}
		for i := range want {
			for j := range want[i] {
				if math.Float64bits(got[i][j]) != math.Float64bits(want[i][j]) {
					t.Fatalf("%s/%d: row %d col %d: %v, serial %v", c.mode, c.workers, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}

// kindSender sends its neighbour one message of each of two kinds a tick
// and counts, by kind, what it finds in its inbox.
type kindSender struct{ seen [3]int }

func (k *kindSender) Decide(c *Context) {
	for _, m := range c.Inbox {
		k.seen[m.Kind]++
	}
	next := (c.ID + 1) % int32(senders)
	c.Send(next, 1, 1)
	c.Send(next, 2, 1)
}

// senders is enough agents, at two messages each, for a split delivery.
const senders = 3 << arriveShift

// readsOne is a splitToy whose agents read messages of kind 1 only.
type readsOne struct{ splitToy }

func (*readsOne) InboxKinds() []MsgKind         { return []MsgKind{1} }
func (*readsOne) IndicatorNames() []string      { return nil }
func (*readsOne) Indicators(*Engine, []float64) {}

// TestInboxKinds: a model that names the kinds its agents read has only
// those filed in their inboxes, on the serial path and split alike, while
// every message still arrives (the model sees it) and counts as delivered;
// a fork of the engine files the same kinds.
func TestInboxKinds(t *testing.T) {
	for _, split := range []bool{false, true} {
		m := &readsOne{splitToy{got: make([]float64, senders)}}
		const ticks = 5
		e := NewEngine(Config{Seed: 1, Ticks: ticks, Workers: 2, Transport: TransportConfig{Latency: 1}}, m)
		e.splitMin, e.splitAloneMin = math.MaxInt, math.MaxInt
		if split {
			e.splitMin, e.splitAloneMin = 0, 0
		}
		for range senders {
			e.Net.AddNode(e.Spawn(&kindSender{}))
		}
		for id := range int32(senders) {
			e.Net.AddLink(id, (id+1)%senders)
		}
		if err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if (e.splits > 0) != split {
			t.Fatalf("split %v: %d ticks' delivery split", split, e.splits)
		}
		counts := e.Transport.Counts()
		var seen [3]int
		for id := range int32(senders) {
			for k, n := range e.Agent(id).(*kindSender).seen {
				seen[k] += n
			}
		}
		// Messages to every 13th agent are turned away (splitToy).
		taken := senders - (senders+12)/13
		if seen[2] != 0 || seen[1] != (ticks-1)*taken {
			t.Fatalf("split %v: inboxes held %d of kind 1 and %d of kind 2; want %d and none", split, seen[1], seen[2], (ticks-1)*taken)
		}
		if counts.Delivered != int64(2*ticks*taken) {
			t.Fatalf("split %v: %d delivered, want both kinds' %d", split, counts.Delivered, 2*ticks*taken)
		}
		if f := e.Fork(m, func(a Agent) Agent { return a }); f.filed != e.filed {
			t.Fatalf("split %v: a fork files other kinds than its original", split)
		}
	}
}
