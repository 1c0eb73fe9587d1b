package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/internal/atomicfile"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// ErrExists is returned when the output directory holds files and Force is
// not set, or it holds files but no run.
var ErrExists = errors.New("runner: output directory is not empty")

// ErrNotDir is returned when the output path names a file.
var ErrNotDir = errors.New("runner: the output is a file, not a directory")

// Options says what to run and where.
type Options struct {
	Scenario *scenarios.Scenario
	// Out is the run directory to create.
	Out string
	// Force replaces a non-empty Out that holds a run (its summary.json);
	// any other non-empty directory is refused all the same.
	Force bool
	// NoControl skips the paired control run of a scenario with failures.
	NoControl bool
	Mode      sim.Mode
	// Workers is how many goroutines share a tick's parallel steps; 0 is
	// one per CPU, used or not tick stretch by tick stretch as the engine
	// measures faster (sim.Config.Adaptive).
	Workers int
	// Snapshots are the ticks at which the world is saved for the map
	// charts (failure run only).
	Snapshots []int
	// Version is recorded in summary.json.
	Version string
	// ResultsFingerprint, the build's (sweep.ResultsFingerprint), is
	// recorded in summary.json: which build's numbers these are.
	ResultsFingerprint string
	// Progress, if set, is called after each recorded tick of the failure
	// run, and of the control when that runs first, with the ticks done and
	// the ticks to do in all; it is called from an engine's goroutine and
	// must be quick.
	Progress func(done, total int)
	// Controls, if set, shares the control runs with other runs whose
	// controls are the same experiment.
	Controls *Controls
}

// Status values of a run.
const (
	StatusComplete    = "complete"
	StatusInterrupted = "interrupted"
	StatusFailed      = "failed"
)

// Summary is summary.json.
type Summary struct {
	Version string `json:"version"`
	// ResultsFingerprint is Options.ResultsFingerprint.
	ResultsFingerprint string      `json:"results_fingerprint,omitempty"`
	Scenario           string      `json:"scenario"`
	ScenarioDigest     string      `json:"scenario_digest"`
	Seed               uint64      `json:"seed"`
	Mode               string      `json:"mode"`
	Ticks              int         `json:"ticks"`
	TicksDone          int         `json:"ticks_done"`
	Status             string      `json:"status"`
	Error              string      `json:"error,omitempty"`
	Agents             AgentCounts `json:"agents"`
	WallSeconds        float64     `json:"wall_seconds"`
	// AgentSteps is how many agents decided over the ticks WallSeconds
	// covers, the live count summed tick by tick: speed per agent-step
	// compares worlds of different sizes and runs of different lengths.
	AgentSteps int64 `json:"agent_steps"`
	// TicksAlone is how many of those ticks ran on one core, as the
	// engine measured faster for the world at the time (Options.Workers
	// 0); the results are the same either way.
	TicksAlone int `json:"ticks_alone,omitempty"`
	// TicksByWorkers is how many of those ticks ran on each number of
	// goroutines the engine chose among (1, 2, 4 and so on doubling, then
	// all the cores), when it chose.
	TicksByWorkers map[int]int `json:"ticks_by_workers,omitempty"`
	// Phases splits the simulation's wall time by phase of the tick.
	Phases  PhaseSeconds  `json:"phase_seconds"`
	Digests OutputDigests `json:"digests"`
	// FirstFailure is the tick the first failure strikes (0: none).
	FirstFailure int `json:"first_failure,omitempty"`
	// ForkedAt is the tick whose state the run took from its control's
	// run, which ran the ticks before once for both (0: it ran them
	// itself). Its wall time and phases are of the ticks after.
	ForkedAt int `json:"forked_at,omitempty"`
	// Control summarises the paired control run, when there is one.
	Control *Summary `json:"control,omitempty"`
	// Final is every indicator's value at the last tick recorded.
	Final map[string]float64 `json:"-"`
	// Resilience is what resilience.json holds, when there was a control.
	Resilience *Resilience `json:"-"`
}

