package sim_test

import (
	"context"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// benchTick measures one tick of the forest after a 50-tick warm-up, and
// reports agent-steps per second.
func benchTick(b *testing.B, mode sim.Mode) {
	s, err := scenarios.Load("forest", []string{"ticks=50"})
	if err != nil {
		b.Fatal(err)
	}
	_, e, err := s.Build(mode, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	agents := len(e.Live())
	b.ReportAllocs()
	b.ResetTimer()
	if err := e.Advance(context.Background(), b.N); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(agents)*float64(b.N)/b.Elapsed().Seconds(), "agent-steps/s")
	b.ReportMetric(float64(agents), "agents")
}

func BenchmarkForestTickActors(b *testing.B) { benchTick(b, sim.ModeActors) }
func BenchmarkForestTickShards(b *testing.B) { benchTick(b, sim.ModeShards) }
