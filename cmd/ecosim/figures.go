package main

import (
	"fmt"
	"io"

	"github.com/ecosim/ecosim/runner"
)

// printResilience writes a run's resilience figures as a table, so the
// numbers a run is for are on the terminal without opening
// resilience.json. Nothing is written when there was no control.
func printResilience(w io.Writer, r *runner.Resilience) {
	if r == nil || len(r.Indicators) == 0 {
		return
	}
	width := len("indicator")
	for _, ind := range r.Indicators {
		width = max(width, len(ind.Name))
	}
	fmt.Fprintf(w, "resilience against the control, from the first failure at tick %d:\n", r.FirstFailure)
	fmt.Fprintf(w, "  %-*s  %10s  %7s  %10s  %8s  %11s\n", width, "indicator", "resistance", "at tick", "recovery", "loss", "final ratio")
	for _, ind := range r.Indicators {
		rec := "none"
		if t := ind.RecoveryTime; t != nil && *t == 1 {
			rec = "1 tick"
		} else if t != nil {
			rec = fmt.Sprintf("%d ticks", *t)
		}
		fmt.Fprintf(w, "  %-*s  %10.3f  %7d  %10s  %8.2f  %11.3f\n", width, ind.Name, ind.Resistance, ind.ResistanceTick, rec, ind.Loss, ind.FinalRatio)
	}
	fmt.Fprintf(w, "  resistance: the lowest ratio of run to control; recovery: ticks from that low until the\n"+
		"  ratio is back to %g and stays there %d ticks (none: not within the run); loss: the area\n"+
		"  between the ratio and 1 from the first failure on [ratio × ticks]\n",
		r.RecoveryThreshold, r.Settle)
}
