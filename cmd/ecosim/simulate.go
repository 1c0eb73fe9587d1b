package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
	"github.com/ecosim/ecosim/sweep"
)

type simulateOptions struct {
	scenarioFlags
	out     string
	mode    string
	workers int
	force   bool
	noCtl   bool
	noPlots bool
	noSnaps bool
	profile string
	chart   chartOptions
}

func newSimulateCmd() *cobra.Command {
	o := &simulateOptions{}
	c := &cobra.Command{
		Use:   "simulate --scenario PATH|NAME [flags]",
		Short: "Run one scenario and write its run directory",
		Long: `Run one scenario and write its run directory: scenario.yaml (resolved, defaults
filled in), metrics.csv (one row per tick), events.jsonl and summary.json.

--scenario takes a file path, or the name of a built-in scenario (see
'ecosim scenarios list'); "forest" and "forest.yaml" both name the built-in
unless a file of that name exists. A scenario with failures is also run as
its paired control (same seed, failures removed) into control/, and
resilience.json compares the two; the two are one run until the first
failure, so the failure run carries on from the control's state at the tick
before it (summary.json's forked_at) with the same results. Ctrl-C stops at the next tick boundary and
still writes a complete run directory, marked interrupted.`,
		Example: `  ecosim simulate --scenario forest
  ecosim simulate --scenario my/forest.yaml --seed 7 --ticks 2000 --set fungi.share_rate=0 --out results/no-sharing`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runSimulate(c, o) },
	}
	o.scenarioFlags.add(c)
	f := c.Flags()
	f.StringVarP(&o.out, "out", "o", "", "run directory (default: results/<scenario name>)")
	f.StringVar(&o.mode, "mode", "auto", "scheduling: auto (the fastest: shards), shards (worker pool) or actors (a goroutine per agent); results are identical")
	f.IntVar(&o.workers, "workers", 0, "goroutines sharing each parallel step of a tick, in either mode, at most GOMAXPROCS (default: one per CPU, the run moving between one core, all of them and counts between as it measures faster; results are the same)")
	f.BoolVar(&o.force, "force", false, "replace an earlier run in the output directory (only a directory holding a run's summary.json)")
	f.BoolVar(&o.noCtl, "no-control", false, "skip the paired control run (and resilience.json) of a scenario with failures")
	f.BoolVar(&o.noPlots, "no-plots", false, "do not draw charts into DIR/plots")
	f.BoolVar(&o.noSnaps, "no-snapshots", false, "record no world snapshots, so no maps (a snapshot of a million-agent world is about 30 MB of JSON)")
	f.StringVar(&o.profile, "profile", "", "profile the run: cpu or mem; writes DIR/profile.cpu.pprof or DIR/profile.mem.pprof for 'go tool pprof'")
	o.chart.addFlags(c)
	_ = c.RegisterFlagCompletionFunc("mode", cobra.FixedCompletions([]string{"auto", "shards", "actors"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runSimulate(c *cobra.Command, o *simulateOptions) error {
	mode, ok := sim.ParseMode(o.mode)
	if !ok {
		return usagef("--mode must be auto, shards or actors, got %q", o.mode)
	}
	s, sets, err := o.load(c)
	if err != nil {
		return err
	}
	if err := o.chart.check(); err != nil {
		return err
	}
	if o.workers < 0 || o.workers > maxParallel {
		return usagef("--workers must be 0 (one per CPU) to %d, got %d", maxParallel, o.workers)
	}
	if procs := runtime.GOMAXPROCS(0); o.workers > procs {
		// The engine runs no more goroutines than Go has cores; said
		// here, so the count asked for is not taken to be the one run.
		fmt.Fprintf(c.ErrOrStderr(), "ecosim: --workers %d is more than the %d cores Go runs on here (GOMAXPROCS); the run uses %d\n", o.workers, procs, procs)
	}
	if o.noSnaps && (len(o.chart.snapshots) > 0 || o.chart.animate) {
		return usagef("--snapshots and --animate ask for maps that --no-snapshots turns off; use one or the other")
	}
	for _, t := range o.chart.snapshots {
		// Dropped quietly, a map asked for would just be missing.
		if t < 0 || t > s.Ticks {
			return usagef("--snapshots %d: the run's ticks are 0 to %d", t, s.Ticks)
		}
	}
	out := o.out
	if out == "" {
		out = filepath.Join("results", s.Name)
	}
	restoreGC := tuneGC(s.MemoryEstimate(mode == sim.ModeActors))
	// Worked out before a profile starts, which it would only blur.
	fp, err := sweep.ResultsFingerprint()
	if err != nil {
		return err
	}
	stopProfile, err := startProfile(o.profile)
	if err != nil {
		return err
	}
	snaps := o.chart.snapshotTicks(s.Ticks)
	if o.noSnaps {
		snaps = nil
	}
	bar, done := progressBar(c.ErrOrStderr(), s.Name, s.Ticks)
	start := time.Now()
	sum, err := runner.Run(c.Context(), runner.Options{
		Scenario: s, Out: out, Force: o.force, NoControl: o.noCtl, Mode: mode, Workers: o.workers,
		Version: versionString(), ResultsFingerprint: fp, Progress: bar, Snapshots: snaps,
	})
	done()
	restoreGC()
	if perr := stopProfile(out); err == nil && sum != nil {
		err = perr
	}
	if sum != nil {
		c.Printf("%s: %s, %d/%d ticks, %d agents at end, %.1fs (%s, GOMAXPROCS=%d%s) -> %s\n",
			s.Name, sum.Status, sum.TicksDone, sum.Ticks, sum.Agents.Final, time.Since(start).Seconds(),
			sum.Mode, runtime.GOMAXPROCS(0), coresNote(sum.TicksByWorkers, runtime.GOMAXPROCS(0)), out)
		if o.profile != "" {
			p := sum.Phases
			c.Printf("time by phase: decide %.2fs, apply %.2fs (serial part %.2fs), environment %.2fs, deliver %.2fs, record %.2fs\n",
				p.Decide, p.Apply, p.ApplySerial, p.Environment, p.Deliver, p.Record)
		}
		printResilience(c.OutOrStdout(), sum.Resilience)
		if sum.Resilience != nil && sum.Status == runner.StatusComplete && o.scenario != "-" {
			// One run's figures carry its seed's luck; the sweep that
			// gives them intervals is one command away.
			c.Printf("  one run; for 95%% intervals over replicates, and each indicator's course over them:\n"+
				"  ecosim sweep --scenario %s --reps 20 --keep-runs%s\n", shellWord(o.scenario), setFlags(sets))
		}
		if sum.Resilience == nil {
			printFinal(c.OutOrStdout(), sum, s.Resilience.Indicators)
		}
	}
	// An interrupted or failed run still has its ticks to show; a second
	// Ctrl-C while its charts are drawn ends the process at once.
	if sum != nil && !o.noPlots {
		if perr := drawCharts(c, out, o.chart); err == nil {
			err = perr
		}
	}
	return err
}

// scenarioFlags are the flags that say which scenario a command runs:
// --scenario, --seed, --ticks and --set.
type scenarioFlags struct {
	scenario string
	seed     uint64
	ticks    int
	sets     []string
}

func (o *scenarioFlags) add(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.scenario, "scenario", "s", "", "scenario file, built-in name, or - for standard input (required)")
	f.Uint64Var(&o.seed, "seed", 0, "seed (default: the scenario's)")
	f.IntVar(&o.ticks, "ticks", 0, "ticks to run (default: the scenario's)")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario field, path=value (repeatable), e.g. fungi.share_rate=0")
	_ = c.MarkFlagRequired("scenario")
	_ = c.RegisterFlagCompletionFunc("scenario", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return scenarios.Builtins(), cobra.ShellCompDirectiveDefault
	})
}

// load reads the scenario with the --set overrides, and --seed and --ticks
// added as overrides when the command line gives them; it returns the
// overrides too.
func (o *scenarioFlags) load(c *cobra.Command) (*scenarios.Scenario, []string, error) {
	sets := append([]string(nil), o.sets...)
	if c.Flags().Changed("seed") {
		sets = append(sets, fmt.Sprintf("seed=%d", o.seed))
	}
	if c.Flags().Changed("ticks") {
		// Checked here, or the scenario's message would name a --set the
		// user never typed.
		if o.ticks < 1 || o.ticks > scenarios.MaxTicks {
			return nil, nil, usagef("--ticks must be between 1 and %d, got %d", scenarios.MaxTicks, o.ticks)
		}
		sets = append(sets, fmt.Sprintf("ticks=%d", o.ticks))
	}
	s, err := loadScenario(c, o.scenario, sets)
	return s, sets, err
}

// progressBar shows a bar with ETA on a terminal, and elsewhere a line of
// progress every logEvery; it returns the per-tick callback and a function
// that ends the bar.
func progressBar(w io.Writer, name string, total int) (func(done, total int), func()) {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		l := newProgressLog(w, name, "ticks", 0)
		return func(done, all int) { l.report(done, all, "") }, func() {}
	}
	p := mpb.New(mpb.WithOutput(os.Stderr), mpb.WithWidth(60))
	b := p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name("ticks "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" ETA "), decor.EwmaETA(decor.ET_STYLE_GO, 30)),
	)
	last := time.Now()
	return func(done, all int) {
			now := time.Now()
			if all != total {
				total = all
				b.SetTotal(int64(all), false)
			}
			b.EwmaSetCurrent(int64(done), now.Sub(last))
			last = now
		}, func() {
			b.Abort(false)
			p.Wait()
		}
}

// setFlags is --set flags for sets, each quoted for a shell where it must
// be, to repeat them in a command the user is shown.
func setFlags(sets []string) string {
	var b strings.Builder
	for _, s := range sets {
		b.WriteString(" --set " + shellWord(s))
	}
	return b.String()
}

// shellWord is s as one word for a POSIX shell: as it is when it holds
// nothing a shell would read otherwise, else in single quotes.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,/=:+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// maxParallel bounds the goroutines or runs a flag may ask for at once:
// the engine's own bound on its workers (sim.MaxWorkers), which a
// mistyped count should meet at the flag, before any output is written.
const maxParallel = sim.MaxWorkers

// coresNote says on how many cores the engine chose to run the ticks that
// did not run on all of them, ticks by count of goroutines: empty if all
// did.
func coresNote(by map[int]int, procs int) string {
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(by)) {
		if n >= procs {
			continue
		}
		if n == 1 {
			parts = append(parts, fmt.Sprintf("one core for %d ticks", by[n]))
		} else {
			parts = append(parts, fmt.Sprintf("%d cores for %d ticks", n, by[n]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}
