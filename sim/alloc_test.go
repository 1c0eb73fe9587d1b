package sim_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// mallocs reads, at two ticks, the heap's allocation count, the links, the
// messages sent and the split deliveries so far, and counts the births
// between them.
type mallocs struct {
	e           *sim.Engine
	from, to    int
	at          [2]uint64
	links, sent [2]float64
	splits      [2]int
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
	o.splits[k] = sim.SplitDeliveries(o.e)
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
// on one core and two; and the topology grown to 12,000 nodes, whose
// 20,000-odd messages a tick are delivered split over bands of recipients.
// What a tick may allocate is for what is new: a newborn's buffers, a new
// link.
func TestSteadyTicksAllocateNothing(t *testing.T) {
	type world struct {
		name    string
		sets    []string
		workers []int
		split   bool
	}
	worlds := []world{
		{"forest", []string{"ticks=150", "failures=[]", "ants.colonies=[]", "fungi.count=0",
			"trees.species[0].seed_rate=0", "trees.species[1].seed_rate=0",
			"trees.species[0].max_age=100000", "trees.species[1].max_age=100000"}, []int{1, 2}, false},
		{"topology", []string{"ticks=150", "failures=[]"}, []int{1, 2}, false},
		{"topology", []string{"ticks=60", "failures=[]", "network.nodes=12000",
			"world.width=120", "world.height=120"}, []int{2}, true},
	}
	for _, w := range worlds {
		s, err := scenarios.Load(w.name, w.sets)
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
			if w.split && mode == sim.ModeActors && raceEnabled {
				continue // 12,000 goroutines: more than the race detector takes
			}
			for _, workers := range w.workers {
				m, e, err := s.Build(mode, workers)
				if err != nil {
					t.Fatal(err)
				}
				o := &mallocs{e: e, from: s.Ticks - 20, to: s.Ticks, cols: map[string]int{}}
				if !w.split {
					o.from = s.Ticks - 50
				}
				for i, n := range m.IndicatorNames() {
					o.cols[n] = i
				}
				e.Observe(o)
				if err := e.Run(context.Background()); err != nil {
					t.Fatal(err)
				}
				if o.births != 0 || o.links[0] != o.links[1] {
					t.Fatalf("%s: %d births, links %v then %v: not a steady world", w.name, o.births, o.links[0], o.links[1])
				}
				if o.sent[1] == o.sent[0] && w.name == "topology" {
					t.Fatalf("%s: no messages sent", w.name)
				}
				if split := o.splits[1] - o.splits[0]; w.split != (split == o.to-o.from) {
					t.Fatalf("%s, %v: %d of ticks %d-%d delivered split, want split %v", w.name, mode, split, o.from+1, o.to, w.split)
				}
				// The runtime itself may allocate now and then: a
				// parked goroutine's record of its wait, when its core's
				// cache of them is empty; the scavenger's timer. Seen
				// at most once over the window. The engine's own
				// closures were 7 a tick, outboxes growing 28 over 50.
				if n := o.at[1] - o.at[0]; n > runtimeSlack {
					t.Errorf("%s, %v, %d workers: %d allocations over ticks %d-%d", w.name, mode, workers, n, o.from+1, o.to)
				}
			}
		}
	}
}
