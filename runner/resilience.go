package runner

import (
	"encoding/json"
	"fmt"

	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/scenarios"
)

// Resilience is resilience.json: for each indicator the scenario names,
// the figures of the failure run against its paired control.
type Resilience struct {
	Scenario          string            `json:"scenario"`
	Seed              uint64            `json:"seed"`
	FirstFailure      int               `json:"first_failure"`
	RecoveryThreshold float64           `json:"recovery_threshold"`
	Settle            int               `json:"settle"`
	Indicators        []IndicatorFigure `json:"indicators"`
}

// IndicatorFigure is one indicator's figures.
type IndicatorFigure struct {
	Name string `json:"name"`
	resilience.Figures
}

// Analyze computes the resilience figures of a failure run's series
// against its control's, both indexed by tick from 0.
func Analyze(s *scenarios.Scenario, failure, control map[string][]float64) (*Resilience, error) {
	r := &Resilience{Scenario: s.Name, Seed: s.Seed, FirstFailure: s.FirstFailure(),
		RecoveryThreshold: s.Resilience.RecoveryThreshold, Settle: s.Resilience.Settle}
	for _, name := range s.Resilience.Indicators {
		f, err := resilience.Analyze(failure[name], control[name], r.FirstFailure, r.RecoveryThreshold, r.Settle)
		if err != nil {
			return nil, fmt.Errorf("runner: indicator %s: %w", name, err)
		}
		r.Indicators = append(r.Indicators, IndicatorFigure{Name: name, Figures: f})
	}
	return r, nil
}

func writeResilience(dir string, r *Resilience) error {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeOut(dir, "resilience.json", append(js, '\n'))
}
