package agents

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// finite must pass every finite value through unchanged and stop at every
// NaN and infinity, which its one-comparison test has to tell apart exactly.
func TestFiniteTellsFiniteFromNot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := math.Float64frombits(rapid.Uint64().Draw(t, "bits"))
		var got error
		func() {
			defer func() {
				if r := recover(); r != nil {
					got = r.(NumericalError)
				}
			}()
			if out := finite("rule", v); math.Float64bits(out) != math.Float64bits(v) {
				t.Fatalf("finite(%v) returned %v", v, out)
			}
		}()
		bad := math.IsNaN(v) || math.IsInf(v, 0)
		var ne NumericalError
		if bad != errors.As(got, &ne) {
			t.Fatalf("finite(%v): panicked %v, want a panic: %v", v, got, bad)
		}
		if bad && ne.Rule != "rule" {
			t.Fatalf("the error names %q", ne.Rule)
		}
	})
	for _, v := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.Copysign(0, -1)} {
		bad := math.IsNaN(v) || math.IsInf(v, 0)
		func() {
			defer func() {
				if r := recover(); (r != nil) != bad {
					t.Errorf("finite(%v): recovered %v", v, r)
				}
			}()
			finite("rule", v)
		}()
	}
}
