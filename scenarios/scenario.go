package scenarios

import (
	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/sim"
)

// Scenario is one experiment: a named model configuration with its seed and
// length. Its YAML form is flat: the model sections sit beside name and seed.
type Scenario struct {
	Name        string `yaml:"name" doc:"short name, used for output directories"`
	Description string `yaml:"description" doc:"what the scenario shows"`
	Seed        uint64 `yaml:"seed" doc:"seed of every random stream; same seed, same results"`
	Ticks       int    `yaml:"ticks" doc:"length of the run" unit:"ticks"`

	agents.Config `yaml:",inline"`

	Resilience ResilienceConfig `yaml:"resilience" doc:"how runs with failures are compared with their paired control"`
}

// ResilienceConfig picks the indicators the resilience analysis uses.
type ResilienceConfig struct {
	Indicators        []string `yaml:"indicators" doc:"indicators compared with the control run"`
	RecoveryThreshold float64  `yaml:"recovery_threshold" doc:"ratio to the control counted as recovered" unit:"0..1"`
	Settle            int      `yaml:"settle" doc:"ticks the ratio must stay at or above the threshold to count as recovered" unit:"ticks"`
}

// Default returns the scenario every file starts from.
func Default() Scenario {
	s := Scenario{Name: "scenario", Seed: 1, Ticks: 1000, Config: agents.DefaultConfig(),
		Resilience: ResilienceConfig{Indicators: []string{"biomass", "living_trees", "giant_component"}, RecoveryThreshold: 0.95, Settle: 20}}
	s.Trees.Species = []agents.Species{
		{Name: "birch", Share: 0.5, Growth: 0.08, ShadeTolerance: 0.2, SeedRate: 0.03, MaxAge: 600},
		{Name: "fir", Share: 0.5, Growth: 0.04, ShadeTolerance: 0.8, SeedRate: 0.01, MaxAge: 1500},
	}
	return s
}

// Limits that keep a scenario within what one machine can run.
const (
	MaxTicks    = 10_000_000
	MaxGridSide = 4096
	MaxAgents   = 2_000_000
)

// Control returns the paired control: the same scenario and seed with the
// failures removed.
func (s *Scenario) Control() *Scenario {
	c := *s
	c.Failures = nil
	return &c
}

// FirstFailure is the earliest tick a failure strikes, or 0 without failures.
func (s *Scenario) FirstFailure() int {
	t0 := 0
	for _, f := range s.Failures {
		if t0 == 0 || f.At < t0 {
			t0 = f.At
		}
	}
	return t0
}

// Build makes the model and engine for s.
func (s *Scenario) Build(mode sim.Mode, workers int) (*agents.Model, *sim.Engine, error) {
	return agents.Build(s.Config, sim.Config{Seed: s.Seed, Ticks: s.Ticks, Mode: mode, Workers: workers})
}
