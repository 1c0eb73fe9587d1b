package agents

import "fmt"

// NumericalError is what an agent panics with when a rule returns NaN or
// an infinity; the engine turns the panic into an error naming the agent
// and tick, and the run stops with every earlier tick recorded.
type NumericalError struct {
	Rule  string
	Value float64
}

// Error names the rule and the value it returned.
func (e NumericalError) Error() string {
	return fmt.Sprintf("%s returned %v", e.Rule, e.Value)
}

// finite returns v, or panics with a NumericalError naming rule. v-v is 0
// for every finite v and NaN for a NaN or an infinity, so one comparison
// does the work of IsNaN and IsInf on the decide phase's hot path.
func finite(rule string, v float64) float64 {
	if v-v != 0 {
		notFinite(rule, v)
	}
	return v
}

// notFinite is kept out of line so that finite stays small enough to inline.
//
//go:noinline
func notFinite(rule string, v float64) {
	panic(NumericalError{Rule: rule, Value: v})
}
