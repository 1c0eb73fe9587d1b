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
}

// Default returns the scenario every file starts from.
func Default() Scenario {
	s := Scenario{Name: "scenario", Seed: 1, Ticks: 1000, Config: agents.DefaultConfig()}
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

// Build makes the model and engine for s.
func (s *Scenario) Build(mode sim.Mode, workers int) (*agents.Model, *sim.Engine, error) {
	return agents.Build(s.Config, sim.Config{Seed: s.Seed, Ticks: s.Ticks, Mode: mode, Workers: workers})
}
