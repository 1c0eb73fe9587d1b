package sim

import (
	"errors"
	"fmt"
)

// ErrInterrupted is returned by Run when its context is cancelled; the run
// stopped at a tick boundary and everything up to that tick was recorded.
// Its text has no package prefix: it is what a user who pressed Ctrl-C
// reads.
var ErrInterrupted = errors.New("run interrupted")

// ErrAgentPanic marks errors caused by a panic inside an agent.
var ErrAgentPanic = errors.New("sim: agent panicked")

// AgentError is the error made from a panic in an agent's decide or apply,
// or, with ID -1, in a whole-world step named by Kind.
type AgentError struct {
	ID    int32
	Kind  string
	Tick  int
	Value any
	Stack []byte
}

// Error names the agent and its kind (or the step, when no agent was
// running), the tick and what it panicked with; the stack is left to Stack.
func (e *AgentError) Error() string {
	if e.ID < 0 {
		return fmt.Sprintf("sim: the %s step panicked at tick %d: %v", e.Kind, e.Tick, e.Value)
	}
	return fmt.Sprintf("sim: agent %d (%s) panicked at tick %d: %v", e.ID, e.Kind, e.Tick, e.Value)
}

// Unwrap lets errors.Is match ErrAgentPanic.
func (e *AgentError) Unwrap() error { return ErrAgentPanic }
