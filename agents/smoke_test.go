package agents

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/ecosim/ecosim/sim"
)

type printObs struct{ names []string; every int }

func (p printObs) Tick(t int, row []float64) error {
	if t%p.every == 0 {
		s := fmt.Sprintf("t=%d", t)
		for i, n := range p.names {
			s += fmt.Sprintf(" %s=%.4g", n, row[i])
		}
		fmt.Println(s)
	}
	return nil
}
func (p printObs) Event(sim.Event) error { return nil }

func TestSmokeForest(t *testing.T) {
	if os.Getenv("SMOKE") == "" {
		t.Skip()
	}
	cfg := DefaultConfig()
	cfg.Trees.Species = []Species{
		{Name: "birch", Share: 0.5, Growth: 0.08, ShadeTolerance: 0.2, SeedRate: 0.03, MaxAge: 600},
		{Name: "fir", Share: 0.5, Growth: 0.04, ShadeTolerance: 0.8, SeedRate: 0.01, MaxAge: 1500},
	}
	cfg.Ants.Colonies = []ColonyConfig{{Nest: []int{20, 20}, Workers: 300, Food: 10}, {Nest: []int{100, 90}, Workers: 300, Food: 10}}
	m, e, err := Build(cfg, sim.Config{Seed: 42, Ticks: 1000, Mode: sim.ModeShards})
	if err != nil {
		t.Fatal(err)
	}
	_ = m
	e.Observe(printObs{m.IndicatorNames(), 100})
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}
