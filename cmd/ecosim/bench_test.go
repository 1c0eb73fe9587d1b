package main

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
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
	shards1 := benchConfig{mode: sim.ModeShards, cores: 1}
	actors2 := benchConfig{mode: sim.ModeActors, cores: 2}
	runs := []benchRun{{shards1, benchSummary(1, 100, "aaaa", "eeee"), benchMem{}}, {actors2, benchSummary(1, 100, "aaaa", "eeee"), benchMem{}}}
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
		err := sameResults(append(runs, benchRun{actors2, c.sum, benchMem{}}))
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
	a, b, c := benchConfig{mode: sim.ModeShards, cores: 1}, benchConfig{mode: sim.ModeShards, cores: 2}, benchConfig{mode: sim.ModeActors, cores: 1}
	nan := math.NaN()
	runs := []benchRun{
		{a, benchSummary(6, 1000, "", ""), benchMem{30, 600}}, {b, benchSummary(10, 1000, "", ""), benchMem{nan, 10}},
		{a, benchSummary(1, 1000, "", ""), benchMem{10, 100}}, {b, benchSummary(20, 1000, "", ""), benchMem{7, 20}},
		{a, benchSummary(2, 1000, "", ""), benchMem{20, 200}}, {c, benchSummary(1, 1000, "", ""), benchMem{nan, 5}},
	}
	rows := benchRows([]benchConfig{a, b, c}, runs)
	if len(rows) != 3 {
		t.Fatalf("%d rows for three configurations", len(rows))
	}
	for _, c := range []struct {
		row          benchRow
		n            int
		wall, ns     float64
		decideNs     float64
		perSecWant   float64
		allocs, peak float64 // allocs NaN: none of the runs had two ticks
	}{
		{rows[0], 3, 2, 2e6, 1e6, 500, 20, 200},
		{rows[1], 2, 15, 15e6, 7.5e6, 1e9 / 15e6, 7, 15}, // the run without allocations left out
		{rows[2], 1, 1, 1e6, 0.5e6, 1000, nan, 5},
	} {
		r := c.row
		if r.n != c.n || r.wall != c.wall || r.ns != c.ns || r.phases[0] != c.decideNs || math.Abs(r.perSec()-c.perSecWant) > 1e-9*c.perSecWant ||
			r.peak != c.peak || !(r.allocs == c.allocs || math.IsNaN(r.allocs) && math.IsNaN(c.allocs)) {
			t.Errorf("%s: %+v; want %d runs, wall %g s, %g ns and %g decide-ns an agent-step, %g agent-steps/s, %g allocs a tick, peak %g",
				r.cfg, r, c.n, c.wall, c.ns, c.decideNs, c.perSecWant, c.allocs, c.peak)
		}
	}
	var out strings.Builder
	writeBench(&out, "w", []benchConfig{a, b, c}, runs)
	if !strings.Contains(out.String(), "     -  ") {
		t.Errorf("allocations of runs of one tick not shown as -:\n%s", out.String())
	}
}

// TestBenchMeasuresMemory runs the forest in both modes under a memWatch.
// Actors mode's peak must exceed shards mode's by the goroutines' stacks,
// which a watch of the heap objects alone would miss (a goroutine's
// descriptor and coroutine closures are under 1 KiB, its stack at least
// 2 KiB); and its allocations a tick must leave out the first tick, in
// which every agent's coroutine starts at 7 allocations: included, they
// would add a quarter of the agents a tick over 29 ticks.
func TestBenchMeasuresMemory(t *testing.T) {
	s, err := scenarios.Load("forest", []string{"ticks=30", "failures=[]"})
	if err != nil {
		t.Fatal(err)
	}
	var mem [2]benchMem
	var agents int
	for i, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
		mw := newMemWatch()
		sum, err := runner.Measure(context.Background(), runner.Options{Scenario: s, NoControl: true, Mode: mode, Workers: 1, Progress: mw.tick})
		if err != nil {
			t.Fatal(err)
		}
		mem[i], agents = mw.result(), sum.Agents.Initial
		if math.IsNaN(mem[i].allocsPerTick) || mem[i].allocsPerTick <= 0 || mem[i].peak == 0 {
			t.Fatalf("%v: %+v: no allocations or no peak measured over %d ticks", mode, mem[i], sum.TicksDone)
		}
	}
	t.Logf("%d agents: shards %+v, actors %+v", agents, mem[0], mem[1])
	if d := int64(mem[1].peak) - int64(mem[0].peak); d < int64(agents)*3/2<<10 {
		t.Errorf("actors mode's peak %d bytes above shards mode's, under 1.5 KiB for each of %d goroutines", d, agents)
	}
	if d := mem[1].allocsPerTick - mem[0].allocsPerTick; d > float64(agents)/10 {
		t.Errorf("actors mode allocates %.1f a tick more than shards mode, for %d agents: the coroutines' starts counted", d, agents)
	}
}

