package sim

// Event is one thing that happened in a run: a birth, a death, a link made or
// cut, a failure injected. Events are emitted in the apply phase only, so
// their order is part of the deterministic output.
type Event struct {
	Tick  int     `json:"tick"`
	Type  string  `json:"type"`
	Agent int32   `json:"agent"`
	Kind  string  `json:"kind,omitempty"`
	Cause string  `json:"cause,omitempty"`
	Other int32   `json:"other,omitempty"`
	X     int     `json:"x,omitempty"`
	Y     int     `json:"y,omitempty"`
	Value float64 `json:"value,omitempty"`
}

// Observer watches a run. A returned error stops the run with that error,
// which is how a full disk ends a run cleanly instead of losing data quietly.
type Observer interface {
	// Tick receives the indicator row recorded at the end of tick (tick 0 is
	// the initial state); row is reused after the call returns.
	Tick(tick int, row []float64) error
	// Event receives each event as it is emitted.
	Event(ev Event) error
}
