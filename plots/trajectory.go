package plots

import (
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sweep"
)

// Trajectory is one indicator's course through the ticks at each point of
// a sweep, over the point's replicates, from the run directories a sweep
// keeps with --keep-runs: the figures in runs.csv say how far a run fell
// and whether it came back, this shows how.
type Trajectory struct {
	Indicator string
	Unit      string
	Points    []TrajectoryPoint
}

// TrajectoryPoint is a point's replicates of one indicator, with failures
// and, where the scenario has failures, without (their paired controls).
type TrajectoryPoint struct {
	// Label is the point's values, path=value, comma-separated; empty
	// for a sweep that varies nothing.
	Label string
	// Values are the point's values, one per varied path.
	Values []string
	// Reps is how many replicates' runs were found.
	Reps int
	// Run and Control are the replicates' mean at each tick and its 95%
	// interval; Control is empty without failures.
	Run, Control Band
	// Windows are the failures as replicate 0 (the first found) had them.
	Windows []Window
}

// Band is a mean with its 95% confidence interval at each of X; Low and
// High are NaN where fewer than two replicates have a value.
type Band struct {
	X, Mean, Low, High []float64
}

// maxTrajectoryPoints is the most points of a sweep whose trajectories are
// drawn a panel each, in one chart per indicator.
const maxTrajectoryPoints = 6

// maxTrajectoryLines is the most points of a sweep of one numeric path
// whose trajectories are drawn together, a line each (drawTrajectories);
// the most read at all.
const maxTrajectoryLines = 64

// keptRun is a successful run of runs.csv whose directory is kept.
type keptRun struct {
	key, label string
	values     []string
	point, rep int
}

// loadTrajectories reads the runs kept under dir/runs, for a sweep of at
// most maxTrajectoryPoints points, or of maxTrajectoryLines of one path:
// each indicator of the runs' resilience.json, or without failures each
// one whose final value the sweep records (figures). It returns nil when
// no run was kept or the sweep has more points. A point's runs are read,
// summarised and let go before the next point's, so the memory it takes
// is one point's runs.
func loadTrajectories(dir string, paths, figures []string) ([]Trajectory, error) {
	if _, err := os.Stat(filepath.Join(dir, "runs")); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	runs, err := keptRuns(dir, paths)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	var points []int
	byPoint := map[int][]keptRun{}
	for _, r := range runs {
		if _, ok := byPoint[r.point]; !ok {
			points = append(points, r.point)
		}
		byPoint[r.point] = append(byPoint[r.point], r)
	}
	if len(points) > maxTrajectoryPoints && (len(paths) != 1 || len(points) > maxTrajectoryLines) {
		return nil, nil
	}
	sort.Ints(points)
	first := byPoint[points[0]][0]
	indicators, err := trajectoryIndicators(filepath.Join(dir, "runs", first.key), figures)
	if err != nil {
		return nil, err
	}
	out := make([]Trajectory, len(indicators))
	for i, ind := range indicators {
		out[i] = Trajectory{Indicator: ind, Unit: Unit(ind)}
	}
	for _, p := range points {
		rs := byPoint[p]
		sort.Slice(rs, func(i, j int) bool { return rs[i].rep < rs[j].rep })
		var run, ctl []*Series
		var windows []Window
		for i, r := range rs {
			rd := filepath.Join(dir, "runs", r.key)
			m, err := readColumns(filepath.Join(rd, "metrics.csv"), indicators)
			if err != nil {
				return nil, err
			}
			if i == 0 { // the events of one replicate, which may be long
				if windows, err = readWindows(filepath.Join(rd, "events.jsonl"), m); err != nil {
					return nil, err
				}
			}
			run = append(run, m)
			if cp := filepath.Join(rd, "control", "metrics.csv"); exists(cp) {
				c, err := readColumns(cp, indicators)
				if err != nil {
					return nil, err
				}
				ctl = append(ctl, c)
			}
		}
		for i, ind := range indicators {
			tp := TrajectoryPoint{Label: rs[0].label, Values: rs[0].values, Reps: len(rs), Run: bandOf(run, ind), Windows: windows}
			if len(ctl) == len(run) {
				tp.Control = bandOf(ctl, ind)
			}
			out[i].Points = append(out[i].Points, tp)
		}
	}
	return out, nil
}

// keptRuns lists runs.csv's successful runs whose directory is under
// dir/runs, in runs.csv's order.
func keptRuns(dir string, paths []string) ([]keptRun, error) {
	p := filepath.Join(dir, "runs.csv")
	rows, col, err := readRuns(p, append([]string{"key", "point", "replicate", "status"}, paths...))
	if err != nil {
		return nil, err
	}
	var out []keptRun
	for i, r := range rows {
		if r[col["status"]] != sweep.StatusOK || !exists(filepath.Join(dir, "runs", r[col["key"]], "metrics.csv")) {
			continue
		}
		pt, e1 := strconv.Atoi(r[col["point"]])
		rep, e2 := strconv.Atoi(r[col["replicate"]])
		if e1 != nil || e2 != nil {
			return nil, dataErr(p, "line %d: point or replicate is not a whole number", i+2)
		}
		var label, values []string
		for _, path := range paths {
			label, values = append(label, path+"="+r[col[path]]), append(values, r[col[path]])
		}
		out = append(out, keptRun{key: r[col["key"]], label: strings.Join(label, ", "), values: values, point: pt, rep: rep})
	}
	return out, nil
}

