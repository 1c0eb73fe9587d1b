package sim

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// emptyAgent does nothing: ticks of empty agents measure the cost of the
// tick protocol itself — the floor no model can go below.
type emptyAgent struct{}

func (emptyAgent) Decide(*Context) {}

type emptyModel struct{}

func (emptyModel) BeginTick(*Engine)                           {}
func (emptyModel) ApplyAgent(*Engine, int32, *Context) error   { return nil }
func (emptyModel) EndTick(*Engine) error                       { return nil }
func (emptyModel) MessageSent(*Engine, Message, float64, bool) {}
func (emptyModel) MessageArrived(*Engine, Message) bool        { return true }
func (emptyModel) IndicatorNames() []string                    { return nil }
func (emptyModel) Indicators(*Engine, []float64)               {}

// BenchmarkFloor is one tick of n empty agents in each mode: the bare
// hand-off cost per agent-step.
func BenchmarkFloor(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for _, mode := range []Mode{ModeShards, ModeActors} {
			b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) {
				e := NewEngine(Config{Seed: 1, Mode: mode}, emptyModel{})
				for range n {
					e.Spawn(emptyAgent{})
				}
				st := &TickStamps{}
				e.Observe(st)
				st.Expect(e, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				if err := e.Advance(context.Background(), b.N); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/agent-step")
				st.Report(b)
			})
		}
	}
}

// TickStamps is an observer that notes when the first and the last tick of
// a measured Advance end, and the agent-steps and heap allocations by then,
// so a benchmark can report the ticks after the first on their own: each
// Advance starts actors mode's goroutines again in its first tick, a cost a
// long run pays once, and at 30 ticks 10–15% of a measurement of the
// goroutine floor at 10,000 agents, 29–33% at 100,000 (20 ticks). Those
// starts are also nearly all of allocs/op in actors mode (7 allocations an
// agent, a thirtieth of them a tick at 30 ticks), which says nothing of
// what a tick of a long run allocates.
type TickStamps struct {
	e           *Engine
	first, last int
	t0, t1      time.Time
	s0, s1      int64
	m0, m1      uint64 // heap allocations (runtime.MemStats.Mallocs)
}

// Expect readies the stamps for e advancing n ticks from where it is.
func (s *TickStamps) Expect(e *Engine, n int) {
	s.e, s.first, s.last = e, e.Tick()+1, e.Tick()+n
}

// Tick notes the time and the agent-steps at the first and last ticks.
func (s *TickStamps) Tick(tick int, _ []float64) error {
	if s.e == nil {
		return nil
	}
	switch tick {
	case s.first:
		s.m0 = mallocs() // before the clock starts: reading them stops the world
		s.t0, s.s0 = time.Now(), s.e.Timings().AgentSteps
	case s.last:
		s.t1, s.s1 = time.Now(), s.e.Timings().AgentSteps
		s.m1 = mallocs()
	}
	return nil
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// Event ignores events.
func (s *TickStamps) Event(Event) error { return nil }

// Report adds steady-ns/agent-step and steady-allocs/tick, the cost per
// agent-step and the heap allocations per tick of the ticks after the
// first, when there were two or more.
func (s *TickStamps) Report(b *testing.B) {
	if s.last > s.first && s.s1 > s.s0 {
		b.ReportMetric(float64(s.t1.Sub(s.t0).Nanoseconds())/float64(s.s1-s.s0), "steady-ns/agent-step")
		b.ReportMetric(float64(s.m1-s.m0)/float64(s.last-s.first), "steady-allocs/tick")
	}
}

// BenchmarkCoreRoundTrip passes one cache line back and forth between two
// goroutines locked to their own threads: the time a core takes to see what
// the other just wrote, and back. On a virtual machine it changes with where
// the host puts the cores, and every parallel step of a tick pays it for
// the lines one core writes and the other reads; BENCHMARKS.md uses it to
// tell the machine's states apart.
func BenchmarkCoreRoundTrip(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs two cores")
	}
	var turn atomic.Int64
	done := make(chan struct{})
	n := int64(b.N)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := range n {
			for turn.Load() != 2*i+1 {
			}
			turn.Store(2*i + 2)
		}
		close(done)
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for i := range n {
		for turn.Load() != 2*i {
		}
		turn.Store(2*i + 1)
	}
	<-done
}

// ceilingSink keeps BenchmarkMachineCeiling's results alive.
var ceilingSink float64

