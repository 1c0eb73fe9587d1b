package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecosim/ecosim/plots"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sweep"
)

// chartOptions are the chart flags shared by simulate and plot.
type chartOptions struct {
	formats   []string
	dpi       int
	width     float64
	snapshots []int
	animate   bool
}

func (o *chartOptions) addFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringSliceVar(&o.formats, "format", []string{"png", "svg"}, "chart formats: png, svg, pdf")
	f.IntVar(&o.dpi, "dpi", 150, "resolution of PNG charts [dots per inch]")
	f.Float64Var(&o.width, "width", 18, "chart width [cm]")
	f.IntSliceVar(&o.snapshots, "snapshots", nil, "ticks at which to draw the world map (default: five evenly spaced)")
	f.BoolVar(&o.animate, "animate", false, "also write an animated map, plots/map.gif")
}

// check names the flag at fault. It is stricter than
// plots.Options.Validate, which takes a dpi or width of 0 as "the
// default": here every flag has its default filled in already.
func (o *chartOptions) check() error {
	for _, f := range o.formats {
		if !slices.Contains(plots.Formats, f) {
			return usagef("--format %s: unknown chart format (known: %s)", f, strings.Join(plots.Formats, ", "))
		}
	}
	if o.dpi < 1 || o.dpi > plots.MaxDPI {
		return usagef("--dpi must be between 1 and %d, got %d", plots.MaxDPI, o.dpi)
	}
	if !(o.width >= plots.MinWidth && o.width <= plots.MaxWidth) {
		return usagef("--width must be between %g and %g [cm], got %g", plots.MinWidth, plots.MaxWidth, o.width)
	}
	return nil
}

// animationFrames is how many map frames --animate records.
const animationFrames = 60

// snapshotTicks are the ticks simulate records the world at.
func (o *chartOptions) snapshotTicks(ticks int) []int {
	if o.animate {
		frames := runner.SnapshotTicks(nil, animationFrames+1, ticks)
		return runner.SnapshotTicks(append(frames, o.snapshots...), 0, ticks)
	}
	return runner.SnapshotTicks(o.snapshots, 5, ticks)
}

func (o *chartOptions) drawOptions(c *cobra.Command) plots.DrawOptions {
	return plots.DrawOptions{Options: plots.Options{Formats: o.formats, DPI: o.dpi, Width: o.width},
		MapTicks: o.snapshots, Animate: o.animate, Note: func(msg string) { c.PrintErrln("note:", msg) }}
}

func drawCharts(c *cobra.Command, dir string, o chartOptions) error {
	if plots.IsSweep(dir) {
		return drawSweep(c, dir, nil, o.drawOptions(c).Options)
	}
	start := time.Now()
	files, err := plots.DrawRun(dir, o.drawOptions(c))
	if err != nil {
		return err
	}
	c.Printf("%d chart files in %s/plots (%.1fs)\n", len(files), dir, time.Since(start).Seconds())
	return nil
}