// trajectoryIndicators are the indicators a run's resilience.json
// analyses, or without one those whose final values are among figures.
func trajectoryIndicators(run string, figures []string) ([]string, error) {
	var names []string
	if p := filepath.Join(run, "resilience.json"); exists(p) {
		var res runner.Resilience
		if err := readJSON(p, &res); err != nil {
			return nil, err
		}
		for _, ind := range res.Indicators {
			names = append(names, ind.Name)
		}
		return names, nil
	}
	for _, f := range figures {
		if name, ok := strings.CutPrefix(f, "final_"); ok {
			names = append(names, name)
		}
	}
	return names, nil
}

// bandOf is indicator ind's mean and 95% interval over runs at each tick
// they all reach (the shortest run's), at most MaxPoints of them, evenly
// spaced, the last tick included.
func bandOf(runs []*Series, ind string) Band {
	n := math.MaxInt
	for _, r := range runs {
		n = min(n, len(r.Col(ind)), len(r.Ticks))
	}
	var b Band
	if len(runs) == 0 || n == 0 || n == math.MaxInt {
		return b
	}
	step := (n + MaxPoints - 1) / MaxPoints
	var sets [][]float64
	for t := 0; t < n; t += step {
		if t+step >= n {
			t = n - 1
		}
		vals := make([]float64, len(runs))
		for i, r := range runs {
			vals[i] = r.Col(ind)[t]
		}
		sets = append(sets, vals)
		b.X = append(b.X, runs[0].Ticks[t])
	}
	for _, s := range resilience.SummarizeEach(sets) {
		b.Mean, b.Low, b.High = append(b.Mean, s.Mean), append(b.Low, s.CILow), append(b.High, s.CIHigh)
	}
	return b
}

// drawTrajectory draws one indicator's chart: a panel a point, the runs'
// mean and 95% band with failures over their controls', the failures
// marked as replicate 0 had them.
func drawTrajectory(tr Trajectory) (chart, float64) {
	var ps panels
	controls := false
	for _, pt := range tr.Points {
		// A sweep that varies nothing has one point, which needs no name.
		// The chart's title names the indicator; a panel's axis gives
		// its unit, which a small panel's height has room for.
		ylabel := axisLabel(tr.Indicator, tr.Unit)
		if len(tr.Points) > 1 {
			ylabel = tr.Unit
		}
		p := newPlot(pt.Label, "tick", ylabel)
		p.Title.TextStyle.Font.Size = labelSize
		for _, b := range []struct {
			band   Band
			col    color.NRGBA
			dashed bool
		}{{pt.Control, controlColour, true}, {pt.Run, runColour, false}} {
			if len(b.band.X) == 0 {
				continue
			}
			if pt.Reps > 1 {
				addBand(p, b.band.X, b.band.Low, b.band.High, b.col)
			}
			p.Add(line(Line{X: b.band.X, Y: b.band.Mean}, b.col, vg.Points(1.3), b.dashed))
		}
		controls = controls || len(pt.Control.X) > 0
		if len(pt.Windows) > 0 {
			// Named where there is room: in a chart of one panel.
			p.Add(windows{ws: pt.Windows, labels: len(tr.Points) == 1})
		}
		ps.plots = append(ps.plots, p)
	}
	// One scale for every panel, so that the points compare at a glance.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps.plots {
		lo, hi = min(lo, p.Y.Min), max(hi, p.Y.Max)
	}
	for _, p := range ps.plots {
		p.Y.Min, p.Y.Max = lo, hi
	}
	title := fmt.Sprintf("%s over time: mean and 95%% interval over %s", tr.Indicator, replicatesText(tr.Points))
	key := "solid line and band: the runs"
	if controls {
		key = "solid line and band: with failures; dashed line and band: their paired controls (same seeds, failures removed)"
	}
	if slices.ContainsFunc(tr.Points, func(pt TrajectoryPoint) bool { return len(pt.Windows) > 0 }) {
		key += "; grey: failures, as replicate 0 had them (a dashed line a strike, a shaded span a lasting one)"
	}
	// Up to three panels side by side, four two by two; a panel is three
	// quarters as tall as wide, one alone a half.
	cols := len(ps.plots)
	switch {
	case cols == 4:
		cols = 2
	case cols > 3:
		cols = 3
	}
	ch, rows := ps.chart(max(cols, 1), title, key, "")
	if cols <= 1 {
		return ch, 0.5*rows + 0.1
	}
	return ch, 0.7/float64(cols)*rows + 0.14
}

