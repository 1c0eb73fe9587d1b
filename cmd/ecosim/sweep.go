package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/ecosim/ecosim/plots"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sweep"
)

type sweepOptions struct {
	scenario  string
	sets      []string
	vary      []string
	plan      string
	reps      int
	design    string
	samples   int
	sampler   string
	levels    int
	workers   int
	out       string
	keepRuns  bool
	shard     string
	broker    string
	auth      sweep.Auth
	noPlots   bool
	dryRun    bool
	crossings []string
	baseline  string
}

func newSweepCmd() *cobra.Command {
	o := &sweepOptions{}
	c := &cobra.Command{
		Use:   "sweep --scenario S [--vary path=SPEC ...] [flags]",
		Short: "Run a batch parameter sweep with replicates",
		Long: `Run a parameter sweep: every point of the design, each with --reps replicates.

SPEC is a list (0,0.1,0.5), an inclusive range start:end:step (0:1:0.1), or, for --design
random, lhs, sobol or morris, a distribution (uniform(0,1)). Paths are those
of --set. A plan can also come from a file (--plan sweep.yaml) with a sweep:
section:

  sweep:
    vary:
      - {path: "failures[0].fraction", values: "0:0.5:0.05"}
      - {path: fungi.share_rate, values: "0,0.1"}
    reps: 10
    design: grid
    crossings:                     # as --crossing, which adds to these
      - {figure: biomass_resistance, level: 0.5}
    baseline: 0.1                  # as --baseline, which replaces it

With no --vary, --reps N runs N replicates of the scenario as one point.

Replicate r uses the same seed at every point (common random numbers), so
differences between points are not drowned in noise. Each run with failures is
paired with its control, as in simulate. The output directory holds
sweep.json, runs.csv (one row per run), aggregate.csv (mean, sd and 95%
confidence interval per point and figure), contrasts.csv and plots/.

contrasts.csv compares each point with its baseline replicate by replicate:
the mean and 95% interval of the differences of each figure. The baseline is
the point with the first --vary at its first value (or at --baseline VALUE)
and the other varied paths as the point has them, so list first the --vary
whose values you compare. Paired runs share their noise, so a difference is
often resolved where the two points' own intervals overlap. Each difference
also has the paired t test's p-value and, in p_holm, that p adjusted by
Holm's method over the points compared on the same figure; the tables mark
with * those below 0.05. After each recovery time comes the difference in
the share of replicates that recovered, pair by pair.

A random, lhs or sobol design also writes sensitivity.csv: for each figure
and each varied path with numbers, the partial rank correlation (PRCC) over
the runs (of a sobol design, its A and B points), with its 95% interval,
which tells the paths the figure depends on.

--design sobol --samples N apportions each figure's variance among the varied
paths (Saltelli's design: N rows of 2+k points for k paths, so N(2+k) points).
sobol.csv holds each path's first-order index (its share of the variance on
its own) and total-effect index (with its interactions), each with a 95%
bootstrap interval. It needs no monotone effect and takes paths of names too.
Its two matrices A and B come from one scrambled Halton sequence, whose points
spread more evenly than independent draws, so the indices settle with fewer
rows; --sampler lhs draws them as two Latin hypercubes instead.

--design morris --samples R screens many paths for few runs (Morris's
elementary effects: R trajectories of 1+k points, each moving one path at a
time by 2/3 of its range; --levels L, an even number, puts the values on L
levels of each range, and a step moves half of them). morris.csv holds, per
path, mu* (how far a figure moves with it) with a 95% bootstrap interval, and
sigma (how unevenly).

--crossing FIGURE=LEVEL finds, replicate by replicate, where FIGURE first
reaches LEVEL as the first --vary grows (interpolated between its values), and
writes the mean and 95% interval of those places to crossings.csv: the failure
fraction at which a network falls apart, say. They are kept in sweep.json, and
a rerun with other --crossing flags works them out from the recorded runs.

A run with failures is paired with its control, the scenario without them,
and runs whose controls are the same share one run of it: a sweep of failures
alone runs a control a replicate, not a run (--dry-run counts them). Each run
carries on from its control's state at the tick before its first failure,
rather than running those ticks again.

Rerunning into the same directory skips the runs already recorded; Ctrl-C loses
only the runs in flight. Only a build with the results fingerprint of the one
that began a sweep ('ecosim version') may add runs to it. A point whose values
an earlier point of the design has is run once. --shard i/N runs one static
slice for batch schedulers; join the slices with 'ecosim sweep merge'. With
--broker the runs go to NATS JetStream workers ('ecosim worker'), and with
--keep-runs as well each run's directory comes back through the broker. A
broker that asks who its clients are takes a credentials file (--creds) or a
client certificate (--tls-cert, --tls-key); --tls-ca names the authority of its
own certificate.`,
		Example: `  ecosim sweep --scenario forest --vary failures[0].fraction=0:0.5:0.1 --reps 10
  ecosim sweep --scenario topology --vary network.topology=star,random,scale-free --vary failures[0].fraction=0:0.3:0.05 --reps 5
  ecosim sweep --scenario topology --vary failures[0].fraction=0:0.3:0.05 --reps 6 --crossing giant_component_resistance=0.5
  ecosim sweep --scenario fire --vary trees.density=0.5:0.7:0.02 --reps 10 --set ticks=400
  ecosim sweep --scenario mycorrhiza --design sobol --samples 64 --vary 'fungi.share_rate=uniform(0,0.5)' --vary 'failures[0].severity=uniform(0.5,0.95)'
  ecosim sweep --scenario forest --design morris --samples 20 --vary 'fungi.share_rate=uniform(0,0.5)' --vary 'failures[0].fraction=uniform(0,0.3)' --vary 'trees.count=1500:3000:500'
  ecosim sweep --scenario forest --reps 20`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runSweep(c, o) },
	}
	f := c.Flags()
	f.StringVarP(&o.scenario, "scenario", "s", "", "scenario file, built-in name, or - for standard input (required)")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario field for every run, path=value (repeatable)")
	f.StringArrayVar(&o.vary, "vary", nil, "a varied field, path=SPEC (repeatable)")
	f.StringVar(&o.plan, "plan", "", "YAML file with a sweep: section (vary, reps, design, samples, sampler, levels, crossings, baseline)")
	f.IntVar(&o.reps, "reps", 0, "replicates per point (default 1)")
	f.StringVar(&o.design, "design", "", "grid (default), random, lhs, sobol or morris")
	f.IntVar(&o.samples, "samples", 0, "points of a random or lhs design; base rows of a sobol design; trajectories of a morris design")
	f.StringVar(&o.sampler, "sampler", "", "how a sobol design draws its A and B: halton (default) or lhs")
	f.IntVar(&o.levels, "levels", 0, "levels of each path's range in a morris design, an even number (default 4)")
	f.IntVar(&o.workers, "workers", 0, "runs at once (default: number of CPUs)")
	f.StringVarP(&o.out, "out", "o", "", "sweep directory (default: results/<scenario>-sweep)")
	f.BoolVar(&o.keepRuns, "keep-runs", false, "keep every run's directory under runs/ (with --broker, the workers send them through the broker), and draw each indicator's course over the replicates")
	f.StringVar(&o.shard, "shard", "", "run only static shard i of N, as i/N")
	f.StringVar(&o.broker, "broker", "", "NATS URL: publish the runs to JetStream workers instead of running them here")
	addAuthFlags(f, &o.auth)
	f.BoolVar(&o.noPlots, "no-plots", false, "do not draw the sweep charts")
	f.StringArrayVar(&o.crossings, "crossing", nil, "FIGURE=LEVEL: where FIGURE first reaches LEVEL as the first --vary grows, per replicate, into crossings.csv (repeatable)")
	f.StringVar(&o.baseline, "baseline", "", "the first --vary's value the other points are compared with, pair by pair, in contrasts.csv (default: its first)")
	f.BoolVar(&o.dryRun, "dry-run", false, "check every point of the plan against the scenario and list them, without running or writing anything")
	c.AddCommand(newMergeCmd())
	return c
}

