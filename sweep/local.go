package sweep

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// Options say how and where a sweep runs.
type Options struct {
	Out      string
	Workers  int
	KeepRuns bool
	// Shard and Shards select a static slice of the runs (run i belongs to
	// shard i mod Shards); Shards 0 runs everything.
	Shard, Shards int
	Version       string
	// Progress is called after every recorded run, from one goroutine.
	Progress func(Progress)
	// Note receives what a user should know of a sweep under way, such as
	// a broker sweep that no worker serves.
	Note func(string)
	// Crossings are worked out into crossings.csv when the sweep ends.
	Crossings []Crossing
	// fingerprint stands in for ResultsFingerprint in Prepare, so a test
	// can be a build of another fingerprint.
	fingerprint string
}

// Progress counts a sweep's runs.
type Progress struct {
	Total, Done, Failed, Skipped int
	// ControlsRun is how many control runs this process ran, and
	// ControlsShared how many runs took a control already run
	// (runner.Controls); a broker sweep's workers share their own.
	ControlsRun, ControlsShared int
	// Forked is how many runs carried on from their control's state at
	// the tick before their first failure (runner.Controls.Forked).
	Forked int
}

// ParseShard reads "i/N" with 0 <= i < N.
func ParseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%w: --shard %q: want i/N with 0 <= i < N", ErrPlan, s)
	}
	return i, n, nil
}

// Prepared is a sweep ready to run: its runs, the store and the manifest.
type Prepared struct {
	Runs     []RunSpec
	Store    *Store
	Manifest *Manifest
	Paths    []string
	Header   []string
}

// Prepare expands the plan, checks every point, and opens (or resumes) the
// output directory. Nothing runs yet.
func Prepare(plan *Plan, base *scenarios.Scenario, o Options) (*Prepared, error) {
	runs, err := plan.Runs(base)
	if err != nil {
		return nil, err
	}
	if o.Shards > 0 {
		var mine []RunSpec
		for i, r := range runs {
			if i%o.Shards == o.Shard {
				mine = append(mine, r)
			}
		}
		runs = mine
	}
	figures := Figures(base)
	if err := CheckCrossings(o.Crossings, plan, figures); err != nil {
		return nil, err
	}
	fp, err := fingerprintOr(o.fingerprint)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Version: o.Version, Scenario: base.Name, ScenarioDigest: base.Digest(), Seed: base.Seed,
		Plan: *plan, Figures: figures, Runs: len(runs), Crossings: o.Crossings, ResultsFingerprint: fp}
	if o.Shards > 0 {
		m.Shard = fmt.Sprintf("%d/%d", o.Shard, o.Shards)
	}
	if err := makeOut(o.Out); err != nil {
		return nil, err
	}
	if err := writeManifest(o.Out, m); err != nil {
		return nil, err
	}
	p := &Prepared{Runs: runs, Manifest: m}
	for _, v := range plan.Vary {
		p.Paths = append(p.Paths, v.Path)
	}
	p.Header = Header(plan, figures)
	if p.Store, err = OpenStore(o.Out, p.Header, figures); err != nil {
		return nil, err
	}
	return p, nil
}

// Pending returns the runs not yet recorded.
func (p *Prepared) Pending() []RunSpec {
	var out []RunSpec
	for _, r := range p.Runs {
		if !p.Store.Has(r.Key) {
			out = append(out, r)
		}
	}
	return out
}

// Finish writes the analysis files from every recorded run and closes
// the store: aggregate.csv always, and contrasts.csv, crossings.csv,
// sensitivity.csv, sobol.csv and morris.csv where the sweep's design and
// crossings give them rows (one of an earlier analysis that no longer holds is
// removed).
func (p *Prepared) Finish(dir string) error {
	rows, plan, figs := p.Store.Rows(), &p.Manifest.Plan, p.Manifest.Figures
	points := append([]string{"point"}, p.Paths...)
	var others []string // crossings.csv's leading columns
	if len(p.Paths) > 0 {
		others = p.Paths[1:]
	}
	err := writeTable(dir, "aggregate.csv", append(points, AggregateHeader...), Aggregate(rows, p.Header, p.Paths, figs))
	analyses := []struct {
		name string
		head []string
		rows [][]string
	}{
		{"contrasts.csv", append(slices.Clone(points), ContrastHeader...), Contrasts(rows, p.Header, plan, figs)},
		{"crossings.csv", append(slices.Clone(others), CrossingHeader...), Crossings(rows, p.Header, plan, p.Manifest.Crossings)},
		{"sensitivity.csv", SensitivityHeader, Sensitivities(rows, p.Header, plan, p.Manifest.Seed, figs)},
		{"sobol.csv", SobolHeader, SobolIndices(rows, p.Header, plan, p.Manifest.Seed, figs)},
		{"morris.csv", MorrisHeader, ElementaryEffects(rows, p.Header, plan, p.Manifest.Seed, figs)},
	}
	for _, a := range analyses {
		if err == nil {
			err = WriteAnalysis(dir, a.name, a.head, a.rows)
		}
	}
	if cerr := p.Store.Close(); err == nil {
		err = cerr
	}
	return err
}