// BenchmarkMachineCeiling measures the best 1→2 core speed-up this machine
// gives to work that needs no coordination at all: one op is a fixed amount
// of work cut into GOMAXPROCS equal parts, each run by its own goroutine,
// so -cpu 1,2 gives the ratio a tick could reach at most if its work were
// all parallel and perfectly even. "compute" is arithmetic on registers
// alone (the divisions, square roots and multiplications a tree's decision
// is made of); the "sweep" ones read and write every cache line of a
// buffer, 1 MiB (the tick's layers and records at a few thousand agents,
// within the cores' own caches) and 32 MiB (a hundred thousand agents' and
// more, in the cache the cores share), the buffer cut between the
// goroutines as a tick cuts its agents; "gather" reads lines of a 32 MiB
// buffer in no order. On a virtual machine the cores' share of what they
// have in common (the shared cache, the memory bus, the host's other
// tenants) sets how far below 2 these fall; the tick's speed-up in
// BENCHMARKS.md is read against them.
//
// It loops over b.N rather than b.Loop, whose benchmarks do not run at
// the cores -cpu 1,2 names (runner's BenchmarkRun says more).
func BenchmarkMachineCeiling(b *testing.B) {
	par := func(b *testing.B, part func(k, of int) float64) {
		g := runtime.GOMAXPROCS(0)
		sums := make([]float64, 8*g) // 64 bytes apart: never one cache line
		for range b.N {
			done := make(chan struct{}, g)
			for k := range g {
				go func() { sums[8*k] += part(k, g); done <- struct{}{} }()
			}
			for range g {
				<-done
			}
		}
		for k := range g {
			ceilingSink += sums[8*k]
		}
	}
	b.Run("compute", func(b *testing.B) {
		const n = 1 << 22
		par(b, func(k, g int) float64 {
			x, s := 1+float64(k), 0.0
			for range n / g {
				x = float64(x*1.0000001) + 1e-9
				s += math.Sqrt(x) / (x + 1)
			}
			return s
		})
	})
	for _, size := range []int{1 << 20, 32 << 20} {
		buf := make([]float64, size/8)
		for i := range buf {
			buf[i] = float64(i)
		}
		reps := max(1, (64<<20)/size) // 64 MiB swept an op at every size
		b.Run(fmt.Sprintf("sweep-%dMiB", size>>20), func(b *testing.B) {
			par(b, func(k, g int) float64 {
				part := buf[k*len(buf)/g : (k+1)*len(buf)/g]
				s := 0.0
				for range reps {
					for i := 0; i < len(part); i += 8 { // a cache line a step
						s += part[i]
						part[i] = float64(s * 1e-9)
					}
				}
				return s
			})
		})
	}
	// gather-32MiB reads lines of 32 MiB in no order, the loads independent
	// of each other as a tick's reads of records, links and cells mostly
	// are: what a sweep leaves to the processor's prefetchers, this leaves
	// to the caches the cores share and to memory. Every goroutine reads
	// over the whole buffer, as both cores read across the whole grid in a
	// tick: halves each fit the caches better than the whole, and cut in
	// halves two cores came out 2.5 times as fast as one.
	gather := make([]uint32, (32<<20)/4)
	for i := range gather {
		gather[i] = uint32(i)
	}
	b.Run("gather-32MiB", func(b *testing.B) {
		const reads = 1 << 22
		par(b, func(k, g int) float64 {
			lines := uint32(len(gather) / 16) // 16 uint32 a cache line
			var s, j uint32 = 0, uint32(k) + 1
			for range reads / g {
				j = j*1664525 + 1013904223 // a linear congruential step
				s += gather[(j>>8)%lines*16]
			}
			return float64(s)
		})
	})
	// The keep and pass ones sweep a buffer (4 MiB is about a
	// 10,000-agent world's records and layers) in phases with a barrier
	// between them, as a tick's steps follow each other, 64 MiB an op and
	// at least 16 phases. In keep each goroutine sweeps the same part every
	// phase; in pass each phase's part is the one the next goroutine swept
	// the phase before, so every line it reads and writes was last written
	// by another core, as lines are when one core applies or delivers to
	// agents that the other decides. One core sweeps the whole buffer
	// either way, so the two differ only on more than one, by what handing
	// lines between cores costs the machine at the time.
	for _, size := range []int{1 << 20, 4 << 20, 32 << 20} {
		hand := make([]float64, size/8)
		for _, pass := range []bool{false, true} {
			name := fmt.Sprintf("keep-%dMiB", size>>20)
			if pass {
				name = fmt.Sprintf("pass-%dMiB", size>>20)
			}
			b.Run(name, func(b *testing.B) {
				phases := max(16, (64<<20)/size)
				var bar spinBarrier
				bar.n = int32(runtime.GOMAXPROCS(0))
				par(b, func(k, g int) float64 {
					s := 0.0
					for ph := range phases {
						j := k
						if pass {
							j = (k + ph) % g
						}
						part := hand[j*len(hand)/g : (j+1)*len(hand)/g]
						for i := 0; i < len(part); i += 8 {
							s += part[i]
							part[i] = float64(s * 1e-9)
						}
						bar.wait()
					}
					return s
				})
			})
		}
	}
}

// spinBarrier holds each of n goroutines in wait until all n have come,
// then lets them all go on; it can be used again at once.
type spinBarrier struct {
	n          int32
	count, gen atomic.Int32
}

func (b *spinBarrier) wait() {
	g := b.gen.Load()
	if b.count.Add(1) == b.n {
		b.count.Store(0)
		b.gen.Add(1)
		return
	}
	for b.gen.Load() == g {
		runtime.Gosched()
	}
}