func (o *sweepOptions) buildPlan() (*sweep.Plan, error) {
	plan := &sweep.Plan{}
	if o.plan != "" {
		p, err := sweep.ReadPlanFile(o.plan)
		if err != nil {
			return nil, err
		}
		plan = p
	}
	for _, v := range o.vary {
		path, spec, ok := strings.Cut(v, "=")
		if !ok {
			return nil, fmt.Errorf("%w: --vary %q: want path=SPEC", sweep.ErrPlan, v)
		}
		plan.Vary = append(plan.Vary, sweep.Vary{Path: path, Values: spec})
	}
	if o.reps != 0 {
		plan.Reps = o.reps
	}
	if o.design != "" {
		plan.Design = o.design
	}
	if o.baseline != "" {
		plan.Baseline = o.baseline
	}
	if o.samples != 0 {
		plan.Samples = o.samples
	}
	if o.sampler != "" {
		plan.Sampler = o.sampler
	}
	if o.levels != 0 {
		plan.Levels = o.levels
	}
	return plan, plan.Check()
}

func runSweep(c *cobra.Command, o *sweepOptions) error {
	if o.scenario == "" {
		return usagef("sweep needs --scenario")
	}
	if o.workers < 0 || o.workers > maxParallel {
		return usagef("--workers must be 0 (one per CPU) to %d, got %d", maxParallel, o.workers)
	}
	// 0 is what the plan reads as "not given", so a typed 0 is refused
	// here rather than taken for the default.
	for _, name := range []string{"reps", "samples"} {
		if f := c.Flags().Lookup(name); f.Changed && f.Value.String() == "0" {
			return usagef("--%s must be 1 or more, got 0", name)
		}
	}
	if c.Flags().Changed("levels") && o.levels == 0 {
		return usagef("--levels must be an even number from 2 to 100, got 0")
	}
	if o.broker == "" {
		if err := authFlagsNeedBroker(c.Flags()); err != nil {
			return err
		}
	} else if err := authUsage(o.auth); err != nil {
		return err
	}
	plan, err := o.buildPlan()
	if err != nil {
		return err
	}
	base, err := loadScenario(c, o.scenario, o.sets)
	if err != nil {
		return err
	}
	crossings, err := parseCrossings(plan.Crossings, o.crossings)
	if err != nil {
		return err
	}
	if o.dryRun {
		if err := sweep.CheckCrossings(crossings, plan, sweep.Figures(base)); err != nil {
			return err
		}
		return dryRun(c, plan, base)
	}
	opts := sweep.Options{Out: o.out, Workers: o.workers, KeepRuns: o.keepRuns, Version: versionString(), Crossings: crossings}
	if opts.Out == "" {
		opts.Out = filepath.Join("results", base.Name+"-sweep")
	}
	if o.shard != "" {
		if opts.Shard, opts.Shards, err = sweep.ParseShard(o.shard); err != nil {
			return err
		}
	}
	if o.broker != "" {
		// Before the sweep's directory is written: a mistyped address
		// should leave nothing behind.
		if err := sweep.CheckBroker(o.broker, o.auth); err != nil {
			return err
		}
	}
	start := time.Now()
	prep, err := sweep.Prepare(plan, base, opts)
	if err != nil {
		return err
	}
	pending := len(prep.Pending())
	c.Printf("%s: %s (%s x %s%s), %d already recorded, into %s\n", base.Name, count(len(prep.Runs), "run"),
		count(len(prep.Runs)/plan.Reps, "point"), count(plan.Reps, "replicate"), shardNote(o.shard), len(prep.Runs)-pending, opts.Out)
	if o.shard == "" {
		printRepeats(c, plan, len(prep.Runs))
	}
	if o.broker != "" && pending > 0 {
		// Said before the wait: a worker of another build takes none.
		c.Printf("runs go to the workers on %s of results fingerprint %s (ecosim version)\n", sweep.Redacted(o.broker), prep.Manifest.ResultsFingerprint)
	}
	bar, done := sweepBar(c.ErrOrStderr(), base.Name, len(prep.Runs), len(prep.Runs)-pending)
	opts.Progress = bar
	opts.Note = func(s string) { c.PrintErrln("note:", s) }
	var prog sweep.Progress
	if o.broker != "" {
		prog, err = sweep.RunBrokerWith(c.Context(), prep, opts, o.broker, sweep.BrokerConfig{Auth: o.auth})
	} else {
		prog, err = sweep.RunLocal(c.Context(), prep, opts)
	}
	done()
	if ferr := prep.Finish(opts.Out); err == nil {
		err = ferr
	}
	c.Printf("%s: %d runs done now (%d failed), %d recorded in all, %.1fs -> %s\n", base.Name, prog.Done, prog.Failed,
		prog.Skipped+prog.Done, time.Since(start).Seconds(), opts.Out)
	if prog.ControlsShared > 0 {
		// Why a sweep of failures takes about half the time of its runs
		// done one by one.
		c.Printf("%s run, shared by the %s that had the same one\n", count(prog.ControlsRun, "control"), count(prog.ControlsRun+prog.ControlsShared, "run"))
	}
	if prog.Forked > 0 {
		// The rest of why: the ticks before a failure are the control's.
		c.Printf("%s carried on from their control's state at the tick before their first failure\n", count(prog.Forked, "run"))
	}
	if o.keepRuns {
		// Kept runs grow with the sweep, a few MB each for the forest:
		// the user should see what the flag costs.
		if n, size := dirSize(filepath.Join(opts.Out, "runs")); n > 0 {
			c.Printf("%s kept in %s, %s\n", count(n, "run"), filepath.Join(opts.Out, "runs"), megabytes(size))
		}
	}
	if err != nil {
		return err
	}
	// Loaded once, for the table and the charts.
	d, err := plots.LoadSweep(opts.Out)
	if err != nil {
		return err
	}
	printSweepFigures(c.OutOrStdout(), d)
	if o.noPlots {
		return nil
	}
	return drawSweep(c, opts.Out, d, plots.Options{})
}