// PhaseSeconds is where a run's wall time went [s]; see sim.Timings.
type PhaseSeconds struct {
	Decide float64 `json:"decide"`
	Apply  float64 `json:"apply"`
	// ApplySerial is the part of Apply spent in agent-ID order.
	ApplySerial float64 `json:"apply_serial"`
	Environment float64 `json:"environment"`
	Deliver     float64 `json:"deliver"`
	Record      float64 `json:"record"`
}

func phaseSeconds(t sim.Timings) PhaseSeconds {
	return PhaseSeconds{
		Decide: t.Decide.Seconds(), Apply: t.Apply.Seconds(), ApplySerial: t.ApplySerial.Seconds(), Environment: t.Environment.Seconds(),
		Deliver: t.Deliver.Seconds(), Record: t.Record.Seconds(),
	}
}

// AgentCounts are the agents at the start and end of a run.
type AgentCounts struct {
	Initial int            `json:"initial"`
	Final   int            `json:"final"`
	Created int            `json:"created"`
	ByKind  map[string]int `json:"final_by_kind"`
}

// OutputDigests are SHA-256 digests of the recorded outputs.
type OutputDigests struct {
	Metrics string `json:"metrics_csv"`
	Events  string `json:"events_jsonl"`
}

// Run simulates opts.Scenario into opts.Out. When the run is interrupted or
// an agent fails, the directory is still completed, marked with that status,
// and the run's error is returned with the summary.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	if err := checkMemory(opts.Scenario, opts.Mode); err != nil {
		return nil, err
	}
	if err := checkOut(opts.Out, opts.Force); err != nil {
		return nil, err
	}
	parent := filepath.Dir(filepath.Clean(opts.Out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("runner: output %s: %w", opts.Out, err)
	}
	tmp, err := atomicfile.TempDir(parent, "."+filepath.Base(opts.Out)+".partial-")
	if err != nil {
		// The temporary name means nothing to a user; the place does.
		return nil, fmt.Errorf("runner: output %s: cannot create a directory in %s: %w", opts.Out, parent, errors.Unwrap(err))
	}
	sum, runErr, err := runInto(ctx, tmp, opts)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := replaceDir(tmp, opts.Out); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return sum, runErr
}

// Measure runs opts.Scenario, and its control when it has failures,
// keeping everything in memory: the summary carries the final indicator
// values and the resilience figures. Sweeps use it for runs whose
// directories are not kept. opts.Out is ignored.
func Measure(ctx context.Context, opts Options) (*Summary, error) {
	if err := checkMemory(opts.Scenario, opts.Mode); err != nil {
		return nil, err
	}
	opts.Snapshots = nil
	sum, runErr, err := runInto(ctx, "", opts)
	if err != nil {
		return nil, err
	}
	return sum, runErr
}

// checkOut refuses a non-empty output directory unless force is set and
// it holds a run.
func checkOut(out string, force bool) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if fi, serr := os.Stat(out); serr == nil && !fi.IsDir() {
		return fmt.Errorf("%w: %s", ErrNotDir, out)
	}
	if err != nil {
		return fmt.Errorf("runner: output %s: %w", out, err)
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("%w: %s (use --force to replace it)", ErrExists, out)
	}
	if len(entries) > 0 {
		// Force replaces a run, not whatever directory --out names: a
		// mistyped --out, or a scenario named "../docs", must not take a
		// user's files with it.
		if fi, err := os.Stat(filepath.Join(out, "summary.json")); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("%w: %s holds files but no run (no summary.json); --force replaces only a run directory", ErrExists, out)
		}
	}
	return nil
}

