package sim

import (
	"runtime"
	"sync"
)

// Mode is how the decide phase is scheduled.
type Mode int

const (
	// ModeActors backs every live agent by its own goroutine.
	ModeActors Mode = iota
	// ModeShards runs agents in fixed blocks on a pool of workers.
	ModeShards
)

// String returns the mode's name as used on the command line.
func (m Mode) String() string {
	if m == ModeShards {
		return "shards"
	}
	return "actors"
}

// ParseMode reads "actors", "shards" or "auto". Auto picks shards: measured
// on 2 cores it is 2–3 times faster than actors at every size from a few
// thousand to 100,000 agents (BENCHMARKS.md), and the mode never changes
// results.
func ParseMode(s string) (Mode, bool) {
	switch s {
	case "actors":
		return ModeActors, true
	case "shards", "auto":
		return ModeShards, true
	}
	return ModeActors, false
}

type scheduler interface {
	decide(live []int32)
	retire(id int32)
	close()
}

func newScheduler(e *Engine) scheduler {
	if e.cfg.Mode == ModeShards {
		w := e.cfg.Workers
		if w <= 0 {
			w = runtime.GOMAXPROCS(0)
		}
		return newShards(e, w)
	}
	return &actors{e: e}
}

// actors wakes each agent's goroutine through its own channel; the goroutine
// runs one decide per wake and exits when the channel is closed.
type actors struct {
	e      *Engine
	wake   []chan struct{}
	done   sync.WaitGroup
	exited sync.WaitGroup
}

func (a *actors) start(id int32) chan struct{} {
	for int(id) >= len(a.wake) {
		a.wake = append(a.wake, nil)
	}
	ch := make(chan struct{}, 1)
	a.wake[id] = ch
	a.exited.Add(1)
	go func() {
		defer a.exited.Done()
		for range ch {
			a.e.decideOne(id)
			a.done.Done()
		}
	}()
	return ch
}

func (a *actors) decide(live []int32) {
	a.done.Add(len(live))
	for _, id := range live {
		var ch chan struct{}
		if int(id) < len(a.wake) {
			ch = a.wake[id]
		}
		if ch == nil {
			ch = a.start(id)
		}
		ch <- struct{}{}
	}
	a.done.Wait()
}

func (a *actors) retire(id int32) {
	if int(id) < len(a.wake) && a.wake[id] != nil {
		close(a.wake[id])
		a.wake[id] = nil
	}
}

func (a *actors) close() {
	for id := range a.wake {
		a.retire(int32(id))
	}
	a.exited.Wait()
}

// shards splits the live list into fixed blocks that the engine's goroutine
// and workers-1 others take in turn. Blocks are handed out by an atomic
// counter rather than a channel: the engine's goroutine works instead of
// waiting to hand out the next block, so no core idles while it waits to be
// scheduled.
type shards struct {
	e       *Engine
	workers int
}

// shardBlock is the number of agents per block: large enough that handing
// out blocks costs nothing measurable, small enough to balance two cores.
const shardBlock = 256

func newShards(e *Engine, workers int) *shards { return &shards{e: e, workers: workers} }

func (s *shards) decide(live []int32) {
	nb := (len(live) + shardBlock - 1) / shardBlock
	parallelForN(s.workers, nb, func(b int) {
		for _, id := range live[b*shardBlock : min((b+1)*shardBlock, len(live))] {
			s.e.decideOne(id)
		}
	})
}

func (s *shards) retire(int32) {}

func (s *shards) close() {}
