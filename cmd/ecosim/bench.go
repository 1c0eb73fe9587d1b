package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sim"
)

type benchOptions struct {
	scenarioFlags
	modes []string
	cores []int
	count int
	auto  bool
}

// maxBenchCount bounds --count: more rounds than this measure the machine's
// patience, not the scenario.
const maxBenchCount = 100

func newBenchCmd() *cobra.Command {
	o := &benchOptions{}
	c := &cobra.Command{
		Use:   "bench --scenario PATH|NAME [flags]",
		Short: "Time a scenario in each scheduling mode and on each number of cores, and check they agree",
		Long: `Run a scenario (without its paired control, and writing nothing) in each
--modes and on each --cores, --count times, the configurations taken in turn
round by round so a slow spell of the machine falls on all of them, and print
the medians: the simulation's wall time, agent-steps per second (the live
agents of every tick, summed), nanoseconds per agent-step and where they went
by phase of the tick, heap allocations per tick (over the ticks after the
first, which starts actors mode's goroutines), the peak memory of the run
(Go heap and goroutine stacks, at the ends of ticks, beyond what was in use
before it), and each mode's speed-up from its fewest cores to its most.
With --auto (the default), each mode is also timed as simulate runs it
without --workers, on the most --cores with the run moving between one
core, all of them and counts between as it measures faster: the "auto"
rows. Each run starts after a garbage collection, so none pays for the last
one's world. Use it to choose --mode and --workers for your own scenario on
your own machine; shared machines vary from minute to minute, so compare
figures from one bench only. Interrupted (Ctrl-C), it prints the table of
the runs that finished and says in which round it stopped.

Every run must give the same results, whatever the mode or the cores: bench
compares the digests of metrics.csv and events.jsonl of every run with the
first and fails, naming both runs, if any differ.`,
		Example: `  ecosim bench --scenario forest
  ecosim bench --scenario topology --ticks 150 --modes shards --cores 1,2,4,8 --count 5`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runBench(c, o) },
	}
	o.scenarioFlags.add(c)
	f := c.Flags()
	f.StringSliceVar(&o.modes, "modes", []string{"shards", "actors"}, "scheduling modes to time: shards, actors")
	f.IntSliceVar(&o.cores, "cores", defaultBenchCores(), "numbers of cores (GOMAXPROCS, and shards mode's workers) to time; the default is 1, 2, 4 and so on doubling, then the machine's CPUs")
	f.IntVar(&o.count, "count", 3, "runs of each configuration; the table shows their medians")
	f.BoolVar(&o.auto, "auto", true, "also time each mode as simulate runs it without --workers, on the most --cores, moving between one core, all, and counts between as it measures faster")
	return c
}

// defaultBenchCores is the counts an unpinned run chooses among, one core
// to every core: the ends of the speed-up a user most wants to know, and
// the rungs between that may beat both.
func defaultBenchCores() []int { return sim.WorkerLadder(runtime.NumCPU()) }

// benchConfig is one configuration bench times.
type benchConfig struct {
	mode  sim.Mode
	cores int
	// auto leaves the workers to the engine (runner.Options.Workers 0),
	// which moves between one core, all of them and counts between as it
	// measures faster.
	auto bool
}

func (b benchConfig) String() string {
	if b.auto {
		return fmt.Sprintf("%s on up to %d cores, chosen as it runs", b.mode, b.cores)
	}
	return fmt.Sprintf("%s on %d core%s", b.mode, b.cores, plural(b.cores))
}

