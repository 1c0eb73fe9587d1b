package sim

import (
	"runtime"
	"sync"
	"sync/atomic"
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
// on 1 and 2 cores it is 2.3–6.2 times faster than actors at every size from
// a few thousand to 100,000 agents (BENCHMARKS.md), and the mode never
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
	return a
}

// ReadAheader is a Model that can ask for the memory an agent's Decide
// reads first. In actors mode an agent's goroutine runs between two
// switches, after every other goroutine's stack has been through the
// caches, and its Decide would wait for each line of the model's records
// and cells in turn; each hand-off calls ReadAhead for the agent it wakes,
// whose Decide starts only once the waking agent's has ended, so the lines
// arrive in the meantime. Shards mode does not call it: there a block's
// agents are read in order, which the processor reads ahead by itself.
type ReadAheader interface {
	Model
	// ReadAhead asks for the cache lines agent id's Decide reads first
	// (internal/prefetch), and for the record of next, the agent after it
	// (-1 if none), so that next's own ReadAhead finds that record in the
	// cache when it reads where the rest lies. It runs on the goroutine of
	// the agent before id, during the decide phase, and must neither
	// change anything nor read what another agent's Decide may write.
	ReadAhead(id, next int32)
}

// actors backs every live agent by its own goroutine, parked on its own
// channel between ticks. A tick's wake-ups pass along runs of the live
// list: the engine wakes the first agent of each run, and each agent wakes
// the next one of its run before it decides. So the hand-offs are shared by
// every core instead of queueing behind the engine's goroutine, a woken
// goroutine usually runs next on the core that woke it, and each core goes
// through neighbouring agents in live order, as a shard does: their
// records, their cells and their goroutines (started in that order) are
// read as they lie in memory. Against chains that each took every
// (2 × cores)-th agent, this made the forest at 100k agents 6% faster on
// 1 core and 14% on 2 (BENCHMARKS.md). There are several runs per core so
// that a core that finishes early takes a whole run from the other, and
// the tick's end is not left to one long run. Before it wakes the next
// agent of its run, an agent asks for that one's stack and context
// (handOff), which then arrive while it decides.
type actors struct {
	e    *Engine
	ra   ReadAheader  // nil unless the model is one
	wake []chan int32 // by agent ID: the position in live to take
	sp   []uintptr    // by agent ID: where its goroutine's stack was last seen
	g    []uintptr    // by agent ID: its goroutine's descriptor, 0 until it has run
	live []int32      // the live list of the tick being decided
	run  int32        // agents per run of wake-ups this tick
	left []runLeft    // by run: its agents yet to decide this tick
	// runs counts the runs of the tick not yet done. Once fewer are left
	// than there are cores, a core is idle, and the pool's helpers are
	// woken then for the apply that follows (pool.ready).
	runs   atomic.Int32
	cores  int
	done   sync.WaitGroup
	exited sync.WaitGroup
}

// runsPerCore is how many runs of wake-ups a tick has per core: at 2 and 8
// the forest at 100k agents ran alike, and 8 bounds the wait at a tick's
// end by an eighth of one core's share.
const runsPerCore = 8

func (a *actors) start(id int32) {
	for int(id) >= len(a.wake) {
		a.wake = append(a.wake, nil)
		a.sp = append(a.sp, 0)
		a.g = append(a.g, 0)
	}
	ch := make(chan int32, 1)
	a.wake[id] = ch
	a.exited.Add(1)
	go func() {
		defer a.exited.Done()
		for pos := range ch {
			if a.g[id] == 0 {
				// A descriptor stays where it is for the
				// goroutine's life. Written once it runs, like
				// sp, so that a hand-off's read is ordered
				// before it.
				a.g[id] = prefetch.Goroutine()
			}
			// Where this stack is, for the agent before this one
			// next tick; as a number, which keeps nothing alive.
			a.sp[id] = uintptr(unsafe.Pointer(&pos))
			if a.follows(pos + 1) {
				a.handOff(pos + 1)
			}
			a.e.decideOne(id)
			if a.left[pos/a.run].n.Add(-1) == 0 {
				if a.runs.Add(-1) < int32(a.cores) {
					a.e.pool.ready()
				}
				a.done.Done()
			}
		}
	}()
}

