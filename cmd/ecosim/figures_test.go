package main

import (
	"strings"
	"testing"

	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/runner"
)

// TestPrintResilience: one row an indicator, its figures rounded as shown,
// a recovery of one tick in the singular and none where nothing recovered;
// nothing at all without a control.
func TestPrintResilience(t *testing.T) {
	one, many := 1, 133
	r := &runner.Resilience{FirstFailure: 400, RecoveryThreshold: 0.95, Settle: 20, Indicators: []runner.IndicatorFigure{
		{Name: "biomass", Figures: resilience.Figures{Resistance: 0.61408, ResistanceTick: 752, Loss: 99.5616, FinalRatio: 0.88127}},
		{Name: "living_trees", Figures: resilience.Figures{Resistance: 0.8974, ResistanceTick: 736, RecoveryTime: &many, Loss: 22.92, FinalRatio: 0.99334}},
		{Name: "g", Figures: resilience.Figures{Resistance: 1, ResistanceTick: 400, RecoveryTime: &one, FinalRatio: 1.0604}},
	}}
	var b strings.Builder
	printResilience(&b, r)
	lines := strings.Split(b.String(), "\n")
	want := []string{
		"resilience against the control, from the first failure at tick 400:",
		"  indicator     resistance  at tick    recovery      loss  final ratio",
		"  biomass            0.614      752        none     99.56        0.881",
		"  living_trees       0.897      736   133 ticks     22.92        0.993",
		"  g                  1.000      400      1 tick      0.00        1.060",
		"  resistance: the lowest ratio of run to control; recovery: ticks from that low until the",
		"  ratio is back to 0.95 and stays there 20 ticks (none: not within the run); loss: the area",
	}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Fatalf("line %d:\n got %q\nwant %q\nall:\n%s", i+1, lines[min(i, len(lines)-1)], w, b.String())
		}
	}
	b.Reset()
	printResilience(&b, nil)
	printResilience(&b, &runner.Resilience{})
	if b.Len() != 0 {
		t.Errorf("without figures: %q", b.String())
	}
}
