package sweep

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// Run statuses in runs.csv.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// Row is one run's record: fixed columns, then figures by name.
type Row struct {
	Spec    RunSpec
	Status  string
	Error   string
	Wall    float64
	Figures map[string]float64 // absent: not defined for this run (NA)
}

// Figures lists the figure columns a sweep of base records: the final value
// of each analysed indicator and, when base has failures, each one's
// resistance, recovery time, loss and final ratio.
func Figures(base *scenarios.Scenario) []string {
	var cols []string
	for _, ind := range base.Resilience.Indicators {
		cols = append(cols, "final_"+ind)
	}
	if len(base.Failures) > 0 {
		for _, ind := range base.Resilience.Indicators {
			cols = append(cols, ind+"_resistance", ind+RecoveryTimeSuffix, ind+"_loss", ind+"_final_ratio")
		}
	}
	return cols
}

// Execute runs one spec, with its control when it has failures. keepDir,
// when set, keeps the run directory as keepDir/runs/<key>. A failed run is a
// Row with StatusFailed; ctx being cancelled returns sim.ErrInterrupted and
// no row, since an abandoned run is not a result. controls, if not nil,
// shares the run's control with the other runs given it (a kept run's
// where controls keeps their files).
func Execute(ctx context.Context, spec RunSpec, keepDir, version string, controls *runner.Controls) (Row, error) {
	start := time.Now()
	row := Row{Spec: spec, Status: StatusOK, Figures: map[string]float64{}}
	s, err := spec.scenario()
	if err != nil {
		return failed(row, err, start), nil
	}
	opts := runner.Options{Scenario: s, Mode: sim.ModeShards, Workers: 1, Version: version, Controls: controls}
	var sum *runner.Summary
	if keepDir != "" {
		opts.Out, opts.Force = filepath.Join(keepDir, "runs", spec.Key), true
		if opts.ResultsFingerprint, err = ResultsFingerprint(); err != nil {
			return failed(row, err, start), nil
		}
		sum, err = runner.Run(ctx, opts)
	} else {
		sum, err = runner.Measure(ctx, opts)
	}
	if errors.Is(err, sim.ErrInterrupted) || ctx.Err() != nil {
		return Row{}, sim.ErrInterrupted
	}
	if err != nil {
		return failed(row, err, start), nil
	}
	for _, ind := range s.Resilience.Indicators {
		row.Figures["final_"+ind] = sum.Final[ind]
	}
	if r := sum.Resilience; r != nil {
		for _, f := range r.Indicators {
			row.Figures[f.Name+"_resistance"] = f.Resistance
			if f.RecoveryTime != nil {
				row.Figures[f.Name+RecoveryTimeSuffix] = float64(*f.RecoveryTime)
			}
			row.Figures[f.Name+"_loss"] = f.Loss
			row.Figures[f.Name+"_final_ratio"] = f.FinalRatio
		}
	}
	row.Wall = time.Since(start).Seconds()
	return row, nil
}

// scenario is the scenario run spec runs, its seed set.
func (spec RunSpec) scenario() (*scenarios.Scenario, error) {
	return scenarios.Parse("sweep:"+spec.Name, []byte(spec.Scenario), append(spec.Sets, fmt.Sprintf("seed=%d", spec.Seed)))
}

// Controls is how many distinct control runs runs have: runs whose
// controls are the same experiment share one (runner.Controls), and runs
// without failures have none.
func Controls(runs []RunSpec) (int, error) {
	seen := map[string]bool{}
	for _, r := range runs {
		k, err := r.control()
		if err != nil {
			return 0, err
		}
		if k != "" {
			seen[k] = true
		}
	}
	return len(seen), nil
}

// control is the key of spec's control run (runner.Controls), the digest
// of its scenario without failures, or "" for a run without failures.
func (spec RunSpec) control() (string, error) {
	s, err := spec.scenario()
	if err != nil || len(s.Failures) == 0 {
		return "", err
	}
	return s.Control().Digest(), nil
}

func failed(row Row, err error, start time.Time) Row {
	row.Status, row.Error, row.Wall = StatusFailed, err.Error(), time.Since(start).Seconds()
	return row
}

// controlBytes bounds the series of the controls a sweep process keeps to
// share (runner.Controls): thousands of the forest's, whose three
// indicators over 1,000 ticks take 24 KB, or a few dozen runs of 100,000
// ticks.
const controlBytes = 64 << 20

// checkpointBytes bounds the checkpoints of the controls a sweep process
// keeps, the state a failure run carries on from (runner.Controls): about
// 4.5 MB each for the forest, so the replicates of a sweep of failures keep
// theirs at a few dozen seeds; past that, a run starts from tick 0.
const checkpointBytes = 256 << 20

// workerCheckpointBytes is checkpointBytes for a worker, which cannot know
// how many of its runs will share a control (Controls.Expect), so keeps
// each checkpoint until it is the least recently used: a dozen of the
// forest's, enough for a sweep of failures at 10 replicates, which a
// worker takes in plan order, point by point.
const workerCheckpointBytes = 64 << 20

// formatFigure prints a figure exactly, or "" for NA.
func formatFigure(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
