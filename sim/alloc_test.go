package sim_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/internal/racebuild"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// mallocs reads, at two ticks, the allocations the program has made for
// itself (ownAllocs), the links, the messages sent and the split
// deliveries so far, and counts the births between them.
type mallocs struct {
	e           *sim.Engine
	from, to    int
	at          [2]int64
	links, sent [2]float64
	splits      [2]int
	births      int
	cols        map[string]int
	recs        []runtime.MemProfileRecord // ownAllocs' room, made before the run
}

func (o *mallocs) Tick(tick int, row []float64) error {
	if tick != o.from && tick != o.to {
		return nil
	}
	k := min(tick-o.from, 1)
	n, err := ownAllocs(o.recs)
	o.at[k], o.links[k], o.sent[k] = n, row[o.cols["links"]], row[o.cols["messages_sent"]]
	o.splits[k] = sim.SplitDeliveries(o.e)
	return err
}

func (o *mallocs) Event(ev sim.Event) error {
	if ev.Type == "birth" && ev.Tick > o.from && ev.Tick <= o.to {
		o.births++
	}
	return nil
}

// ownAllocs counts the heap objects the program has allocated for itself
// so far, from the memory profile (which must record every allocation:
// runtime.MemProfileRate 1), read into recs. It runs two collections first,
// since the profile holds what was allocated before the last but one.
// Left out are the runtime's own allocations, which come and go with the
// machine's load: those made by no code outside the runtime (its timers,
// its scavenger), a parked goroutine's record of its wait (acquireSudog),
// made when its core's cache of them is empty, as a collection leaves it,
// and the caches behind type assertions and switches. Counted with the
// rest, from the heap's total, they were at most 1 over a window on an
// idle machine and 5 on a loaded one. Left out too is what the count
// itself allocates, to walk the stacks.
func ownAllocs(recs []runtime.MemProfileRecord) (int64, error) {
	runtime.GC()
	runtime.GC()
	n, ok := runtime.MemProfile(recs, true)
	if !ok {
		return 0, fmt.Errorf("the memory profile has %d stacks, more than the %d made room for", n, len(recs))
	}
	var total int64
	for _, r := range recs[:n] {
		if ownStack(r.Stack()) {
			total += r.AllocObjects
		}
	}
	return total, nil
}

// ownStack reports whether an allocation with this stack was the
// program's own (ownAllocs).
func ownStack(stack []uintptr) bool {
	own, frames := false, runtime.CallersFrames(stack)
	for {
		f, more := frames.Next()
		switch f.Function {
		case "runtime.acquireSudog", "runtime.buildTypeAssertCache", "runtime.buildInterfaceSwitchCache",
			"github.com/ecosim/ecosim/sim_test.ownAllocs", "github.com/ecosim/ecosim/sim_test.ownStack":
			return false // the runtime's, or this count's own
		}
		own = own || !strings.HasPrefix(f.Function, "runtime.")
		if !more {
			return own
		}
	}
}

// TestSteadyTicksAllocateNothing checks that a tick allocates nothing once
// a world's buffers have grown to what it needs: the forest's trees
// without births, deaths of age, fungi or ants, and the topology's nodes
// passing carbon over a network that no longer changes, in both modes and
// on one core and two; and the topology grown to 12,000 nodes, whose
// 20,000-odd messages a tick are delivered split over bands of recipients.
// What a tick may allocate is for what is new: a newborn's buffers, a new
// link.
func TestSteadyTicksAllocateNothing(t *testing.T) {
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
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
			if w.split && mode == sim.ModeActors && racebuild.Enabled {
				continue // 12,000 goroutines: more than the race detector takes
			}
			for _, workers := range w.workers {
				m, e, err := s.Build(mode, workers)
				if err != nil {
					t.Fatal(err)
				}
				o := &mallocs{e: e, from: s.Ticks - 20, to: s.Ticks, cols: map[string]int{},
					recs: make([]runtime.MemProfileRecord, 1<<16)}
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
				// The engine's own closures were 7 a tick, outboxes
				// growing 28 over 50 ticks.
				if n := o.at[1] - o.at[0]; n != 0 {
					t.Errorf("%s, %v, %d workers: %d allocations over ticks %d-%d", w.name, mode, workers, n, o.from+1, o.to)
				}
			}
		}
	}
}
