package agents_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// mallocs reads the heap's allocation count, the links and the messages
// sent at two ticks, and counts the births between them.
type mallocs struct {
	from, to    int
	at          [2]uint64
	links, sent [2]float64
	births      int
	cols        map[string]int
}

func (o *mallocs) Tick(tick int, row []float64) error {
	if tick != o.from && tick != o.to {
		return nil
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	k := min(tick-o.from, 1)
	o.at[k], o.links[k], o.sent[k] = ms.Mallocs, row[o.cols["links"]], row[o.cols["messages_sent"]]
	return nil
}

func (o *mallocs) Event(ev sim.Event) error {
	if ev.Type == "birth" && ev.Tick > o.from && ev.Tick <= o.to {
		o.births++
	}
	return nil
}

// runtimeSlack is how many allocations over a steady window are left to
// the runtime's own bookkeeping.
const runtimeSlack = 3

// TestSteadyTicksAllocateNothing checks that a tick allocates nothing once
// a world's buffers have grown to what it needs: the forest's trees
// without births, deaths of age, fungi or ants, and the topology's nodes
// passing carbon over a network that no longer changes, in both modes and
// on one core and two. What a tick may allocate is for what is new: a
// newborn's buffers, a new link.
func TestSteadyTicksAllocateNothing(t *testing.T) {
	worlds := map[string][]string{
		"forest": {"ticks=150", "failures=[]", "ants.colonies=[]", "fungi.count=0",
			"trees.species[0].seed_rate=0", "trees.species[1].seed_rate=0",
			"trees.species[0].max_age=100000", "trees.species[1].max_age=100000"},
		"topology": {"ticks=150", "failures=[]"},
	}
	for name, sets := range worlds {
		s, err := scenarios.Load(name, sets)
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
			for _, workers := range []int{1, 2} {
				m, e, err := s.Build(mode, workers)
				if err != nil {
					t.Fatal(err)
				}
				o := &mallocs{from: s.Ticks - 50, to: s.Ticks, cols: map[string]int{}}
				for i, n := range m.IndicatorNames() {
					o.cols[n] = i
				}
				e.Observe(o)
				if err := e.Run(context.Background()); err != nil {
					t.Fatal(err)
				}
				if o.births != 0 || o.links[0] != o.links[1] {
					t.Fatalf("%s: %d births, links %v then %v: not a steady world", name, o.births, o.links[0], o.links[1])
				}
				if o.sent[1] == o.sent[0] && name == "topology" {
					t.Fatalf("%s: no messages sent", name)
				}
				// The runtime itself may allocate now and then: a
				// parked goroutine's record of its wait, when its core's
				// cache of them is empty; the scavenger's timer. Seen
				// at most once over the 50 ticks. The engine's own
				// closures were 7 a tick, outboxes growing 28 over them.
				if n := o.at[1] - o.at[0]; n > runtimeSlack {
					t.Errorf("%s, %v, %d workers: %d allocations over ticks %d-%d", name, mode, workers, n, o.from+1, o.to)
				}
			}
		}
	}
}
