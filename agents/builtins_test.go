package agents_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// ledgerCheck is the carbon balance and message accounting, every tick.
type ledgerCheck struct {
	m    *agents.Model
	prev float64
}

func (c *ledgerCheck) Event(sim.Event) error { return nil }

func (c *ledgerCheck) Tick(tick int, _ []float64) error {
	total := c.m.CarbonTotal()
	if tick > 0 {
		l := c.m.Ledger()
		want := c.prev + l.Photosynthesis - l.Respiration - l.Fruit - l.Litter - l.TransportLoss - l.Removed
		if math.Abs(total-want) > 1e-9*math.Max(1, math.Abs(total)) {
			return fmt.Errorf("tick %d: carbon %v, ledger says %v", tick, total, want)
		}
	}
	c.prev = total
	n := c.m.Engine().Transport.Counts()
	if n.Sent != n.Delivered+n.Lost+n.InFlight {
		return fmt.Errorf("tick %d: messages %+v do not add up", tick, n)
	}
	if err := c.m.Audit(); err != nil {
		return fmt.Errorf("tick %d: %w", tick, err)
	}
	return nil
}

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
			e.Observe(&ledgerCheck{m: m})
			if err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