func newPlotCmd() *cobra.Command {
	o := chartOptions{}
	var crossings []string
	var baseline string
	c := &cobra.Command{
		Use:   "plot DIR",
		Short: "Draw (or redraw) the charts of a run or sweep directory from its recorded data",
		Long: `Draw the charts of a run directory into DIR/plots from the files the run
recorded: metrics.csv, control/metrics.csv, resilience.json, events.jsonl and
snapshots/. The old plots/ is replaced only once every chart is drawn.

Charts: time series of the main indicators (failure windows shaded),
resilience of each analysed indicator against the control (lost area, resistance
point, recovery tick), the giant component over time and against nodes lost,
the degree distribution on log-log axes, and world maps at the recorded
snapshots (--animate: map.gif from all of them). For a sweep directory: each
figure against the varied values with confidence bands, or heatmaps, and
each point's paired difference from its baseline; with its runs kept
(--keep-runs), each indicator's course over the replicates, its data in
trajectories.csv. --crossing works out a sweep's crossings anew
(crossings.csv), and --baseline its paired differences from another baseline
(contrasts.csv), from the runs it recorded, without the scenario or the
sweep's flags, before drawing.`,
		Example: `  ecosim plot results/forest
  ecosim plot results/forest --format png,svg,pdf --dpi 300 --width 16
  ecosim plot results/topology-sweep --crossing giant_component_resistance=0.5
  ecosim plot results/mycorrhiza-sweep --baseline 0.3`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if len(o.snapshots) > 0 && o.animate {
				return usagef("--snapshots picks maps among recorded snapshots; use it or --animate, not both")
			}
			if err := isDir(args[0]); err != nil {
				return err
			}
			if len(crossings) > 0 || baseline != "" {
				d, err := analyseSweep(c, args[0], crossings, baseline)
				if err != nil {
					return err
				}
				return drawSweep(c, args[0], d, o.drawOptions(c).Options)
			}
			return runDirHint(drawCharts(c, args[0], o), args[0])
		},
	}
	o.addFlags(c)
	c.Flags().Lookup("snapshots").Usage = "ticks whose recorded snapshots to draw as maps (the nearest recorded tick, with a note, where one was not recorded)"
	c.Flags().StringVar(&baseline, "baseline", "", "sweep directories: the first varied path's value to compare the others with, as sweep --baseline does, in place of the one recorded")
	c.Flags().StringArrayVar(&crossings, "crossing", nil, "sweep directories: FIGURE=LEVEL, work out where FIGURE first reaches LEVEL along the first varied path, as sweep --crossing does, in place of the crossings recorded (repeatable)")
	return c
}

// analyseSweep records crossings or a baseline for the sweep in dir and
// works out its analysis files anew, then prints its paired differences
// and where each figure crosses its level; it returns the sweep's data as
// loaded, for its charts.
func analyseSweep(c *cobra.Command, dir string, specs []string, baseline string) (*plots.SweepData, error) {
	if !plots.IsSweep(dir) {
		return nil, usagef("--crossing and --baseline apply to a sweep directory, and %s has no sweep.json", dir)
	}
	cs, err := parseCrossings(nil, specs)
	if err != nil {
		return nil, err
	}
	if err := sweep.Analyse(dir, cs, baseline); err != nil {
		return nil, err
	}
	d, err := plots.LoadSweep(dir)
	if err != nil {
		return nil, err
	}
	if baseline != "" {
		printContrasts(c.OutOrStdout(), d)
	}
	printCrossings(c.OutOrStdout(), d)
	return d, nil
}

// parseCrossings appends to cs the crossings --crossing flags give.
func parseCrossings(cs []sweep.Crossing, specs []string) ([]sweep.Crossing, error) {
	for _, s := range specs {
		cr, err := sweep.ParseCrossing(s)
		if err != nil {
			return nil, err
		}
		cs = append(cs, cr)
	}
	return cs, nil
}

func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Write DIR/report.html: one self-contained page with a run's or a sweep's figures and charts",
		Long: `Write DIR/report.html, one self-contained HTML page: the scenario as run, seed,
version and digests, the resilience table, and the charts inline as SVG. It
needs no network access to open.`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := isDir(args[0]); err != nil {
				return err
			}
			start := time.Now()
			p, err := plots.Report(args[0])
			if err != nil {
				return runDirHint(err, args[0])
			}
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			c.Printf("%s (%.1f MB, %.1fs)\n", p, float64(fi.Size())/1e6, time.Since(start).Seconds())
			return nil
		},
	}
}

// isDir checks that dir, a command's argument, is a directory, so that a
// mistyped path is called that rather than a run directory missing its
// files.
func isDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such directory", dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s: not a directory; give a run or sweep directory", dir)
	}
	return nil
}

// runDirHint adds to an error about a directory's missing or bad run data
// the likeliest cause.
func runDirHint(err error, dir string) error {
	if err != nil && strings.Contains(err.Error(), "plots: bad run data") {
		return fmt.Errorf("%w (is %s a run directory?)", err, dir)
	}
	return err
}