// drawSweep draws a sweep directory's charts, from d or, when it is nil,
// from the directory's files, and says how many, or why there are none.
func drawSweep(c *cobra.Command, dir string, d *plots.SweepData, o plots.Options) error {
	start := time.Now()
	var err error
	if d == nil {
		if d, err = plots.LoadSweep(dir); err != nil {
			return err
		}
	}
	files, err := d.Draw(dir, o)
	if err != nil {
		return err
	}
	c.Printf("%d chart files in %s/plots (%.1fs)\n", len(files), dir, time.Since(start).Seconds())
	if len(files) == 0 {
		c.PrintErrln("note: a sweep chart shows one or two varied paths; this sweep's figures are all in aggregate.csv, and run by run in runs.csv")
	}
	return nil
}

// dryPoints is the most points --dry-run lists.
const dryPoints = 10

// dryRun checks every point of plan against base, as a sweep does before
// its first run, and says what the sweep would run: a plan of thousands of
// runs is worth checking before a cluster is given it.
func dryRun(c *cobra.Command, plan *sweep.Plan, base *scenarios.Scenario) error {
	runs, err := plan.Runs(base)
	if err != nil {
		return err
	}
	points := len(runs) / plan.Reps
	c.Printf("%s: %s (%s x %s), every point valid; nothing run or written\n", base.Name,
		count(len(runs), "run"), count(points, "point"), count(plan.Reps, "replicate"))
	printRepeats(c, plan, len(runs))
	n, err := sweep.Controls(runs)
	if err != nil {
		return err
	}
	// What the sweep costs: a sweep of failures alone runs a control a
	// replicate, not a run.
	switch {
	case n == len(runs):
		c.Printf("  and a control for each, as what varies changes the world without its failures too\n")
	case n > 0:
		c.Printf("  and %s, each run once for the runs that have the same one\n", count(n, "control"))
	}
	for i := 0; i < len(runs) && i/plan.Reps < dryPoints; i += plan.Reps {
		if sets := runs[i].Sets; len(sets) > 0 {
			c.Printf("  point %d: %s\n", runs[i].Point, strings.Join(sets, " "))
		}
	}
	if points > dryPoints {
		c.Printf("  … %d more points\n", points-dryPoints)
	}
	return nil
}

