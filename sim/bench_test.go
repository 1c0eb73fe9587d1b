package sim_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// scaled is the forest without failures, its grid and populations scaled so
// the world holds about n agents at the start at the forest's densities.
func scaled(b testing.TB, n int) *scenarios.Scenario {
	base, err := scenarios.Load("forest", nil)
	if err != nil {
		b.Fatal(err)
	}
	k := float64(n) / 3752
	side := int(math.Round(128 * math.Sqrt(k)))
	sets := []string{
		fmt.Sprintf("world.width=%d", side), fmt.Sprintf("world.height=%d", side),
		fmt.Sprintf("trees.count=%d", int(3000*k)), fmt.Sprintf("fungi.count=%d", int(150*k)),
		fmt.Sprintf("fungi.max_count=%d", int(300*k)), fmt.Sprintf("ants.max_workers=%d", int(400*k)),
		fmt.Sprintf("ants.colonies[0].workers=%d", int(300*k)), fmt.Sprintf("ants.colonies[1].workers=%d", int(300*k)),
		fmt.Sprintf("ants.colonies[1].nest=[%d,%d]", side*100/128, side*90/128),
	}
	s, err := scenarios.Load("forest", sets)
	if err != nil {
		b.Fatal(err)
	}
	_ = base
	return s.Control()
}

// benchTick measures ticks of a world of about n agents after a 20-tick
// warm-up, and reports agent-steps per second and agents.
func benchTick(b *testing.B, mode sim.Mode, n int) {
	s := scaled(b, n)
	s.Ticks = 20
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
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(agents), "ns/agent-step")
	b.ReportMetric(float64(agents), "agents")
}

// BenchmarkTick is one tick of the forest at several sizes, in both modes.
func BenchmarkTick(b *testing.B) {
	for _, n := range []int{3752, 10_000, 100_000} {
		for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
			b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) { benchTick(b, mode, n) })
		}
	}
}