// replaceDir moves the finished tmp directory to out, removing an old out.
func replaceDir(tmp, out string) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// runInto runs the scenario, and its paired control when it has failures,
// writing into dir. runErr is the simulation's own error (interrupted, agent
// failure); err is a failure to write.
func runInto(ctx context.Context, dir string, opts Options) (*Summary, error, error) {
	s := opts.Scenario
	keep := s.Resilience.Indicators
	if len(s.Failures) == 0 || opts.NoControl {
		sum, _, runErr, err := runOne(ctx, dir, s, opts, nil, nil, nil)
		return sum, runErr, err
	}
	// The failure run carries on from its control's state at the tick
	// before its first failure (checkpoint). From there, in shards mode,
	// the control runs beside it, filling the cores the serial apply
	// phases leave idle; in actors mode two engines' thousands of
	// goroutines contend for the scheduler (measured: 4× the wall time of
	// one run), so the control runs first. Both are deterministic, so the
	// order changes nothing but the wall time.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cdir := ""
	if dir != "" {
		cdir = filepath.Join(dir, "control")
		if err := os.Mkdir(cdir, 0o755); err != nil {
			return nil, nil, err
		}
	}
	var csum *Summary
	var cseries map[string][]float64
	var cRunErr, cErr error
	done := make(chan struct{})
	copts := opts
	copts.Progress, copts.Snapshots = nil, nil
	// The failure run carries on from the control's checkpoint at the tick
	// before its first failure. The snapshots of the ticks before are the
	// control's, so only a control of its own can take them.
	at := forkTick(s)
	if opts.Controls != nil && slices.ContainsFunc(opts.Snapshots, func(t int) bool { return t <= at }) {
		at = 0
	}
	var cp *capture
	var ck *checkpoint
	ckReady := make(chan struct{})
	if at > 0 {
		cp = &capture{tick: at, ready: func(c *checkpoint) { ck = c; close(ckReady) }}
		if opts.Controls == nil && len(opts.Snapshots) > 0 {
			early := slices.DeleteFunc(slices.Clone(opts.Snapshots), func(t int) bool { return t > at })
			cp.snaps = func(m *agents.Model) (sim.Observer, error) { return newSnapshotter(m, dir, early) }
		}
	}
	control := func() {
		defer close(done)
		ctl := s.Control()
		run := func(ctx context.Context, cp *capture) (*Summary, map[string][]float64, error, error) {
			return runOne(ctx, cdir, ctl, copts, keep, cp, nil)
		}
		if opts.Controls != nil {
			csum, cseries, cRunErr, cErr = opts.Controls.getForking(ctx, ctl.Digest(), cdir, cp, run)
		} else {
			csum, cseries, cRunErr, cErr = run(ctx, cp)
		}
	}
	if p := opts.Progress; p != nil {
		if opts.Mode == sim.ModeShards {
			if cp != nil {
				// The failure run's first ticks are the control's.
				cp.progress = func(d int) { p(d, s.Ticks) }
			}
		} else {
			total := 2*s.Ticks - at
			copts.Progress = func(d, _ int) { p(d, total) }
			opts.Progress = func(d, _ int) { p(max(s.Ticks, s.Ticks+d-at), total) }
		}
	}
	if opts.Mode == sim.ModeShards {
		go control()
	} else {
		control()
	}
	var from *checkpoint
	if cp != nil {
		// The control's run hands one over, or nil, however it ends.
		<-ckReady
		// Not held through ck, which the control's run may keep
		// reachable to its end; the fork copies what it needs.
		from, ck = ck, nil
	}
	sum, series, runErr, err := runOne(ctx, dir, s, opts, keep, nil, from)
	if runErr != nil || err != nil {
		cancel()
	}
	<-done
	if err == nil {
		err = cErr
	}
	if err != nil {
		return nil, nil, err
	}
	if runErr == nil {
		runErr = cRunErr
	}
	sum.FirstFailure = s.FirstFailure()
	if csum != nil {
		c := *csum // a shared control's summary is every sharer's
		sum.Control = &c
	}
	if runErr == nil {
		res, err := Analyze(s, series, cseries)
		if err != nil {
			return nil, nil, err
		}
		sum.Resilience = res
		if err := writeResilience(dir, res); err != nil {
			return nil, nil, err
		}
	}
	if err := writeSummary(dir, sum); err != nil {
		return nil, nil, err
	}
	return sum, runErr, nil
}

