package sim

import (
	"iter"
	"unsafe"

	"github.com/ecosim/ecosim/internal/prefetch"
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
// on 1 and 2 cores it has been faster than actors at every size from a few
// thousand to 100,000 agents in every sitting, 1.4–2.6 times since actors
// mode's goroutines became coroutines (BENCHMARKS.md), and the mode never
// changes results.
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
		s := &shards{e: e}
		s.blockFn, s.runFn = s.decideBlock, s.decideRun
		return s
	}
	a := &actors{e: e}
	a.ra, _ = e.model.(ReadAheader)
	a.runFn = a.driveRun
	return a
}

// ReadAheader is a Model that can ask for the memory an agent's Decide
// reads first. In actors mode an agent's goroutine runs between two
// switches, after every other goroutine's stack has been through the
// caches, and its Decide would wait for each line of the model's records
// and cells in turn; before the driver of a run resumes an agent, it calls
// ReadAhead for the agent after it, whose Decide starts only once this
// one's has ended, so the lines arrive in the meantime. Shards mode does
// not call it: there a block's agents are read in order, which the
// processor reads ahead by itself.
type ReadAheader interface {
	Model
	// ReadAhead asks for the cache lines agent id's Decide reads first
	// (internal/prefetch), and for the record of next, the agent after it
	// (-1 if none), so that next's own ReadAhead finds that record in the
	// cache when it reads where the rest lies. It runs on the goroutine
	// that drives id's run, just before that goroutine resumes the agent
	// before id, while other runs' agents decide, and must neither change
	// anything nor read what another agent's Decide may write.
	ReadAhead(id, next int32)
}

// actors backs every live agent by its own goroutine, a coroutine
// (iter.Pull) that decides once each time it is resumed and then yields,
// and exits when the agent dies or the run ends. A tick's live list is cut
// into runs that the pool's goroutines take, one per core at a time; each
// resumes the agents of its run in turn, so each core goes through
// neighbouring agents in live order, as a shard does, and their records,
// cells and goroutines (started in that order) are read as they lie in
// memory. Resuming a coroutine switches straight to its goroutine and back,
// with no channel, run queue or search for an idle core in between. Each
// agent's goroutine used to wake the next one of its run over a channel:
// the runtime then took its scheduler's lock at every wake-up, looking for
// an idle core, and on 2 cores that lock's line passed between the cores
// at every agent. Measured (BENCHMARKS.md), the coroutines took a fifth
// and a quarter off the forest's tick at 100,000 agents on 1 and 2 cores,
// and 14% and 36% at 10,000; the empty agents' floor fell by a third to
// two thirds. Before it resumes an agent, the driver asks for the next
// one's stack, descriptor and context (readAhead), which then arrive while
// the agent decides.
type actors struct {
	e      *Engine
	ra     ReadAheader               // nil unless the model is one
	resume []func() (struct{}, bool) // by agent ID
	stop   []func()                  // by agent ID
	sp     []uintptr                 // by agent ID: where its goroutine's stack was last seen
	g      []uintptr                 // by agent ID: its goroutine's descriptor, 0 until it has run
	live   []int32                   // the live list of the tick being decided
	run    int32                     // agents per run this tick
	runFn  func(r int)               // driveRun, bound once: a method value made each tick would be allocated
}

// runsPerCore is how many runs a tick has per core, so that a core that
// finishes early takes a whole run from another.
const runsPerCore = 8

func (a *actors) start(id int32) {
	for int(id) >= len(a.resume) {
		a.resume = append(a.resume, nil)
		a.stop = append(a.stop, nil)
		a.sp = append(a.sp, 0)
		a.g = append(a.g, 0)
	}
	a.resume[id], a.stop[id] = iter.Pull(func(yield func(struct{}) bool) {
		for {
			if a.g[id] == 0 {
				a.g[id] = prefetch.Goroutine()
			}
			var here byte
			a.sp[id] = uintptr(unsafe.Pointer(&here))
			a.e.decideOne(id)
			if !yield(struct{}{}) {
				return
			}
		}
	})
}