// TestBenchSaysWhenRunsAreUneven: a bench stopped part-way through a round
// has more runs of its first configurations than of its last, and the
// table's heading says so rather than give one count for all.
func TestBenchSaysWhenRunsAreUneven(t *testing.T) {
	a, b := benchConfig{mode: sim.ModeShards, cores: 1}, benchConfig{mode: sim.ModeShards, cores: 2}
	even := []benchRun{{a, benchSummary(1, 1000, "m", "e"), benchMem{}}, {b, benchSummary(1, 1000, "m", "e"), benchMem{}}}
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

// TestBenchAutoRow: the auto row shows its share of ticks on one core, is
// left out of the speed-up from the fewest cores to the most, and when it
// is the fastest, the command it names sets no --workers.
func TestBenchAutoRow(t *testing.T) {
	one, two := benchConfig{mode: sim.ModeShards, cores: 1}, benchConfig{mode: sim.ModeShards, cores: 2}
	auto := benchConfig{mode: sim.ModeShards, cores: 2, auto: true}
	alone := func(wall float64, alone int) *runner.Summary {
		s := benchSummary(wall, 1000, "m", "e")
		s.TicksDone, s.TicksAlone = 100, alone
		return s
	}
	runs := []benchRun{
		{one, alone(4, 0), benchMem{}}, {two, alone(2, 0), benchMem{}}, {auto, alone(1, 30), benchMem{}},
		{one, alone(4, 0), benchMem{}}, {two, alone(2, 0), benchMem{}}, {auto, alone(1, 50), benchMem{}},
		{one, alone(4, 0), benchMem{}}, {two, alone(2, 0), benchMem{}}, {auto, alone(1, 90), benchMem{}},
	}
	var out strings.Builder
	writeBench(&out, "w", []benchConfig{one, two, auto}, runs)
	got := out.String()
	for _, want := range []string{
		"\n  shards   auto ",
		"(shards auto: up to 2 cores as simulate runs without --workers; 50% of its ticks on one core)\n",
		"shards: 2.00× from 1 core to 2\n",
		"fastest: shards on up to 2 cores, chosen as it runs (",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "--workers 2)") || strings.Contains(got, "--workers 0") {
		t.Errorf("the fastest, auto, named with --workers:\n%s", got)
	}
	o := &benchOptions{modes: []string{"shards", "actors"}, cores: []int{2, 1}, count: 1, auto: true}
	cfgs, err := o.configs()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfgs) != 6 || cfgs[2] != (benchConfig{mode: sim.ModeShards, cores: 2, auto: true}) || cfgs[2].workers() != 0 || cfgs[1].workers() != 2 {
		t.Errorf("configurations %v: want each mode on 1 core, 2, then auto with workers 0", cfgs)
	}
	o.cores = []int{1}
	if cfgs, _ := o.configs(); len(cfgs) != 2 {
		t.Errorf("on 1 core, %v: an auto row has nothing to choose", cfgs)
	}
	// On 8 cores the auto row also names the count it ran most ticks on,
	// over all its runs.
	eight := benchConfig{mode: sim.ModeShards, cores: 8}
	auto8 := benchConfig{mode: sim.ModeShards, cores: 8, auto: true}
	by := func(m map[int]int) *runner.Summary {
		s := alone(1, m[1])
		s.TicksByWorkers = m
		return s
	}
	runs = []benchRun{
		{one, alone(4, 0), benchMem{}}, {eight, alone(2, 0), benchMem{}}, {auto8, by(map[int]int{1: 10, 4: 60, 8: 30}), benchMem{}},
		{one, alone(4, 0), benchMem{}}, {eight, alone(2, 0), benchMem{}}, {auto8, by(map[int]int{2: 70, 8: 30}), benchMem{}},
	}
	out.Reset()
	writeBench(&out, "w", []benchConfig{one, eight, auto8}, runs)
	if want := "(shards auto: up to 8 cores as simulate runs without --workers; 5% of its ticks on one core, most on 2)\n"; !strings.Contains(out.String(), want) {
		t.Errorf("no %q in:\n%s", want, out.String())
	}
}
