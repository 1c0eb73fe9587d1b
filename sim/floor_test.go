package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
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
				b.ReportAllocs()
				b.ResetTimer()
				if err := e.Advance(context.Background(), b.N); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/agent-step")
			})
		}
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