// handOff wakes the agent at position pos of the live list, if there is
// one, having first asked for what it touches first when it runs: the top
// of its goroutine's stack, down to about as deep as a forest tree's
// decide goes, and its context. By the time the agent before it has
// decided they are in the cache. Switching to a goroutine finds its stack
// cold, since every other agent's stack has been through the cache since
// its last turn, and its decide then waits for each line of its frames in
// turn. Measured with the forest (BENCHMARKS.md), this took a quarter off
// a tick at 10,000 agents on 1 core and a sixth on 2, and a tenth at
// 100,000 agents. The stack's place is where the goroutine last saw it;
// the runtime may have moved the stack since, and then the prefetch is
// wasted, but a prefetch never faults, whatever the address.
//
// It also asks for the goroutine descriptor, the channel and the top line
// of the stack of the agent after that one, which the woken agent's own
// hand-off writes to at once, before anything could have fetched them: the
// runtime takes the lock in the channel, copies the position into the
// waiting goroutine's stack, where the lock's release then waits for the
// copy to land, and marks the descriptor runnable. The descriptor and
// channel took another quarter off the forest at 10,000 agents on 1 core,
// a seventh on 2, and a tenth and a sixth at 100,000 agents; the stack's
// top line another 4–6% (BENCHMARKS.md). The goroutine floor, which runs
// the same protocol, gained about as much from the first, nothing
// measurable from the second.
//
// It asks as well for the first line of the agent's outbox, where its
// sends go, and for the context of the agent after it, whose outbox the
// next hand-off then reads without waiting; and, from a model that is a
// ReadAheader, for what the agent's Decide reads first of the model's. At
// 100,000 agents on 1 core (BENCHMARKS.md) the model's read-ahead took a
// tenth off the forest's steady tick, and a sixth on 2 cores; the outbox
// and the next context another 4% on 1 core.
//
// The prefetches come before the wake: the agent writes its stack's place
// once it runs, and reading it before the wake orders the two.
func (a *actors) handOff(pos int32) {
	id := a.live[pos]
	var lines [stackLines + 3 + gLines + 5]uintptr
	sp := a.sp[id]
	for k := range stackLines {
		lines[k] = sp - uintptr(k)*64
	}
	ctx := a.e.slots[id]
	c := uintptr(unsafe.Pointer(ctx))
	lines[stackLines], lines[stackLines+1] = c, c+64
	n := stackLines + 2
	next := int32(-1) // the agent after id, for the model's read-ahead
	if o := ctx.Out; cap(o) > 0 {
		lines[n] = uintptr(unsafe.Pointer(unsafe.SliceData(o)))
		n++
	}
	if a.follows(pos + 1) {
		// The agent after next, which the one woken here wakes: what
		// that wake-up writes first.
		nid := a.live[pos+1]
		next = nid
		g := a.g[nid]
		for k := range gLines {
			lines[n+k] = g + uintptr(k)*64
		}
		// A channel is a pointer to the runtime's record of it; its
		// address is taken, nothing inside it read.
		ch := uintptr(*(*unsafe.Pointer)(unsafe.Pointer(&a.wake[nid])))
		lines[n+gLines], lines[n+gLines+1] = ch, ch+64
		lines[n+gLines+2] = a.sp[nid]
		nc := uintptr(unsafe.Pointer(a.e.slots[nid]))
		lines[n+gLines+3], lines[n+gLines+4] = nc, nc+64
		n += gLines + 5
	}
	prefetch.Lines(lines[:n])
	if a.ra != nil {
		a.ra.ReadAhead(id, next)
	}
	a.wake[id] <- pos
}

// follows reports whether position pos of the live list holds an agent
// that the one before it wakes (handOff): one that is not the first of its
// run, which the engine wakes.
func (a *actors) follows(pos int32) bool {
	return pos%a.run != 0 && int(pos) < len(a.live)
}

// stackLines is how many cache lines of a goroutine's stack handOff
// asks for, from where the goroutine last saw it down: 1 KiB. A tree's
// decide goes about 784 bytes deep below that point. Measured at 10,000
// agents, 4 runs each: 12 lines slower than 16 on 2 cores (397 against 369
// ns/agent-step), 24 the same as 16 on 1 core; measured again in 5 pairs,
// 12 lines no faster for the forest (478 against 484 on 1 core, 306
// against 293 on 2, both within noise), while the floor gained 10–13%.
const stackLines = 16

// gLines is how many cache lines of a goroutine's descriptor handOff asks
// for: all of it, 480 bytes in this runtime. Measured at 10,000 agents on
// 1 core, 5 pairs: 5 lines, the fields a wake-up touches first, left the
// forest 8% slower than 8 (523 against 481 ns/agent-step).
const gLines = 8

// wakeAt wakes the agent at position pos of the live list, if there is one.
func (a *actors) wakeAt(pos int32) {
	if int(pos) < len(a.live) {
		a.wake[a.live[pos]] <- pos
	}
}

func (a *actors) decide(live []int32) {
	// Goroutines are started here, on the engine's goroutine, since the
	// wake table must not grow while the tree of wake-ups reads it.
	for _, id := range live {
		if int(id) >= len(a.wake) || a.wake[id] == nil {
			a.start(id)
		}
	}
	a.live = live
	a.e.pool.rest()
	a.cores = runtime.GOMAXPROCS(0)
	runs := int32(runsPerCore * a.cores)
	a.run = max(1, (int32(len(live))+runs-1)/runs)
	nr := (len(live) + int(a.run) - 1) / int(a.run)
	if len(a.left) < nr {
		a.left = make([]runLeft, nr)
	}
	for r := range nr {
		a.left[r].n.Store(min(a.run, int32(len(live))-int32(r)*a.run))
	}
	a.runs.Store(int32(nr))
	a.done.Add(nr)
	for pos := int32(0); pos < int32(len(live)); pos += a.run {
		a.wakeAt(pos)
	}
	a.done.Wait()
}

// runLeft counts down a run's agents yet to decide, on a cache line of its
// own: a run's agents mostly decide on one core, so the count stays there,
// where one count for the whole tick moved between the cores at every
// agent.
type runLeft struct {
	n atomic.Int32
	_ [60]byte
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