// RunLocal runs the pending runs on a pool of o.Workers goroutines (default:
// the number of CPUs). A failing run is recorded as failed; cancelling ctx
// abandons the runs in flight and returns sim.ErrInterrupted with
// everything finished so far recorded.
func RunLocal(ctx context.Context, p *Prepared, o Options) (prog Progress, err error) {
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	pending := p.Pending()
	prog = Progress{Total: len(p.Runs), Skipped: len(p.Runs) - len(pending)}
	jobs := make(chan RunSpec)
	results := make(chan Row)
	keep, share := "", ""
	if o.KeepRuns {
		// The controls' files beside runs/, so that the kept runs'
		// controls are links to them; gone when the sweep ends.
		keep, share = o.Out, filepath.Join(o.Out, ".controls")
	}
	controls, err := runner.NewControls(controlBytes, checkpointBytes, share)
	if err != nil {
		return prog, err
	}
	defer func() {
		prog.ControlsRun, prog.ControlsShared = controls.Stats()
		prog.Forked = controls.Forked()
		if cerr := controls.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	keys := make([]string, len(pending))
	for i, r := range pending {
		// So that a control's checkpoint goes once its last run has it.
		// A run whose scenario does not parse fails in Execute, saying why.
		if keys[i], _ = r.control(); keys[i] != "" {
			controls.Expect(keys[i], 1)
		}
	}
	pending = byControl(pending, keys, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for spec := range jobs {
				row, err := Execute(ctx, spec, keep, o.Version, controls)
				if err != nil {
					continue // abandoned: interrupted
				}
				results <- row
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, r := range pending {
			select {
			case jobs <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var storeErr error
	for row := range results {
		if storeErr != nil {
			continue
		}
		if _, err := p.Store.Add(row); err != nil {
			storeErr = err
			continue
		}
		prog.Done++
		if row.Status != StatusOK {
			prog.Failed++
		}
		if o.Progress != nil {
			o.Progress(prog)
		}
	}
	if storeErr != nil {
		return prog, storeErr
	}
	if ctx.Err() != nil {
		return prog, fmt.Errorf("%w: sweep stopped with %d of %d runs recorded", sim.ErrInterrupted, p.Store.Len(), len(p.Runs))
	}
	return prog, nil
}

// IsPlanError reports whether err is a problem of the plan or scenario.
func IsPlanError(err error) bool {
	return errors.Is(err, ErrPlan) || errors.Is(err, scenarios.ErrScenario)
}

// byControl orders runs so that those sharing a control (keys[i], "" for
// none) run close together, workers controls at a time: the runs of
// `workers` controls in turn, one of each, then the next `workers`
// controls'. A plan lists its runs point by point, so a sweep of
// failures meets each control once a point, and every control's
// checkpoint (runner.Controls) waited in memory for the last point: at
// 4.5 MB a checkpoint for the forest, 10 replicates held 45 MB to the
// end, and a world of 100,000 agents would hold more than the bound and
// lose them. Taken in turn, the controls run at once are different ones,
// so no run waits for another's control while a core idles. Runs
// without a control each count as a control of their own.
func byControl(runs []RunSpec, keys []string, workers int) []RunSpec {
	var groups [][]RunSpec
	at := map[string]int{}
	for i, r := range runs {
		k := keys[i]
		g, ok := at[k]
		if !ok || k == "" {
			g = len(groups)
			groups = append(groups, nil)
			if k != "" {
				at[k] = g
			}
		}
		groups[g] = append(groups[g], r)
	}
	out := make([]RunSpec, 0, len(runs))
	for b := 0; b < len(groups); b += workers {
		block := groups[b:min(b+workers, len(groups))]
		for i := 0; len(out) < len(runs); i++ {
			took := false
			for _, g := range block {
				if i < len(g) {
					out = append(out, g[i])
					took = true
				}
			}
			if !took {
				break
			}
		}
	}
	return out
}
