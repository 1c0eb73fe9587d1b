package main

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/plots"
	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sweep"
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
		"  biomass            0.614      752       never     99.56        0.881",
		"  living_trees       0.897      736   133 ticks     22.92        0.993",
		"  g                  1.000      400      1 tick      0.00        1.060",
		"  resistance: the lowest ratio of run to control; recovery: ticks from that low until the",
		"  ratio is back to 0.95 and stays there 20 ticks (never: not within the run); loss: the area",
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

// TestPrintSweepFigures: each indicator's resistance at each point, with
// its interval, or the mean alone and a note for a point of one run; the
// final values where there are no failures; a long sweep cut short.
func TestPrintSweepFigures(t *testing.T) {
	nan := math.NaN()
	d := &plots.SweepData{Paths: []string{"failures[0].fraction"},
		Figures: []string{"final_nodes", "nodes_resistance", "nodes_loss", "giant_resistance"},
		ByFig: map[string][]plots.AggPoint{
			"final_nodes":      {{Values: []string{"0"}, Mean: 100}},
			"nodes_resistance": {{Values: []string{"0"}, Mean: 1, Low: 1, High: 1, N: 3}, {Values: []string{"0.1"}, Mean: 0.9012, Low: 0.85, High: 0.95, N: 3}},
			"giant_resistance": {{Values: []string{"0"}, Mean: 1, Low: 1, High: 1, N: 3}, {Values: []string{"0.1"}, Mean: 0.5, Low: nan, High: nan, N: 1}},
		}}
	var b strings.Builder
	printSweepFigures(&b, d)
	want := "resistance at each point, mean [95% interval] over its replicates:\n" +
		"  failures[0].fraction nodes              giant\n" +
		"  0                    1 [1, 1]           1 [1, 1]\n" +
		"  0.1                  0.901 [0.85, 0.95] 0.5\n" +
		"  a value without an interval is one run's: --reps 2 or more gives intervals\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}

	d = &plots.SweepData{Paths: []string{"fungi.fee"}, Figures: []string{"final_biomass"}, ByFig: map[string][]plots.AggPoint{}}
	for i := range maxSweepRows + 3 {
		d.ByFig["final_biomass"] = append(d.ByFig["final_biomass"], plots.AggPoint{Values: []string{strconv.Itoa(i)}, Mean: 2, Low: 1, High: 3, N: 2})
	}
	b.Reset()
	printSweepFigures(&b, d)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if !strings.HasPrefix(lines[0], "final values at each point") || len(lines) != maxSweepRows+3 || lines[len(lines)-1] != "  … 3 more points in aggregate.csv" {
		t.Errorf("a long sweep without failures:\n%s", b.String())
	}
}