// readAhead asks for what the agent at position pos touches first when it
// is resumed: its goroutine's descriptor and the top of its stack, its
// context and outbox, and from a ReadAheader the model's records.
func (a *actors) readAhead(pos, end int32) {
	id := a.live[pos]
	var lines [stackLines + gLines + 3]uintptr
	sp, g := a.sp[id], a.g[id]
	for k := range stackLines {
		lines[k] = sp - uintptr(k)*64
	}
	for k := range gLines {
		lines[stackLines+k] = g + uintptr(k)*64
	}
	ctx := a.e.slots[id]
	c := uintptr(unsafe.Pointer(ctx))
	n := stackLines + gLines
	lines[n], lines[n+1] = c, c+64
	n += 2
	if o := ctx.Out; cap(o) > 0 {
		lines[n] = uintptr(unsafe.Pointer(unsafe.SliceData(o)))
		n++
	}
	prefetch.Lines(lines[:n])
	if a.ra != nil {
		next := int32(-1)
		if pos+1 < end {
			next = a.live[pos+1]
		}
		a.ra.ReadAhead(id, next)
	}
}

// stackLines is how many cache lines of a goroutine's stack readAhead
// asks for, from where the goroutine last saw it down: 1 KiB. A tree's
// decide goes about 784 bytes deep below that point.
const stackLines = 16

// gLines is how many cache lines of a goroutine's descriptor readAhead
// asks for: all of it, 480 bytes in this runtime.
const gLines = 8

// driveRun resumes the agents of run r in turn.
func (a *actors) driveRun(r int) {
	lo := int32(r) * a.run
	end := min(lo+a.run, int32(len(a.live)))
	for pos := lo; pos < end; pos++ {
		if pos+1 < end {
			a.readAhead(pos+1, end)
		}
		a.resume[a.live[pos]]()
	}
}

func (a *actors) decide(live []int32) {
	for _, id := range live {
		if int(id) >= len(a.resume) || a.resume[id] == nil {
			a.start(id)
		}
	}
	a.live = live
	runs := int32(runsPerCore * a.e.pool.workers())
	a.run = max(1, (int32(len(live))+runs-1)/runs)
	nr := (len(live) + int(a.run) - 1) / int(a.run)
	a.e.pool.run(nr, a.runFn)
}

func (a *actors) retire(id int32) {
	if int(id) < len(a.stop) && a.stop[id] != nil {
		a.stop[id]()
		a.resume[id], a.stop[id] = nil, nil
	}
}

func (a *actors) close() {
	for id := range a.stop {
		a.retire(int32(id))
	}
}

// shards splits the live list into fixed blocks that the engine's pool
// hands out in turn; the engine's goroutine works too, rather than waiting.
type shards struct {
	e *Engine
	// The tick's block decider and live list, and the steps that decide
	// block b of it, bound once: a closure over them would be a heap
	// allocation every tick.
	bd             BlockDecider
	live           []int32
	blockFn, runFn func(b int)
}

// shardBlock is the number of agents per block: large enough that handing
// out blocks costs nothing measurable, small enough to balance two cores.
const shardBlock = 256

func (s *shards) decide(live []int32) {
	nb := (len(live) + shardBlock - 1) / shardBlock
	s.live = live
	if bd, ok := s.e.model.(BlockDecider); ok {
		s.e.cursors = grow32(s.e.cursors, nb*cursorStride)
		s.bd = bd
		s.e.pool.run(nb, s.blockFn)
		return
	}
	s.e.pool.run(nb, s.runFn)
}

// block returns block b of the tick's live list.
func (s *shards) block(b int) []int32 {
	return s.live[b*shardBlock : min((b+1)*shardBlock, len(s.live))]
}

func (s *shards) decideBlock(b int) { s.e.decideBlock(s.bd, b, s.block(b)) }

func (s *shards) decideRun(b int) { s.e.decideRun(s.block(b)) }

func (s *shards) retire(int32) {}

func (s *shards) close() {}
