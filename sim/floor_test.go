package sim

import (
	"context"
	"fmt"
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
