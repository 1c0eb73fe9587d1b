package scenarios

import (
	"errors"
	"fmt"
	"strings"
)

// ErrScenario marks every error caused by the scenario or its overrides (as
// opposed to a failure while running it).
var ErrScenario = errors.New("scenarios: invalid scenario")

// FieldError is one problem at one place of a scenario file.
type FieldError struct {
	File      string
	Line, Col int
	Path      string
	Msg       string
}

// Error is file:line:column: field: message, or file: field: message for
// a field the file does not set.
func (e *FieldError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s: %s", e.File, e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, e.Path, e.Msg)
}

// Unwrap makes errors.Is(err, ErrScenario) true.
func (e *FieldError) Unwrap() error { return ErrScenario }

// Errors is every problem found in one scenario, in file order.
type Errors []*FieldError

// Error is every problem, one a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes errors.Is(err, ErrScenario) true.
func (es Errors) Unwrap() error { return ErrScenario }
