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
// analysed, in memory. Like every benchmark here whose result depends on
// the cores, it loops over b.N rather than b.Loop: given -cpu 1,2, a
// b.Loop benchmark ran both its lines on 2 cores (82 and 79 ms a run),
// and given -cpu 2,1 both on 1 (171 and 142 ms): the testing package
// calls a b.Loop benchmark once a line, and that call does not run at the
// GOMAXPROCS its line names (see go.dev/issue/49980).
func BenchmarkRun(b *testing.B) {
	s, err := scenarios.Load("forest", []string{"ticks=100", "failures[0].at=40", "failures[1].at=60", "failures[1].duration=20"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		sum, err := Measure(context.Background(), Options{Scenario: s, Mode: sim.ModeShards})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Resilience == nil {
			b.Fatal("no resilience figures: the control did not run")
		}
	}
}

// BenchmarkFailureSeries is what a sweep of failures alone does at each of
// its points: the forest of BenchmarkRun at 4 hub-kill fractions, one seed,
// one core a run as a sweep gives it, each run with its own control
// ("own") or sharing one control run for all four ("shared"). ns/op is the
// four runs.
func BenchmarkFailureSeries(b *testing.B) {
	var ss []*scenarios.Scenario
	for _, f := range []string{"0.05", "0.1", "0.2", "0.3"} {
		s, err := scenarios.Load("forest", []string{"ticks=100", "failures[0].at=40", "failures[0].fraction=" + f, "failures[1].at=60", "failures[1].duration=20"})
		if err != nil {
			b.Fatal(err)
		}
		ss = append(ss, s)
	}
	for _, share := range []bool{false, true} {
		name := "own"
		if share {
			name = "shared"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				var c *Controls
				if share {
					c, _ = NewControls(1<<20, 64<<20, "")
				}
				for _, s := range ss {
					if _, err := Measure(context.Background(), Options{Scenario: s, Mode: sim.ModeShards, Workers: 1, Controls: c}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
