package agents_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// TestInvariantsHoldInEveryBuiltinScenario runs every built-in scenario,
// its failures moved into the first 200 ticks, checking the carbon balance,
// message accounting and stocks every tick.
func TestInvariantsHoldInEveryBuiltinScenario(t *testing.T) {
	for _, name := range scenarios.Builtins() {
		t.Run(name, func(t *testing.T) {
			s, _ := failuresMoved(t, name, 200, 40, 30, 40)
			m, e, err := s.Build(sim.ModeShards, 0)
			if err != nil {
				t.Fatal(err)
			}
			e.Observe(&agents.Checker{M: m})
			if err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// failuresMoved loads built-in name as a run of ticks, its failure i moved
// to tick first+i*step and one with a duration given that duration; n is
// the failures it has.
func failuresMoved(t *testing.T, name string, ticks, first, step, duration int) (s *scenarios.Scenario, n int) {
	t.Helper()
	base, err := scenarios.Load(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	sets := []string{fmt.Sprintf("ticks=%d", ticks)}
	for i := range base.Failures {
		sets = append(sets, fmt.Sprintf("failures[%d].at=%d", i, first+step*i))
		if base.Failures[i].Duration > 0 {
			sets = append(sets, fmt.Sprintf("failures[%d].duration=%d", i, duration))
		}
	}
	s, err = scenarios.Load(name, sets)
	if err != nil {
		t.Fatal(err)
	}
	return s, len(base.Failures)
}