// runOne runs scenario s into dir and returns its summary and the series of
// the indicators named in keep. With from, it carries on from that
// checkpoint of its control; with cp, it hands a checkpoint at cp.tick to
// cp.ready on the way (nil if it stops before).
func runOne(ctx context.Context, dir string, s *scenarios.Scenario, opts Options, keep []string, cp *capture, from *checkpoint) (sum *Summary, series map[string][]float64, runErr, err error) {
	var gave *once
	if cp != nil {
		gave = &once{ready: cp.ready}
		defer gave.give(nil)
	}
	var model *agents.Model
	var eng *sim.Engine
	if from != nil {
		model, err = from.model.Fork(s.Config)
		if err == nil {
			eng = model.Engine()
		}
	} else {
		model, eng, err = s.Build(opts.Mode, opts.Workers)
		if err == nil {
			eng.Adapt(opts.Workers == 0)
		}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var progress func(int)
	if p := opts.Progress; p != nil {
		progress = func(tick int) { p(tick, s.Ticks) }
	}
	rec, err := openRecorder(dir, model.IndicatorNames(), progress, from, cp != nil)
	if err != nil {
		return nil, nil, nil, err
	}
	rec.keep(model.IndicatorNames(), keep)
	if from != nil {
		if err := rec.resume(from); err != nil {
			rec.metrics.close()
			rec.events.close()
			return nil, nil, nil, err
		}
	}
	eng.Observe(rec)
	snapTicks := opts.Snapshots
	if from != nil {
		// The control took those of the ticks before (capture.snaps).
		snapTicks = slices.DeleteFunc(slices.Clone(snapTicks), func(t int) bool { return t <= from.tick })
	}
	snaps, err := newSnapshotter(model, dir, snapTicks)
	if err != nil {
		rec.metrics.close()
		rec.events.close()
		return nil, nil, nil, err
	}
	eng.Observe(snaps)
	initial := len(eng.Live())
	forkedAt := 0
	if from != nil {
		initial, forkedAt = from.initial, from.tick
	}
	start := time.Now()
	runErr = advance(ctx, model, rec, s.Ticks, initial, cp, gave)
	wall := time.Since(start).Seconds()
	if runErr != nil && !errors.Is(runErr, sim.ErrInterrupted) && !errors.Is(runErr, sim.ErrAgentPanic) &&
		!errors.Is(runErr, sim.ErrNumerical) {
		// An observer failed: the outputs could not be written, so there
		// is no result to keep.
		rec.metrics.close()
		rec.events.close()
		return nil, nil, nil, fmt.Errorf("runner: writing the run: %w", runErr)
	}
	if cerr := rec.metrics.close(); cerr != nil {
		err = cerr
	}
	if cerr := rec.events.close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, nil, err
	}
	tm := eng.Timings()
	sum = &Summary{
		Version: opts.Version, ResultsFingerprint: opts.ResultsFingerprint, Scenario: s.Name, ScenarioDigest: s.Digest(), Seed: s.Seed, Mode: opts.Mode.String(),
		Ticks: s.Ticks, TicksDone: rec.lastTick, Status: StatusComplete, WallSeconds: wall, Phases: phaseSeconds(tm),
		AgentSteps: tm.AgentSteps, TicksAlone: tm.Alone, TicksByWorkers: eng.TicksByWorkers(),
		Agents:   counts(model, eng, initial),
		Digests:  OutputDigests{Metrics: rec.metrics.digest(), Events: rec.events.digest()},
		Final:    map[string]float64{},
		ForkedAt: forkedAt,
	}
	for i, n := range model.IndicatorNames() {
		if i < len(rec.last) {
			sum.Final[n] = rec.last[i]
		}
	}
	if runErr != nil {
		sum.Status, sum.Error = StatusFailed, runErr.Error()
		if errors.Is(runErr, sim.ErrInterrupted) {
			sum.Status = StatusInterrupted
		}
	}
	if err := writeOut(dir, "scenario.yaml", s.Resolved()); err != nil {
		return nil, nil, nil, err
	}
	if err := writeSummary(dir, sum); err != nil {
		return nil, nil, nil, err
	}
	return sum, rec.kept, runErr, nil
}

