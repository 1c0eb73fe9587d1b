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
