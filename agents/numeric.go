package agents

import (
	"fmt"
	"math"
)

// NumericalError is what an agent panics with when a rule returns NaN or
// an infinity; the engine turns the panic into an error naming the agent
// and tick, and the run stops with every earlier tick recorded.
type NumericalError struct {
	Rule  string
	Value float64
}

func (e NumericalError) Error() string {
	return fmt.Sprintf("%s returned %v", e.Rule, e.Value)
}

// finite returns v, or panics with a NumericalError naming rule.
func finite(rule string, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		panic(NumericalError{Rule: rule, Value: v})
	}
	return v
}