// TestPrintSweepContrasts: after the points' own figures come each
// point's paired differences from the baseline.
func TestPrintSweepContrasts(t *testing.T) {
	d := &plots.SweepData{Paths: []string{"fungi.share_rate"}, Figures: []string{"x_resistance"}, Baseline: "fungi.share_rate=0",
		ByFig: map[string][]plots.AggPoint{"x_resistance": {
			{Values: []string{"0"}, Mean: 0.184, Low: 0.175, High: 0.194, N: 8}, {Values: []string{"0.3"}, Mean: 0.202, Low: 0.192, High: 0.213, N: 8}}},
		Contrasts: map[string][]plots.AggPoint{"x_resistance": {{Values: []string{"0.3"}, Mean: 0.0181, Low: 0.012, High: 0.0241, N: 8, Mark: " *"}}}}
	var b strings.Builder
	printSweepFigures(&b, d)
	want := "resistance at each point, mean [95% interval] over its replicates:\n" +
		"  fungi.share_rate x\n" +
		"  0                0.184 [0.175, 0.194]\n" +
		"  0.3              0.202 [0.192, 0.213]\n" +
		"difference in resistance from fungi.share_rate=0, paired by replicate, mean [95% interval]:\n" +
		"  fungi.share_rate x\n" +
		"  0.3              0.0181 [0.012, 0.0241] *\n" +
		"  * the difference stands with every point's comparison of the figure counted in (Holm-adjusted p < 0.05, p_holm in contrasts.csv)\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestPrintFinal: a run without a control prints the scenario's
// indicators at its last tick, in the scenario's order, readably.
func TestPrintFinal(t *testing.T) {
	sum := &runner.Summary{TicksDone: 300, Final: map[string]float64{"biomass": 43256.51, "living_trees": 4254, "giant_component": 0.06, "ants": 7}}
	var b strings.Builder
	printFinal(&b, sum, []string{"living_trees", "biomass", "giant_component", "missing"})
	if want := "at tick 300: living_trees 4254, biomass 43256.5, giant_component 0.06\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	printFinal(&b, sum, nil)
	if b.Len() != 0 {
		t.Errorf("without indicators: %q", b.String())
	}
}

// TestHeadlineColumnsCountCharacters: a cell holding "σ" (two bytes, one
// character) lines up with the others.
func TestHeadlineColumnsCountCharacters(t *testing.T) {
	var b strings.Builder
	printHeadline(&b, &plots.Headline{Columns: []string{"path", "x", "y"}, Rows: [][]string{{"a", "0.5 σ 0.1", "1"}, {"bb", "0.25 σ 0.125", "2"}}}, "morris.csv")
	want := "  path x            y\n" +
		"  a    0.5 σ 0.1    1\n" +
		"  bb   0.25 σ 0.125 2\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestPrintSobolSweepLeavesPointsOut: a sobol or morris sweep's points are
// its design's scaffolding; the table of them gives way to one line.
func TestPrintSobolSweepLeavesPointsOut(t *testing.T) {
	for _, design := range []string{sweep.DesignSobol, sweep.DesignMorris, sweep.DesignLHS} {
		d := &plots.SweepData{Paths: []string{"a"}, Figures: []string{"x_resistance"}, Design: design,
			ByFig: map[string][]plots.AggPoint{"x_resistance": {{Values: []string{"0.1"}, Mean: 0.5, Low: 0.4, High: 0.6, N: 2}, {Values: []string{"0.7"}, Mean: 0.2, Low: 0.1, High: 0.3, N: 2}}}}
		var b strings.Builder
		printSweepFigures(&b, d)
		table := strings.Contains(b.String(), "0.5 [0.4, 0.6]")
		if line := "resistance at each of the 2 points run is in aggregate.csv\n"; (design == sweep.DesignLHS) == (b.String() == line) || table != (design == sweep.DesignLHS) {
			t.Errorf("%s design:\n%s", design, b.String())
		}
	}
}

// TestWideSobolIntervalsAreNoted: intervals a third of the scale wide or
// more get a line on narrowing them; narrow ones none.
func TestWideSobolIntervalsAreNoted(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		noted  bool
	}{{0.2, 0.9, true}, {0.5, 0.7, false}} {
		d := &plots.SweepData{Paths: []string{"a"}, Figures: []string{"x_resistance"}, Design: sweep.DesignSobol,
			ByFig: map[string][]plots.AggPoint{"x_resistance": {{Values: []string{"0.1"}, Mean: 0.5, N: 1}}},
			Sobol: map[string][]plots.SobolPoint{"x_resistance": {{Path: "a", Rows: 16, First: 0.6, FirstLow: c.lo, FirstHigh: c.hi, Total: 0.6, TotalLow: 0.5, TotalHigh: 0.7}}}}
		var b strings.Builder
		printSweepFigures(&b, d)
		note := "  some intervals are 0.70 wide over 16 rows; 4 times the rows (--samples) about halves them\n"
		if strings.Contains(b.String(), note) != c.noted || !strings.Contains(b.String(), "first-order index of resistance") {
			t.Errorf("[%v, %v]:\n%s", c.lo, c.hi, b.String())
		}
	}
}

// TestSobolNoiseIsNoted: a sobol sweep says when its replicates' noise is
// over a tenth of a figure's variance, naming the figure with the most,
// and with one replicate a point, that the noise is unknown; a small share
// gets no line.
func TestSobolNoiseIsNoted(t *testing.T) {
	for _, c := range []struct {
		noise [2]float64
		want  string
	}{
		{[2]float64{0.04, 0.31}, "  replicate noise is 0.31 of y_resistance's variance: first-order indices can come out lower, and totals higher, by up to about that; 4 times the replicates (--reps) quarter it\n"},
		{[2]float64{0.04, 0.09}, ""},
		{[2]float64{math.NaN(), math.NaN()}, "  with one replicate a point, how much of the variance is the runs' own noise is unknown; --reps 2 or more shows it\n"},
	} {
		d := &plots.SweepData{Paths: []string{"a"}, Figures: []string{"x_resistance", "y_resistance"}, Design: sweep.DesignSobol,
			ByFig: map[string][]plots.AggPoint{"x_resistance": {{Values: []string{"0.1"}, Mean: 0.5, N: 1}}},
			Sobol: map[string][]plots.SobolPoint{}}
		for i, f := range d.Figures {
			d.Sobol[f] = []plots.SobolPoint{{Path: "a", Rows: 16, First: 0.6, FirstLow: 0.5, FirstHigh: 0.7, Total: 0.6, TotalLow: 0.5, TotalHigh: 0.7, Noise: c.noise[i]}}
		}
		var b strings.Builder
		printSweepFigures(&b, d)
		got := b.String()
		said := strings.Contains(got, "  replicate noise is") || strings.Contains(got, "noise is unknown")
		if c.want == "" && said || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("noise %v:\n%s", c.noise, got)
		}
	}
}

// TestShellWord: a word a shell reads as it is stays bare; any other is
// single-quoted, a quote inside closed, escaped and reopened, so that
// pasting the command gives the program the same word.
func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"forest":                         "forest",
		"my/forest.yaml":                 "my/forest.yaml",
		"fungi.share_rate=0.1":           "fungi.share_rate=0.1",
		"failures[1].severity=0.5":       "'failures[1].severity=0.5'",
		"name=it's":                      `'name=it'\''s'`,
		"a b":                            "'a b'",
		"":                               "''",
		"failures=[{kind: kill, at: 8}]": "'failures=[{kind: kill, at: 8}]'",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
	if got := setFlags([]string{"ticks=120", "a b"}); got != " --set ticks=120 --set 'a b'" {
		t.Errorf("setFlags: %q", got)
	}
}
