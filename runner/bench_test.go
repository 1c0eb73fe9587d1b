package runner

import (
	"context"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// BenchmarkRun is a whole short run as a sweep runs it: the built-in forest
// for 100 ticks with its failures moved into range (a hub attack at tick 40,
// a drought from 60 to 80), built, run beside its paired control, and
// analysed, in memory.
func BenchmarkRun(b *testing.B) {
	s, err := scenarios.Load("forest", []string{"ticks=100", "failures[0].at=40", "failures[1].at=60", "failures[1].duration=20"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sum, err := Measure(context.Background(), Options{Scenario: s, Mode: sim.ModeShards})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Resilience == nil {
			b.Fatal("no resilience figures: the control did not run")
		}
	}
}
