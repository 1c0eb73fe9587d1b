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

	"github.com/ecosim/ecosim/agents"
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

// maxTrajectoryLines is the most points of a sweep of one or two paths
// whose trajectories are read, to be drawn a line each where one path is
// numeric (drawTrajectories).
const maxTrajectoryLines = 64

// keptRun is a successful run of runs.csv whose directory is kept.
type keptRun struct {
	key, label string
	values     []string
	point, rep int
}

// loadTrajectories reads the runs kept under dir/runs, for a sweep of at
// most maxTrajectoryPoints points, or of maxTrajectoryLines of one or two
// paths:
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
	if len(points) > maxTrajectoryPoints && (len(paths) > 2 || len(points) > maxTrajectoryLines) {
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
	lo, hi := agents.IndicatorBounds(ind)
	for _, s := range resilience.SummarizeEach(sets) {
		s = s.Within(lo, hi)
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
	title := fmt.Sprintf("%s over time: mean and 95%% interval over %s", tr.Indicator, replicatesText(tr.Points))
	key := "solid line and band: the runs"
	if controls {
		key = "solid line and band: with failures; dashed line and band: their paired controls (same seeds, failures removed)"
	}
	if slices.ContainsFunc(tr.Points, func(pt TrajectoryPoint) bool { return len(pt.Windows) > 0 }) {
		key += "; grey: failures, as replicate 0 had them (a dashed line a strike, a shaded span a lasting one)"
	}
	return tiledTrajectories(&ps, title, key)
}

// tiledTrajectories lays out trajectory panels on one y scale, so that the
// points compare at a glance: up to three side by side, four two by two;
// a panel seven tenths as tall as wide, one alone a half.
func tiledTrajectories(ps *panels, title, key string) (chart, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps.plots {
		lo, hi = min(lo, p.Y.Min), max(hi, p.Y.Max)
	}
	for _, p := range ps.plots {
		p.Y.Min, p.Y.Max = lo, hi
	}
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
// sweep of one numeric path, a line each in the heatmaps' colour for the
// path's value: how the course changes as the value grows, a failure's
// intensity say. With a second path of names (up to maxTrajectoryPoints
// of them, a network's topology say), each name gets a panel, all on one
// scale. Where every point's controls in a panel ran alike (the numeric
// path changes only the failures), their mean is drawn once, dashed. It
// reports false for any other sweep.
func drawTrajectories(tr Trajectory, paths []string) (chart, float64, bool) {
	if len(tr.Points) < 3 || len(paths) == 0 || len(paths) > 2 {
		return nil, 0, false
	}
	xi := -1 // the numeric path
	xs := make([]float64, len(tr.Points))
	for i := range paths {
		vals := make([]string, len(tr.Points))
		for j, pt := range tr.Points {
			vals[j] = pt.Values[i]
		}
		if v, ok := numeric(vals); ok && xi < 0 {
			xi, xs = i, v
		}
	}
	if xi < 0 {
		return nil, 0, false
	}
	// The points by the other path's value, in the order they come.
	var names []string
	groups := map[string][]int{}
	for j, pt := range tr.Points {
		name := ""
		if len(paths) == 2 {
			name = paths[1-xi] + "=" + pt.Values[1-xi]
		}
		if _, ok := groups[name]; !ok {
			names = append(names, name)
		}
		groups[name] = append(groups[name], j)
	}
	if len(names) > maxTrajectoryPoints {
		return nil, 0, false
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	hm := &plotter.HeatMap{Palette: moreland.SmoothBlueRed().Palette(keyColours), Min: lo, Max: hi}
	if !(hi > lo) {
		hm.Min, hm.Max = lo-1, lo+1
	}
	first := tr.Points[0]
	title := fmt.Sprintf("%s over time at each value of %s, mean over %s", tr.Indicator, paths[xi], replicatesText(tr.Points))
	key := "a line a value, coloured by it (key at the right)"
	if len(names) > 1 {
		key = fmt.Sprintf("a line a value of %s, coloured by it, from %s (blue) to %s (red); a panel for each %s",
			paths[xi], shortNum(lo), shortNum(hi), paths[1-xi])
	}
	if len(first.Windows) > 0 {
		key += fmt.Sprintf("; grey: failures, as replicate 0 of %s had them", first.Label)
	}
	var ps panels
	controls := false
	for _, name := range names {
		idx := groups[name]
		ylabel := axisLabel(tr.Indicator, tr.Unit)
		if len(names) > 1 {
			ylabel = tr.Unit
		}
		p := newPlot(name, "tick", ylabel)
		p.Title.TextStyle.Font.Size = labelSize
		sameControl := len(tr.Points[idx[0]].Control.X) > 0
		for _, j := range idx[1:] {
			sameControl = sameControl && slices.Equal(tr.Points[j].Control.Mean, tr.Points[idx[0]].Control.Mean)
		}
		if sameControl {
			c := tr.Points[idx[0]].Control
			p.Add(line(Line{X: c.X, Y: c.Mean}, grey, vg.Points(1.2), true))
			controls = true
		}
		// Drawn from the least value up, so the greatest lies on top.
		sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
		for _, j := range idx {
			p.Add(line(Line{X: tr.Points[j].Run.X, Y: tr.Points[j].Run.Mean}, paletteColour(hm, xs[j]), vg.Points(1.2), false))
		}
		if ws := tr.Points[idx[0]].Windows; len(ws) > 0 {
			p.Add(windows{ws: ws, labels: len(names) == 1})
		}
		ps.plots = append(ps.plots, p)
	}
	if controls {
		key += "; dashed grey: the paired controls' mean, the same at every value"
	}
	if len(ps.plots) == 1 {
		p, cols := ps.plots[0], hm.Palette.Colors()
		return func(dc draw.Canvas) { drawWithColourKey(header(dc, title, key), p, cols, lo, hi) }, 0.6, true
	}
	ch, aspect := tiledTrajectories(&ps, title, key)
	return ch, aspect, true
}

// shortNum is v as a key's text gives it, in up to 4 significant digits.
func shortNum(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

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