// printRepeats says how many of the design's points repeat an earlier
// point's values, if any, so get no runs of their own (sweep.Plan.Runs):
// otherwise a sobol design over a path of names runs fewer points than
// its rows would say, with nothing to tell why.
func printRepeats(c *cobra.Command, plan *sweep.Plan, runs int) {
	if n, err := plan.Size(); err == nil && n > runs/plan.Reps {
		c.Printf("  %d of the design's %d points repeat an earlier point's values; that point's runs stand for them\n",
			n-runs/plan.Reps, n)
	}
}

// count is n and the noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func shardNote(s string) string {
	if s == "" {
		return ""
	}
	return ", shard " + s
}

// sweepBar shows runs done, failed and the ETA on a terminal, and
// elsewhere a line of progress every logEvery.
func sweepBar(w io.Writer, name string, total, already int) (func(sweep.Progress), func()) {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		l := newProgressLog(w, name, "runs", already)
		return func(pr sweep.Progress) {
			l.report(pr.Skipped+pr.Done, total, fmt.Sprintf(" (%d failed)", pr.Failed))
		}, func() {}
	}
	p := mpb.New(mpb.WithOutput(os.Stderr), mpb.WithWidth(50))
	failed := 0
	b := p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name("runs "), decor.CountersNoUnit("%d/%d"),
			decor.Any(func(decor.Statistics) string { return fmt.Sprintf(" (%d failed)", failed) })),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)),
	)
	b.SetCurrent(int64(already))
	b.DecoratorAverageAdjust(time.Now())
	return func(pr sweep.Progress) {
			failed = pr.Failed
			b.SetCurrent(int64(pr.Skipped + pr.Done))
		}, func() {
			b.Abort(false)
			p.Wait()
		}
}

func newMergeCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "merge --out DIR SHARD_DIR...",
		Short: "Join the outputs of --shard runs into one sweep",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 || out == "" {
				return usagef("merge needs --out and at least one shard directory")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			n, err := sweep.Merge(out, args)
			if err != nil {
				return err
			}
			c.Printf("%d runs merged into %s\n", n, out)
			return drawSweep(c, out, nil, plots.Options{})
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "merged sweep directory")
	return c
}

// dirSize counts the directories directly under dir, and the bytes of
// every file below it; nothing for a directory that is not there.
func dirSize(dir string) (n int, bytes int64) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0
	}
	for _, e := range entries {
		// A hidden directory is a broker sweep's run being unpacked.
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	// Runs that share a control hold links to one copy of its files,
	// which take their room once.
	seen := map[string][]fs.FileInfo{}
	filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		like := fmt.Sprint(e.Name(), "/", info.Size())
		for _, o := range seen[like] {
			if os.SameFile(o, info) {
				return nil
			}
		}
		seen[like] = append(seen[like], info)
		bytes += info.Size()
		return nil
	})
	return n, bytes
}

// megabytes is a size as the terminal gives it: "44 MB", "0.3 MB".
func megabytes(b int64) string {
	mb := float64(b) / 1e6
	if mb < 10 {
		return strconv.FormatFloat(mb, 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(mb, 'f', 0, 64) + " MB"
}
