package runner

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecosim/ecosim/sim"
)

// TestEventLinesMatchEncodingJSON holds the hand-written event encoder to
// json.Marshal, byte for byte, over random events: numbers of every size and
// sign (zeros omitted), strings plain and in need of escapes.
func TestEventLinesMatchEncodingJSON(t *testing.T) {
	str := rapid.OneOf(rapid.SampledFrom([]string{"", "birth", "death", "tree", "fire", "link"}), rapid.String())
	rapid.Check(t, func(t *rapid.T) {
		ev := sim.Event{
			Tick:  rapid.IntRange(0, 1<<40).Draw(t, "tick"),
			Type:  str.Draw(t, "type"),
			Agent: rapid.Int32().Draw(t, "agent"),
			Kind:  str.Draw(t, "kind"),
			Cause: str.Draw(t, "cause"),
			Other: rapid.Int32Range(-3, 3).Draw(t, "other"),
			X:     rapid.IntRange(-5, 5000).Draw(t, "x"),
			Y:     rapid.Int().Draw(t, "y"),
			Value: rapid.OneOf(rapid.Float64(), rapid.SampledFrom([]float64{0, 1e-7, 1e-6, 9.999e20, 1e21, -2.5e-300, 123456789.125, math.SmallestNonzeroFloat64})).Draw(t, "value"),
		}
		want, err := json.Marshal(ev)
		if err != nil {
			t.Skip("not encodable") // NaN and infinities never reach an event
		}
		want = append(want, '\n')
		if got := appendEvent(nil, ev); !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