// trajectoryCharts are the charts of a sweep's trajectories: for each
// indicator, a panel a point where there are few points, and for a sweep
// of one numeric path and three points or more, every point's line in one
// panel, coloured by its value.
func trajectoryCharts(trs []Trajectory, paths []string) []namedChart {
	var out []namedChart
	for _, tr := range trs {
		if len(tr.Points) <= maxTrajectoryPoints {
			ch, aspect := drawTrajectory(tr)
			out = append(out, namedChart{"trajectory-" + tr.Indicator, ch, aspect})
		}
		if ch, aspect, ok := drawTrajectories(tr, paths); ok {
			out = append(out, namedChart{"trajectories-" + tr.Indicator, ch, aspect})
		}
	}
	return out
}

// drawTrajectories draws one indicator's mean course at every point of a
// sweep of one numeric path, a line each in the heatmaps' colours for the
// path's value, keyed at the right: how the course changes as the value
// grows, a failure's intensity say. Where every point's controls ran
// alike (the path changes only the failures), their mean is drawn once,
// dashed. It reports false for any other sweep.
func drawTrajectories(tr Trajectory, paths []string) (chart, float64, bool) {
	if len(paths) != 1 || len(tr.Points) < 3 {
		return nil, 0, false
	}
	vals := make([]string, len(tr.Points))
	for i, pt := range tr.Points {
		vals[i] = pt.Values[0]
	}
	xs, ok := numeric(vals)
	if !ok {
		return nil, 0, false
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	hm := &plotter.HeatMap{Palette: moreland.SmoothBlueRed().Palette(keyColours), Min: lo, Max: hi}
	if !(hi > lo) {
		hm.Min, hm.Max = lo-1, lo+1
	}
	title := fmt.Sprintf("%s over time at each value of %s, mean over %s", tr.Indicator, paths[0], replicatesText(tr.Points))
	key := "a line a value, coloured by it (key at the right)"
	if len(tr.Points[0].Windows) > 0 {
		key += fmt.Sprintf("; grey: failures, as replicate 0 of %s had them", tr.Points[0].Label)
	}
	p := newPlot("", "tick", axisLabel(tr.Indicator, tr.Unit))
	first := tr.Points[0]
	sameControl := len(first.Control.X) > 0
	for _, pt := range tr.Points[1:] {
		sameControl = sameControl && slices.Equal(pt.Control.Mean, first.Control.Mean)
	}
	if sameControl {
		p.Add(line(Line{X: first.Control.X, Y: first.Control.Mean}, grey, vg.Points(1.2), true))
		key += "; dashed grey: the paired controls' mean, the same at every value"
	}
	// Drawn from the least value up, so the greatest lies on top.
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return xs[order[a]] < xs[order[b]] })
	for _, i := range order {
		p.Add(line(Line{X: tr.Points[i].Run.X, Y: tr.Points[i].Run.Mean}, paletteColour(hm, xs[i]), vg.Points(1.2), false))
	}
	if len(first.Windows) > 0 {
		p.Add(windows{ws: first.Windows, labels: true})
	}
	cols := hm.Palette.Colors()
	return func(dc draw.Canvas) { drawWithColourKey(header(dc, title, key), p, cols, lo, hi) }, 0.6, true
}

// replicatesText says how many replicates the points' lines are over: "3
// replicates", or "2–3 replicates" where some point has fewer (a run that
// failed, or was not kept).
func replicatesText(pts []TrajectoryPoint) string {
	lo, hi := math.MaxInt, 0
	for _, pt := range pts {
		lo, hi = min(lo, pt.Reps), max(hi, pt.Reps)
	}
	if lo == hi {
		return plural(hi, "replicate")
	}
	return fmt.Sprintf("%d–%d replicates", lo, hi)
}

// TrajectoryFile is the file, in a sweep's directory, that holds the data
// of its trajectory charts, for a reader to draw them with other tools.
const TrajectoryFile = "trajectories.csv"

// writeTrajectories writes trs to dir/TrajectoryFile: a row an indicator,
// point and tick drawn (at most MaxPoints ticks of a run, evenly spaced),
// with the number of replicates and the mean and 95% interval of the runs
// and of their controls (empty without failures, and the intervals with
// one replicate). With none it removes an earlier file, which would no
// longer hold (sweep.WriteAnalysis).
func writeTrajectories(dir string, paths []string, trs []Trajectory) error {
	head := append(append([]string{"indicator"}, paths...), "tick", "n", "mean", "ci_low", "ci_high", "control_mean", "control_ci_low", "control_ci_high")
	var rows [][]string
	for _, tr := range trs {
		for _, pt := range tr.Points {
			for k, x := range pt.Run.X {
				rec := append(append([]string{tr.Indicator}, pt.Values...), sweep.Cell(x), strconv.Itoa(pt.Reps),
					sweep.Cell(pt.Run.Mean[k]), sweep.Cell(pt.Run.Low[k]), sweep.Cell(pt.Run.High[k]), "", "", "")
				if k < len(pt.Control.X) {
					copy(rec[len(rec)-3:], []string{sweep.Cell(pt.Control.Mean[k]), sweep.Cell(pt.Control.Low[k]), sweep.Cell(pt.Control.High[k])})
				}
				rows = append(rows, rec)
			}
		}
	}
	return sweep.WriteAnalysis(dir, TrajectoryFile, head, rows)
}
