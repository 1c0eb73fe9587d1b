package main

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sim"
)

func benchSummary(wall float64, steps int64, metrics, events string) *runner.Summary {
	return &runner.Summary{WallSeconds: wall, AgentSteps: steps,
		Phases:  runner.PhaseSeconds{Decide: wall / 2, Apply: wall / 4},
		Digests: runner.OutputDigests{Metrics: metrics, Events: events}}
}

// TestBenchRefusesRunsThatDisagree: a run whose outputs differ from the
// first run's is an error that names both configurations and the file, and
// exits 1, not 0 with a table.
func TestBenchRefusesRunsThatDisagree(t *testing.T) {
	shards1 := benchConfig{sim.ModeShards, 1}
	actors2 := benchConfig{sim.ModeActors, 2}
	runs := []benchRun{{shards1, benchSummary(1, 100, "aaaa", "eeee")}, {actors2, benchSummary(1, 100, "aaaa", "eeee")}}
	if err := sameResults(runs); err != nil {
		t.Fatalf("the same digests refused: %v", err)
	}
	for _, c := range []struct {
		sum  *runner.Summary
		file string
	}{
		{benchSummary(1, 100, "abab", "eeee"), "metrics.csv"},
		{benchSummary(1, 100, "aaaa", "efef"), "events.jsonl"},
	} {
		err := sameResults(append(runs, benchRun{actors2, c.sum}))
		if !errors.Is(err, errDiverged) {
			t.Fatalf("%s differs and was not refused: %v", c.file, err)
		}
		for _, want := range []string{c.file, "shards on 1 core", "actors on 2 cores"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %s", err, want)
			}
		}
		if got := exitCode(err); got != exitFailure {
			t.Errorf("exit code %d for runs that disagree, want %d", got, exitFailure)
		}
	}
}

// TestBenchRowsAreMedians checks a configuration's row against its runs:
// the medians of wall time and of time per agent-step, agent-steps per
// second their inverse, each configuration's runs kept apart.
func TestBenchRowsAreMedians(t *testing.T) {
	a, b := benchConfig{sim.ModeShards, 1}, benchConfig{sim.ModeShards, 2}
	runs := []benchRun{
		{a, benchSummary(6, 1000, "", "")}, {b, benchSummary(10, 1000, "", "")},
		{a, benchSummary(1, 1000, "", "")}, {b, benchSummary(20, 1000, "", "")},
		{a, benchSummary(2, 1000, "", "")},
	}
	rows := benchRows([]benchConfig{a, b}, runs)
	if len(rows) != 2 {
		t.Fatalf("%d rows for two configurations", len(rows))
	}
	for _, c := range []struct {
		row        benchRow
		n          int
		wall, ns   float64
		decideNs   float64
		perSecWant float64
	}{
		{rows[0], 3, 2, 2e6, 1e6, 500},
		{rows[1], 2, 15, 15e6, 7.5e6, 1e9 / 15e6},
	} {
		r := c.row
		if r.n != c.n || r.wall != c.wall || r.ns != c.ns || r.phases[0] != c.decideNs || math.Abs(r.perSec()-c.perSecWant) > 1e-9*c.perSecWant {
			t.Errorf("%s: %+v; want %d runs, wall %g s, %g ns and %g decide-ns an agent-step, %g agent-steps/s",
				r.cfg, r, c.n, c.wall, c.ns, c.decideNs, c.perSecWant)
		}
	}
}

// TestBenchSaysWhenRunsAreUneven: a bench stopped part-way through a round
// has more runs of its first configurations than of its last, and the
// table's heading says so rather than give one count for all.
func TestBenchSaysWhenRunsAreUneven(t *testing.T) {
	a, b := benchConfig{sim.ModeShards, 1}, benchConfig{sim.ModeShards, 2}
	even := []benchRun{{a, benchSummary(1, 1000, "m", "e")}, {b, benchSummary(1, 1000, "m", "e")}}
	var out strings.Builder
	writeBench(&out, "w", []benchConfig{a, b}, append(even, even...))
	if !strings.Contains(out.String(), "medians of 2 runs a configuration") {
		t.Errorf("two whole rounds:\n%s", out.String())
	}
	out.Reset()
	writeBench(&out, "w", []benchConfig{a, b}, append(even, even[0]))
	if !strings.Contains(out.String(), "medians of 1 or 2 runs a configuration") {
		t.Errorf("a round and a half:\n%s", out.String())
	}
}
