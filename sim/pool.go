package sim

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool runs the pieces of a parallel step on the calling goroutine and a
// fixed set of helper goroutines. A helper that has finished a step keeps
// polling for the next one for a while (yielding to any other goroutine
// each time round) before it parks: a tick alternates parallel steps with
// short serial ones, and waking a parked thread takes tens to hundreds of
// microseconds on a virtual machine, as long as a whole step of a
// 10,000-agent world.
//
// Each goroutine owns an equal run of every step's pieces and takes those
// first, in order, before it takes what is left of the others' runs. So a
// core works on the same agents and rows step after step and tick after
// tick, and finds them in its own cache. On this kind of virtual machine a
// cache line passed between the two cores takes 80–130 ns there and back
// at some times and 370–430 ns at others (BenchmarkCoreRoundTrip; the host
// moves the cores apart), and then every line a piece reads that the other
// core last wrote costs that much. Which goroutine runs which piece still
// varies with timing, so a step's fn(i) must write only what belongs to i.
type pool struct {
	helpers int
	// active is how many of the goroutines (the caller first, then the
	// helpers in order) share the steps, set by the engine's goroutine
	// between steps: the engine's choice of cores (coreChooser). At 1 the
	// caller runs them alone, as a pool without helpers does. Helpers left
	// out park at once rather than poll, so that they do not take the
	// cores the others run on.
	active atomic.Int32
	// state is the step's generation in the high 32 bits and the number of
	// helpers inside it in the low 32; an odd generation is open to join.
	state  atomic.Uint64
	fn     func(int)
	fnBy   func(i, w int) // instead of fn, for runBy
	runs   []run          // by goroutine: 0 the caller's, then the helpers'
	parked atomic.Int32   // helpers parked, so that rouse costs one load when none is
	idle   []idler        // by goroutine, as runs; the caller's is unused
	spin   time.Duration  // how long an idle helper polls (poolSpin)
	quit   atomic.Bool
	exited sync.WaitGroup

	// The lowest piece that panicked in the current step and its value,
	// raised again on the caller's goroutine once the step is over, where
	// the engine turns it into an error; a panic on a helper would
	// otherwise end the process.
	mu       sync.Mutex
	panicked int
	panicVal any
}

// idler is how a parked helper is woken: rouse sends on wake if parked is
// set, and only to the helpers a step asks for. Padded to a cache line of
// its own, as run is.
type idler struct {
	parked atomic.Bool
	wake   chan struct{} // buffered: a wake-up sent before the helper blocks is kept
	_      [48]byte
}

// poolSpin is how long an idle helper polls before it parks.
const poolSpin = 2 * time.Millisecond

const helperMask = 1<<32 - 1

// run is one goroutine's share of a step's pieces, [next, end), claimed one
// at a time by whoever gets there; padded to a cache line of its own so that
// two goroutines taking from their own runs do not contend.
type run struct {
	next atomic.Int64
	end  int64
	_    [48]byte
}

func newPool(helpers int) *pool { return newPoolSpin(helpers, poolSpin) }

// newPoolSpin is newPool with idle helpers polling for spin before they
// park.
func newPoolSpin(helpers int, spin time.Duration) *pool {
	p := &pool{helpers: helpers, spin: spin, runs: make([]run, helpers+1), idle: make([]idler, helpers+1)}
	for k := range p.idle {
		p.idle[k].wake = make(chan struct{}, 1)
	}
	p.active.Store(int32(helpers + 1))
	p.exited.Add(helpers)
	for k := range helpers {
		go p.help(k + 1)
	}
	return p
}

// run calls fn(0..n-1) and returns when every call has returned. Called
// from inside a piece of a step, it runs its pieces in order on the calling
// goroutine: a step is never nested in another.
func (p *pool) run(n int, fn func(int)) { p.start(n, fn, nil) }

// runBy is run with fn also told which goroutine runs piece i: 0 for the
// caller, then the helpers, below workers(). A piece may then write to that
// goroutine's own scratch, which pieces run by it use in turn. It must not
// be called from inside a step, where every piece would be told 0.
func (p *pool) runBy(n int, fn func(i, w int)) { p.start(n, nil, fn) }

// workers is the number of goroutines that may run a step's pieces, the
// most that active may be.
func (p *pool) workers() int {
	if p == nil {
		return 1
	}
	return len(p.runs)
}

// alone reports whether the pool's steps run on the caller alone: it has
// no helpers, or active is 1 for now.
func (p *pool) alone() bool { return p == nil || p.helpers == 0 || p.active.Load() <= 1 }