// advance runs model's engine on to tick ticks, stopping at cp.tick on the
// way to hand over a checkpoint of it and of what rec, its recorder, has
// written: the failure run's first ticks are its control's, the same
// bytes and series.
func advance(ctx context.Context, model *agents.Model, rec *recorder, ticks, initial int, cp *capture, gave *once) error {
	eng := model.Engine()
	if cp == nil || cp.tick <= eng.Tick() || cp.tick >= ticks {
		rec.metrics.sink.copy, rec.events.sink.copy = nil, nil // no checkpoint to keep it for
		return eng.Advance(ctx, ticks-eng.Tick())
	}
	// The ticks before are the failure run's too, which reports its
	// progress from then on.
	own := rec.progress
	if cp.progress != nil {
		rec.progress = cp.progress
	}
	var snaps *switched
	if cp.snaps != nil {
		o, err := cp.snaps(model)
		if err != nil {
			return err
		}
		snaps = &switched{o: o}
		eng.Observe(snaps)
	}
	runErr := eng.Advance(ctx, cp.tick-eng.Tick())
	if runErr != nil && (!errors.Is(runErr, sim.ErrInterrupted) || eng.Tick() == 0) {
		// Interrupted at tick 0, the failure run records that tick itself.
		return runErr
	}
	if snaps != nil {
		snaps.o = nil
	}
	rec.progress = own
	// Interrupted, the failure run still carries on from here, to be
	// interrupted too with what it had recorded by this tick: the ticks
	// the control ran for it are not lost.
	ck, err := rec.checkpoint(model, initial)
	if err != nil {
		return err
	}
	gave.give(ck)
	if runErr != nil {
		return runErr
	}
	return eng.Advance(ctx, ticks-eng.Tick())
}

// switched passes what it observes to o until o is set to nil.
type switched struct{ o sim.Observer }

func (s *switched) Tick(tick int, row []float64) error {
	if s.o == nil {
		return nil
	}
	return s.o.Tick(tick, row)
}

func (s *switched) Event(ev sim.Event) error {
	if s.o == nil {
		return nil
	}
	return s.o.Event(ev)
}

func writeSummary(dir string, sum *Summary) error {
	js, _ := json.MarshalIndent(sum, "", "  ")
	return writeOut(dir, "summary.json", append(js, '\n'))
}

// openRecorder opens a run's metrics.csv and events.jsonl with the header
// written, or, carrying on from a checkpoint, nothing (resume writes what
// the checkpoint recorded, its header included). copying keeps a copy of
// what it writes, the header included, for a checkpoint.
func openRecorder(dir string, names []string, progress func(int), from *checkpoint, copying bool) (*recorder, error) {
	m, err := createHashed(dir, "metrics.csv")
	if err != nil {
		return nil, err
	}
	ev, err := createHashed(dir, "events.jsonl")
	if err != nil {
		m.close()
		return nil, err
	}
	rec := &recorder{metrics: m, events: ev, progress: progress}
	if copying {
		m.sink.copy, ev.sink.copy = new(bytes.Buffer), new(bytes.Buffer)
	}
	if from != nil {
		return rec, nil
	}
	if err := rec.header(names); err != nil {
		m.close()
		ev.close()
		return nil, err
	}
	return rec, nil
}

func counts(m *agents.Model, e *sim.Engine, initial int) AgentCounts {
	c := AgentCounts{Initial: initial, Final: len(e.Live()), Created: e.NumAgents(), ByKind: map[string]int{}}
	for _, id := range e.Live() {
		c.ByKind[m.KindOf(id).String()]++
	}
	return c
}