// workers is what the configuration asks of the runner.
func (b benchConfig) workers() int {
	if b.auto {
		return 0
	}
	return b.cores
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// benchRun is one timed run: its configuration, summary and memory.
type benchRun struct {
	cfg benchConfig
	sum *runner.Summary
	mem benchMem
}

// benchMem is what a run's memWatch saw.
type benchMem struct {
	allocsPerTick float64 // NaN for a run of fewer than 2 ticks
	peak          uint64  // [bytes]
}

// memWatch follows a run's memory at the end of each of its ticks,
// through the runner's progress calls on the engine's goroutine. It reads
// runtime/metrics, which does not stop the world, so the run's timing is
// not disturbed: 4 values a tick.
type memWatch struct {
	s      [4]metrics.Sample
	base   uint64 // heap objects and stacks before the run [bytes]
	peak   uint64 // the most seen at a tick's end [bytes]
	a0, a1 uint64 // allocations at the ends of tick 1 and the last tick
	last   int    // the last tick, when reached
}

// newMemWatch collects the garbage, which holds the last run's world,
// and notes what is left as the base that the run's peak is measured from.
func newMemWatch() *memWatch {
	w := &memWatch{}
	w.s[0].Name = "/gc/heap/allocs:objects"
	w.s[1].Name = "/memory/classes/heap/objects:bytes"
	w.s[2].Name = "/memory/classes/heap/stacks:bytes"
	// Small allocations without pointers are packed into blocks, which
	// allocs:objects counts as one each; with them counted one by one,
	// as runtime.MemStats.Mallocs does, the figure is go test -bench's.
	w.s[3].Name = "/gc/heap/tiny/allocs:objects"
	runtime.GC()
	w.base = w.read()
	return w
}

// read reads the samples and returns the heap objects' and stacks' bytes.
func (w *memWatch) read() uint64 {
	metrics.Read(w.s[:])
	return w.s[1].Value.Uint64() + w.s[2].Value.Uint64()
}

// tick is the runner's Progress: tick done of total has been recorded.
func (w *memWatch) tick(done, total int) {
	w.peak = max(w.peak, w.read())
	switch done {
	case 1:
		w.a0 = w.allocs()
	case total:
		w.a1, w.last = w.allocs(), done
	}
}

// allocs is the heap allocations read last, counted as MemStats.Mallocs.
func (w *memWatch) allocs() uint64 {
	return w.s[0].Value.Uint64() + w.s[3].Value.Uint64()
}

func (w *memWatch) result() benchMem {
	m := benchMem{allocsPerTick: math.NaN()}
	if w.last >= 2 {
		m.allocsPerTick = float64(w.a1-w.a0) / float64(w.last-1)
	}
	if w.peak > w.base {
		m.peak = w.peak - w.base
	}
	return m
}

func (o *benchOptions) configs() ([]benchConfig, error) {
	if o.count < 1 || o.count > maxBenchCount {
		return nil, usagef("--count must be between 1 and %d, got %d", maxBenchCount, o.count)
	}
	var modes []sim.Mode
	for _, m := range o.modes {
		mode, ok := sim.ParseMode(m)
		if !ok || m == "auto" { // auto is shards, timed once
			return nil, usagef("--modes: %q is not a mode to time (shards, actors)", m)
		}
		if !slices.Contains(modes, mode) {
			modes = append(modes, mode)
		}
	}
	if len(modes) == 0 {
		return nil, usagef("--modes names no mode (shards, actors)")
	}
	var cores []int
	for _, n := range o.cores {
		if n < 1 || n > maxParallel {
			return nil, usagef("--cores: %d is not a number of cores (1 to %d)", n, maxParallel)
		}
		if !slices.Contains(cores, n) {
			cores = append(cores, n)
		}
	}
	if len(cores) == 0 {
		return nil, usagef("--cores names no number of cores")
	}
	slices.Sort(cores)
	var cfgs []benchConfig
	for _, m := range modes {
		for _, n := range cores {
			cfgs = append(cfgs, benchConfig{mode: m, cores: n})
		}
		if most := cores[len(cores)-1]; o.auto && most > 1 {
			cfgs = append(cfgs, benchConfig{mode: m, cores: most, auto: true})
		}
	}
	return cfgs, nil
}

func runBench(c *cobra.Command, o *benchOptions) error {
	cfgs, err := o.configs()
	if err != nil {
		return err
	}
	s, _, err := o.load(c)
	if err != nil {
		return err
	}
	procs := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(procs)
	var runs []benchRun
	total := o.count * len(cfgs)
	log := newProgressLog(c.ErrOrStderr(), s.Name, "runs", 0)
	var runErr error
rounds:
	for r := range o.count {
		for _, cfg := range cfgs {
			runtime.GOMAXPROCS(cfg.cores)
			restoreGC := tuneGC(s.MemoryEstimate(cfg.mode == sim.ModeActors))
			mw := newMemWatch()
			sum, err := runner.Measure(c.Context(), runner.Options{Scenario: s, NoControl: true, Mode: cfg.mode, Workers: cfg.workers(),
				Progress: mw.tick})
			restoreGC()
			if err != nil {
				// An interrupted run's time is of part of the run: the
				// table keeps the whole runs before it, and the error
				// says where the bench stopped and what the table holds.
				runErr = fmt.Errorf("bench stopped in round %d of %d, during %s: %w; %s", r+1, o.count, cfg, err, finishedNote(len(runs)))
				break rounds
			}
			runs = append(runs, benchRun{cfg, sum, mw.result()})
			if err := sameResults(runs); err != nil {
				return err
			}
			log.report(len(runs), total, fmt.Sprintf(" (round %d, the last %s, %.2fs)", r+1, cfg, sum.WallSeconds))
		}
	}
	runtime.GOMAXPROCS(procs)
	if len(runs) > 0 {
		writeBench(c.OutOrStdout(), s.Name, cfgs, runs)
	}
	return runErr
}

// finishedNote says what the table printed before a bench's error holds.
func finishedNote(runs int) string {
	if runs == 0 {
		return "no run finished"
	}
	return fmt.Sprintf("the table above holds the %d run%s that finished", runs, plural(runs))
}

// sameResults checks the last run's outputs against the first's.
func sameResults(runs []benchRun) error {
	first, last := runs[0], runs[len(runs)-1]
	for _, d := range []struct{ file, a, b string }{
		{"metrics.csv", first.sum.Digests.Metrics, last.sum.Digests.Metrics},
		{"events.jsonl", first.sum.Digests.Events, last.sum.Digests.Events},
	} {
		if d.a != d.b {
			return fmt.Errorf("%w: %s differs between %s (sha256 %.12s…) and %s (%.12s…), the same scenario and seed",
				errDiverged, d.file, first.cfg, d.a, last.cfg, d.b)
		}
	}
	return nil
}

// errDiverged is a run whose results depend on how it was scheduled,
// which the determinism contract rules out.
var errDiverged = errors.New("results depend on the mode or the cores")

// benchRow is one configuration's medians.
type benchRow struct {
	cfg    benchConfig
	n      int
	wall   float64 // [s]
	ns     float64 // per agent-step, whole tick
	phases [5]float64
	allocs float64 // per tick after the first; NaN if no run had two ticks
	peak   float64 // [bytes]
	alone  float64 // the share of the ticks run on one core, for auto
	most   int     // the number of goroutines auto ran most ticks on
}

// perSec is agent-steps per second, the inverse of the time per
// agent-step.
func (r benchRow) perSec() float64 { return 1e9 / r.ns }

func benchRows(cfgs []benchConfig, runs []benchRun) []benchRow {
	var rows []benchRow
	for _, cfg := range cfgs {
		var walls, ns, allocs, peaks, alone []float64
		by := map[int]int{}
		var ph [5][]float64
		for _, r := range runs {
			if r.cfg != cfg || r.sum.AgentSteps == 0 {
				continue
			}
			st := float64(r.sum.AgentSteps)
			walls = append(walls, r.sum.WallSeconds)
			ns = append(ns, r.sum.WallSeconds*1e9/st)
			p := r.sum.Phases
			for i, v := range []float64{p.Decide, p.Apply, p.Environment, p.Deliver, p.Record} {
				ph[i] = append(ph[i], v*1e9/st)
			}
			if !math.IsNaN(r.mem.allocsPerTick) {
				allocs = append(allocs, r.mem.allocsPerTick)
			}
			peaks = append(peaks, float64(r.mem.peak))
			alone = append(alone, float64(r.sum.TicksAlone)/float64(max(r.sum.TicksDone, 1)))
			for n, ticks := range r.sum.TicksByWorkers {
				by[n] += ticks
			}
		}
		if len(walls) == 0 {
			continue
		}
		row := benchRow{cfg: cfg, n: len(walls), wall: median(walls), ns: median(ns), allocs: math.NaN(), peak: median(peaks), alone: median(alone)}
		for n, ticks := range by {
			if ticks > by[row.most] || ticks == by[row.most] && n < row.most {
				row.most = n
			}
		}
		if len(allocs) > 0 {
			row.allocs = median(allocs)
		}
		for i := range ph {
			row.phases[i] = median(ph[i])
		}
		rows = append(rows, row)
	}
	return rows
}

// median of xs, which it sorts; the mean of the middle two for an even
// count.
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

func writeBench(w io.Writer, name string, cfgs []benchConfig, runs []benchRun) {
	rows := benchRows(cfgs, runs)
	if len(rows) == 0 {
		return
	}
	first := runs[0].sum
	lo, hi := rows[0].n, rows[0].n
	for _, r := range rows {
		lo, hi = min(lo, r.n), max(hi, r.n)
	}
	count := fmt.Sprintf("%d run%s", hi, plural(hi))
	if lo != hi {
		// Interrupted in a round: the configurations before the stop
		// have one run more than those after it.
		count = fmt.Sprintf("%d or %d runs", lo, hi)
	}
	fmt.Fprintf(w, "%s: %d ticks, %d agents at the start; medians of %s a configuration, simulation only\n",
		name, first.TicksDone, first.Agents.Initial, count)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\tcores\twall [s]\tagent-steps/s\tns/agent-step\tdecide\tapply\tenvironment\tdeliver\trecord\tallocs/tick\tpeak MiB\t")
	for _, r := range rows {
		allocs := "-"
		if !math.IsNaN(r.allocs) {
			allocs = fmt.Sprintf("%.1f", r.allocs)
		}
		cores := fmt.Sprint(r.cfg.cores)
		if r.cfg.auto {
			cores = "auto"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%.1f\t\n", r.cfg.mode, cores, r.wall,
			rate(r.perSec()), r.ns, r.phases[0], r.phases[1], r.phases[2], r.phases[3], r.phases[4], allocs, r.peak/(1<<20))
	}
	tw.Flush()
	fmt.Fprintln(w, "  (the phases in ns per agent-step; allocs/tick over the ticks after the first; peak MiB of Go heap and stacks)")
	for _, r := range rows {
		if r.cfg.auto {
			most := ""
			if r.cfg.cores > 2 && r.most > 0 {
				// Between the ends, the count it settled on says more.
				most = fmt.Sprintf(", most on %d", r.most)
			}
			fmt.Fprintf(w, "  (%s auto: up to %d cores as simulate runs without --workers; %.0f%% of its ticks on one core%s)\n",
				r.cfg.mode, r.cfg.cores, 100*r.alone, most)
		}
	}
	var best *benchRow
	for _, m := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
		var lo, hi *benchRow
		for i := range rows {
			r := &rows[i]
			if r.cfg.mode != m {
				continue
			}
			if best == nil || r.ns < best.ns {
				best = r
			}
			if r.cfg.auto {
				continue
			}
			if lo == nil {
				lo = r
			}
			hi = r
		}
		if lo != nil && hi != lo {
			fmt.Fprintf(w, "%s: %.2f× from %d core%s to %d\n", m, lo.ns/hi.ns, lo.cfg.cores, plural(lo.cfg.cores), hi.cfg.cores)
		}
	}
	switch {
	case best.cfg.auto:
		procs := ""
		if best.cfg.cores != runtime.NumCPU() {
			procs = fmt.Sprintf("GOMAXPROCS=%d ", best.cfg.cores)
		}
		fmt.Fprintf(w, "fastest: %s (%secosim simulate --mode %s)\n", best.cfg, procs, best.cfg.mode)
	case best.cfg.mode == sim.ModeShards:
		fmt.Fprintf(w, "fastest: %s (ecosim simulate --mode shards --workers %d)\n", best.cfg, best.cfg.cores)
	default:
		fmt.Fprintf(w, "fastest: %s (GOMAXPROCS=%d ecosim simulate --mode actors)\n", best.cfg, best.cfg.cores)
	}
	fmt.Fprintf(w, "every run gave the same results: metrics.csv %.12s…, events.jsonl %.12s…\n", first.Digests.Metrics, first.Digests.Events)
}

// rate writes agent-steps per second in millions or thousands.
func rate(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2f M", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f k", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