// setActive has the next steps shared by the caller and n-1 helpers, n
// within [1, workers()]; it is called between steps.
func (p *pool) setActive(n int) { p.active.Store(int32(min(max(n, 1), len(p.runs)))) }

func (p *pool) start(n int, fn func(int), fnBy func(i, w int)) {
	if p.alone() || n <= 1 || p.state.Load()>>32&1 == 1 {
		for i := range n {
			if fnBy != nil {
				fnBy(i, 0)
			} else {
				fn(i)
			}
		}
		return
	}
	p.fn, p.fnBy = fn, fnBy
	p.panicked, p.panicVal = -1, nil
	w := int64(p.active.Load())
	for k := range w {
		r := &p.runs[k]
		r.next.Store(int64(n) * int64(k) / w)
		r.end = int64(n) * int64(k+1) / w
	}
	p.state.Add(1 << 32) // open: the generation turns odd
	p.rouse(int(w))
	p.work(0)
	// Close the step once no helper is inside it, so that a helper that
	// arrives late cannot join it and read the next step's fn.
	for {
		s := p.state.Load()
		if s&helperMask == 0 && p.state.CompareAndSwap(s, s+1<<32) {
			break
		}
		runtime.Gosched()
	}
	p.fn, p.fnBy = nil, nil
	if p.panicked >= 0 {
		panic(p.panicVal)
	}
}

// work runs goroutine k's own run of the step, then what is left of the
// other active goroutines', each from its front.
func (p *pool) work(k int) {
	w := int(p.active.Load()) // fixed while a step is open
	for j := range w {
		r := &p.runs[(k+j)%w]
		for {
			i := r.next.Add(1) - 1
			if i >= r.end {
				break
			}
			p.call(int(i), k)
		}
	}
}

// call runs piece i on goroutine k, keeping its panic, if any, for run to
// raise.
func (p *pool) call(i, k int) {
	defer func() {
		if r := recover(); r != nil {
			p.mu.Lock()
			if p.panicked < 0 || i < p.panicked {
				p.panicked, p.panicVal = i, r
			}
			p.mu.Unlock()
		}
	}()
	if p.fnBy != nil {
		p.fnBy(i, k)
		return
	}
	p.fn(i)
}

func (p *pool) help(k int) {
	defer p.exited.Done()
	var seen uint64 // the last generation this helper worked in
	for {
		s := p.state.Load()
		// active is read after state, so it is that of generation g, or
		// the CAS below fails: it changes only while no step is open.
		if g := s >> 32; g&1 == 1 && g != seen && k < int(p.active.Load()) {
			if p.state.CompareAndSwap(s, s+1) {
				seen = g
				p.work(k)
				p.state.Add(^uint64(0)) // leave
			}
			continue
		}
		if !p.await(k, seen) {
			return
		}
	}
}

// await polls until a step other than seen is open to helper k, parking
// after p.spin, or at once when a step is open without it; it returns
// false when the pool is closed.
func (p *pool) await(k int, seen uint64) bool {
	// open reports whether a step other than seen is open, and if so
	// whether it is open to k.
	open := func() (some, mine bool) {
		g := p.state.Load() >> 32
		some = g&1 == 1 && g != seen
		return some, some && k < int(p.active.Load())
	}
	deadline := time.Now().Add(p.spin)
	for spins := 0; ; spins++ {
		if p.quit.Load() {
			return false
		}
		some, mine := open()
		if mine {
			return true
		}
		if some || spins%64 == 63 && time.Now().After(deadline) {
			// The flag is set before the last look, and rouse opens the
			// step before it reads the flag, so one of them sees the
			// other.
			h := &p.idle[k]
			h.parked.Store(true)
			p.parked.Add(1)
			if _, mine := open(); !mine && !p.quit.Load() {
				<-h.wake
			}
			p.parked.Add(-1)
			h.parked.Store(false)
			deadline = time.Now().Add(p.spin)
		}
		runtime.Gosched()
	}
}

// rouse wakes the parked helpers among the first w goroutines, which then
// poll for the step.
func (p *pool) rouse(w int) {
	if p.parked.Load() == 0 {
		return
	}
	for k := 1; k < w; k++ {
		if h := &p.idle[k]; h.parked.Load() {
			select {
			case h.wake <- struct{}{}:
			default:
			}
		}
	}
}

// close stops the helpers and waits for them to exit.
func (p *pool) close() {
	if p == nil {
		return
	}
	p.quit.Store(true)
	for k := 1; k < len(p.idle); k++ {
		select {
		case p.idle[k].wake <- struct{}{}:
		default:
		}
	}
	p.exited.Wait()
}
