package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/ecosim/ecosim/plots"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sweep"
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
		rec := "never"
		if ind.RecoveryTime != nil {
			rec = count(*ind.RecoveryTime, "tick")
		}
		fmt.Fprintf(w, "  %-*s  %10.3f  %7d  %10s  %8.2f  %11.3f\n", width, ind.Name, ind.Resistance, ind.ResistanceTick, rec, ind.Loss, ind.FinalRatio)
	}
	fmt.Fprintf(w, "  resistance: the lowest ratio of run to control; recovery: ticks from that low until the\n"+
		"  ratio is back to %g and stays there %d ticks (never: not within the run); loss: the area\n"+
		"  between the ratio and 1 from the first failure on [ratio × ticks]\n",
		r.RecoveryThreshold, r.Settle)
}

// printFinal writes the scenario's indicators at the run's last tick,
// for a run without a control, whose resilience table is not printed.
func printFinal(w io.Writer, sum *runner.Summary, indicators []string) {
	var parts []string
	for _, name := range indicators {
		if v, ok := sum.Final[name]; ok {
			parts = append(parts, name+" "+readable(v))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "at tick %d: %s\n", sum.TicksDone, strings.Join(parts, ", "))
	}
}

// readable is v as a reader takes it in: whole numbers whole, large ones
// with one decimal and no exponent, small ones to four digits.
func readable(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9 || math.IsNaN(v):
		return fmt.Sprintf("%.4g", v)
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// maxSweepRows is the most points printSweepFigures lists; the rest are in
// aggregate.csv and the charts.
const maxSweepRows = 24

// printSweepFigures writes the headline figure of a sweep at each point,
// mean and 95% interval over its replicates: each indicator's resistance,
// or where the scenario has no failures, each final value. A sweep's
// numbers are otherwise only in aggregate.csv and its charts. Where points
// pair with a baseline, it then writes each point's paired difference
// from it, which is the comparison the sweep was run for.
func printSweepFigures(w io.Writer, d *plots.SweepData) {
	h := plots.SweepHeadline(d, false, maxSweepRows)
	if h == nil {
		return
	}
	switch {
	case d.Design == sweep.DesignSobol || d.Design == sweep.DesignMorris:
		// Their points are the design's scaffolding, not places to
		// compare: what they are for is the analysis below.
		fmt.Fprintf(w, "%s at each of the %d points run is in aggregate.csv\n", h.What, len(h.Rows)+h.More)
	case len(d.Paths) == 0:
		fmt.Fprintf(w, "%s, mean [95%% interval] over the replicates:\n", h.What)
		printPoints(w, h)
	default:
		fmt.Fprintf(w, "%s at each point, mean [95%% interval] over its replicates:\n", h.What)
		printPoints(w, h)
	}
	printContrasts(w, d)
	printCrossings(w, d)
	if s := plots.SensitivityHeadline(d); s != nil {
		fmt.Fprintf(w, "%s to each varied path, partial rank correlation [95%% interval] over the runs:\n", s.What)
		printHeadline(w, s, "sensitivity.csv")
	}
	if m := plots.MorrisHeadline(d); m != nil {
		fmt.Fprintf(w, "%s by varied path, mu* [95%% bootstrap interval] σ sigma, per the path's whole range:\n", m.What)
		printHeadline(w, m, "morris.csv")
	}
	for _, total := range []bool{false, true} {
		if s := plots.SobolHeadline(d, total); s != nil {
			fmt.Fprintf(w, "%s by varied path, share of the variance [95%% bootstrap interval]:\n", s.What)
			printHeadline(w, s, "sobol.csv")
		}
	}
	if rows, width := sobolSpread(d); width > wideSobol {
		fmt.Fprintf(w, "  some intervals are %.2f wide over %d rows; 4 times the rows (--samples) about halves them\n", width, rows)
	}
	if len(d.Sobol) > 0 {
		switch share, fig, known := plots.SobolNoise(d); {
		case !known:
			fmt.Fprintln(w, "  with one replicate a point, how much of the variance is the runs' own noise is unknown; --reps 2 or more shows it")
		case share > noisySobol:
			fmt.Fprintf(w, "  replicate noise is %.2f of %s's variance: first-order indices can come out lower, and totals higher, by up to about that; 4 times the replicates (--reps) quarter it\n", share, fig)
		}
	}
}

// noisySobol is the share of a figure's variance, past which a sobol sweep
// says that its replicates' noise is in its indices and how to shrink it.
const noisySobol = 0.1

// wideSobol is the width of a Sobol' index's interval past which a sweep
// says how to narrow it: a third of the whole scale.
const wideSobol = 1.0 / 3

// sobolSpread returns the most rows a sweep's Sobol' indices used, and the
// widest interval of a first-order index: the estimator the design
// resolves least well.
func sobolSpread(d *plots.SweepData) (rows int, width float64) {
	for _, ss := range d.Sobol {
		for _, s := range ss {
			rows = max(rows, s.Rows)
			if w := s.FirstHigh - s.FirstLow; w > width {
				width = w
			}
		}
	}
	return rows, width
}

// printPoints writes the table of a sweep's points.
func printPoints(w io.Writer, h *plots.Headline) {
	printHeadline(w, h, "aggregate.csv")
	if h.Single {
		fmt.Fprintln(w, "  a value without an interval is one run's: --reps 2 or more gives intervals")
	}
}

// printContrasts writes each point's paired difference from its
// baseline, if the sweep pairs its points.
func printContrasts(w io.Writer, d *plots.SweepData) {
	if c := plots.ContrastHeadline(d, maxSweepRows); c != nil {
		fmt.Fprintf(w, "%s, paired by replicate, mean [95%% interval]:\n", c.What)
		printHeadline(w, c, "contrasts.csv")
	}
}

// printCrossings writes where each of a sweep's crossings is first
// reached, if it has any.
func printCrossings(w io.Writer, d *plots.SweepData) {
	if c := d.Crossings; c != nil {
		fmt.Fprintf(w, "where each figure first reaches its level as %s grows, mean [95%% interval] over the replicates that reach it:\n", d.Paths[0])
		printHeadline(w, c, "crossings.csv")
	}
}

// printHeadline writes h's table, columns aligned, and how many points
// it left out for file.
func printHeadline(w io.Writer, h *plots.Headline, file string) {
	// Widths in characters, not bytes: a cell may hold "σ".
	widths := make([]int, len(h.Columns))
	for _, row := range append([][]string{h.Columns}, h.Rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range append([][]string{h.Columns}, h.Rows...) {
		line := " "
		for i, c := range row {
			line += " " + c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	if h.More > 0 {
		fmt.Fprintf(w, "  … %d more points in %s\n", h.More, file)
	}
	if h.Note != "" {
		fmt.Fprintf(w, "  %s\n", h.Note)
	}
}
