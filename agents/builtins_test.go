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
			base, err := scenarios.Load(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			sets := []string{"ticks=200"}
			for i := range base.Failures {
				sets = append(sets, fmt.Sprintf("failures[%d].at=%d", i, 40+30*i))
				if base.Failures[i].Duration > 0 {
					sets = append(sets, fmt.Sprintf("failures[%d].duration=40", i))
				}
			}
			s, err := scenarios.Load(name, sets)
			if err != nil {
				t.Fatal(err)
			}
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
