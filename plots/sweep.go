package plots

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ecosim/ecosim/sweep"
)

// AggPoint is one point's summary of one figure, from aggregate.csv.
type AggPoint struct {
	Values []string // one per varied path
	Mean   float64
	Low    float64
	High   float64
	N      int
	// Mark follows the cell in a headline table: " *" on a paired
	// difference that stands after Holm's adjustment (loadContrasts).
	Mark string
}

// SweepData is aggregate.csv grouped by figure.
type SweepData struct {
	Paths   []string
	Figures []string
	ByFig   map[string][]AggPoint
	// Contrasts is contrasts.csv grouped by figure: each point's paired
	// difference from its baseline (sweep.Contrasts), the baseline's
	// points left out. Nil when the sweep has none.
	Contrasts map[string][]AggPoint
	// Design is the plan's design (sweep.DesignGrid, ...).
	Design string
	// Baseline names the contrasts' baseline, path=value.
	Baseline string
	// Crossings is crossings.csv for reading (sweep.Crossings), nil
	// when the sweep asked for none; Marks the same, to draw.
	Crossings *Headline
	Marks     []CrossingMark
	// Sensitivity is sensitivity.csv by figure, for a random, Latin-
	// hypercube or sobol sweep: each varied path's partial rank
	// correlation.
	Sensitivity map[string][]SensPoint
	// Sobol is sobol.csv by figure, for a sobol sweep: each varied
	// path's first-order and total-effect indices.
	Sobol map[string][]SobolPoint
	// Morris is morris.csv by figure, for a morris sweep: each varied
	// path's elementary effects.
	Morris map[string][]MorrisPoint
	// Replicates holds, for a sweep that varies nothing, each figure's
	// value in each successful replicate, in replicate order (NaN where
	// the figure is undefined, as a recovery that never came), from
	// runs.csv.
	Replicates map[string][]float64
	// Trajectories holds, for a sweep whose runs were kept (--keep-runs)
	// and that has few points (loadTrajectories says how few), each
	// analysed indicator's course through the ticks over each point's
	// replicates.
	Trajectories []Trajectory
}

// LoadSweep reads a sweep directory's sweep.json and aggregate.csv.
func LoadSweep(dir string) (*SweepData, error) {
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		return nil, dataErr(filepath.Join(dir, "sweep.json"), "%v", err)
	}
	p := filepath.Join(dir, "aggregate.csv")
	recs, err := readTable(p)
	if err != nil {
		return nil, err
	}
	d := &SweepData{ByFig: map[string][]AggPoint{}, Figures: sweep.AggregateFigures(m.Figures), Design: m.Plan.Design}
	for _, v := range m.Plan.Vary {
		d.Paths = append(d.Paths, v.Path)
	}
	np := len(d.Paths)
	if len(recs[0]) != np+7 {
		return nil, dataErr(p, "line 1: %d columns, want %d", len(recs[0]), np+7)
	}
	for i, r := range recs[1:] {
		fig := r[np+1]
		n, _ := strconv.Atoi(r[np+2])
		if r[np+3] == "" {
			continue // no value for this figure at this point
		}
		mean, e1 := strconv.ParseFloat(r[np+3], 64)
		lo, e2 := optFloat(r[np+5])
		hi, e3 := optFloat(r[np+6])
		if e1 != nil || e2 != nil || e3 != nil {
			return nil, dataErr(p, "line %d: mean or interval is not a number", i+2)
		}
		d.ByFig[fig] = append(d.ByFig[fig], AggPoint{Values: r[1 : 1+np], Mean: mean, Low: lo, High: hi, N: n})
	}
	if np == 0 {
		if d.Replicates, err = loadReplicates(filepath.Join(dir, "runs.csv"), m.Figures); err != nil {
			return nil, err
		}
	}
	if d.Contrasts, err = loadContrasts(filepath.Join(dir, "contrasts.csv"), np); err != nil {
		return nil, err
	}
	if d.Contrasts != nil {
		d.Baseline = sweep.ContrastBaseline(&m.Plan)
	}
	if d.Crossings, d.Marks, err = loadCrossings(filepath.Join(dir, "crossings.csv"), d.Paths); err != nil {
		return nil, err
	}
	if d.Sensitivity, err = loadSensitivity(filepath.Join(dir, "sensitivity.csv")); err != nil {
		return nil, err
	}
	if d.Sobol, err = loadSobol(filepath.Join(dir, "sobol.csv")); err != nil {
		return nil, err
	}
	if d.Morris, err = loadMorris(filepath.Join(dir, "morris.csv")); err != nil {
		return nil, err
	}
	if d.Trajectories, err = loadTrajectories(dir, d.Paths, m.Figures); err != nil {
		return nil, err
	}
	return d, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// readTable reads a CSV file of a header and rows.
func readTable(path string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, dataErr(path, "%v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, dataErr(path, "not a CSV table: %v", err)
	}
	return recs, nil
}

// readRuns reads runs.csv's rows and its columns by name, checking that it
// has the columns need names and that every row is as wide as its header.
func readRuns(path string, need []string) (rows [][]string, col map[string]int, err error) {
	recs, err := readTable(path)
	if err != nil {
		return nil, nil, err
	}
	col = map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, name := range need {
		if _, ok := col[name]; !ok {
			return nil, nil, dataErr(path, "line 1: no column %s", name)
		}
	}
	for i, r := range recs[1:] {
		if len(r) != len(recs[0]) {
			return nil, nil, dataErr(path, "line %d: %d fields, want %d", i+2, len(r), len(recs[0]))
		}
	}
	return recs[1:], col, nil
}

// loadReplicates reads each figure's value in each successful run of
// runs.csv, ordered by replicate.
func loadReplicates(path string, figures []string) (map[string][]float64, error) {
	rows, col, err := readRuns(path, append([]string{"replicate", "status"}, figures...))
	if err != nil {
		return nil, err
	}
	rep := func(r []string) int { n, _ := strconv.Atoi(r[col["replicate"]]); return n }
	sort.SliceStable(rows, func(i, j int) bool { return rep(rows[i]) < rep(rows[j]) })
	out := map[string][]float64{}
	for _, r := range rows {
		if r[col["status"]] != sweep.StatusOK {
			continue
		}
		for _, fig := range figures {
			v, err := optFloat(r[col[fig]])
			if err != nil {
				return nil, dataErr(path, "replicate %d: %s is not a number", rep(r), fig)
			}
			out[fig] = append(out[fig], v)
			if ind, ok := strings.CutSuffix(fig, sweep.RecoveryTimeSuffix); ok {
				// 1 where the indicator recovered, as aggregate.csv's
				// share counts it.
				share := ind + sweep.RecoveredSuffix
				out[share] = append(out[share], b2f(!math.IsNaN(v)))
			}
		}
	}
	return out, nil
}

// optFloat reads a number that may be left out, as NaN: an interval
// where a point has one replicate.
func optFloat(v string) (float64, error) {
	if v == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(v, 64)
}

func numeric(vals []string) ([]float64, bool) {
	out := make([]float64, len(vals))
	for i, v := range vals {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// SweepLine is one mean line with its confidence band.
type SweepLine struct {
	Label           string
	X, Mean, Lo, Hi []float64
}

// sweepLines groups a figure's points into lines over the numeric path
// xi, one line per value of the other path (if any).
func sweepLines(pts []AggPoint, xi int) []SweepLine {
	groups := map[string]*SweepLine{}
	var order []string
	for _, p := range pts {
		label := ""
		if len(p.Values) == 2 {
			label = p.Values[1-xi]
		}
		x, err := strconv.ParseFloat(p.Values[xi], 64)
		if err != nil {
			continue
		}
		l := groups[label]
		if l == nil {
			l = &SweepLine{Label: label}
			groups[label] = l
			order = append(order, label)
		}
		l.X, l.Mean, l.Lo, l.Hi = append(l.X, x), append(l.Mean, p.Mean), append(l.Lo, p.Low), append(l.Hi, p.High)
	}
	out := make([]SweepLine, 0, len(order))
	for _, k := range order {
		l := *groups[k]
		idx := make([]int, len(l.X))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return l.X[idx[a]] < l.X[idx[b]] })
		var s SweepLine
		s.Label = l.Label
		for _, i := range idx {
			s.X, s.Mean, s.Lo, s.Hi = append(s.X, l.X[i]), append(s.Mean, l.Mean[i]), append(s.Lo, l.Lo[i]), append(s.Hi, l.Hi[i])
		}
		out = append(out, s)
	}
	return out
}

// namedChart is a chart with the base name of its files.
type namedChart struct {
	name   string
	ch     chart
	aspect float64
}

// sweepCharts picks the charts a sweep's design allows: with one numeric
// varied path, each figure against it with its 95% confidence band (a
// degradation curve when the path is a failure's intensity); with one
// numeric and one other path, one line per value of the other; with two
// numeric paths, a heatmap per figure. Other designs get no charts.
func sweepCharts(d *SweepData) []namedChart {
	numIdx := -1
	allNum := true
	for i := range d.Paths {
		var vals []string
		for _, pts := range d.ByFig {
			for _, p := range pts {
				vals = append(vals, p.Values[i])
			}
			break
		}
		if _, ok := numeric(vals); ok {
			if numIdx < 0 {
				numIdx = i
			}
		} else {
			allNum = false
		}
	}
	var out []namedChart
	switch {
	case len(d.Paths) == 0:
		// Replicates of one scenario: nothing to draw a figure
		// against, so each figure's replicates are drawn side by side.
		ch, aspect := drawReplicates(d)
		out = []namedChart{{"replicates", ch, aspect}}
	case len(d.Paths) == 2 && allNum:
		out = heatmaps(d)
	case len(d.Paths) <= 2 && numIdx >= 0:
		ch, aspect := drawSweepLines(d, numIdx, nil, "")
		out = []namedChart{{"sweep", ch, aspect}}
	case len(d.Paths) <= 2:
		// No numeric path (network.topology=star,random,scale-free):
		// the first path's values become places along the x axis.
		cd, cats := categorical(d)
		ch, aspect := drawSweepLines(cd, 0, cats, "")
		out = []namedChart{{"sweep", ch, aspect}}
	}
	if c, ok := contrastChart(d); ok {
		out = append(out, c)
	}
	if len(d.Sensitivity) > 0 {
		ch, aspect := drawSensitivity(d)
		out = append(out, namedChart{"sensitivity", ch, aspect})
		ch, aspect = drawScatter(d)
		out = append(out, namedChart{"scatter", ch, aspect})
	}
	out = append(out, trajectoryCharts(d.Trajectories, d.Paths)...)
	if len(d.Sobol) > 0 {
		ch, aspect := drawSobol(d)
		out = append(out, namedChart{"sobol", ch, aspect})
	}
	if len(d.Morris) > 0 {
		ch, aspect := drawMorris(d)
		out = append(out, namedChart{"morris", ch, aspect})
	}
	return out
}

// categorical returns d with its first path's values replaced by their
// places (0, 1, ...) in order of first appearance, which is the plan's,
// and those values in that order.
func categorical(d *SweepData) (*SweepData, []string) {
	place := map[string]string{}
	var cats []string
	out := &SweepData{Paths: d.Paths, Figures: d.Figures, ByFig: map[string][]AggPoint{}}
	for _, fig := range d.Figures {
		for _, p := range d.ByFig[fig] {
			if _, ok := place[p.Values[0]]; !ok {
				place[p.Values[0]] = strconv.Itoa(len(cats))
				cats = append(cats, p.Values[0])
			}
			q := p
			q.Values = append([]string{place[p.Values[0]]}, p.Values[1:]...)
			out.ByFig[fig] = append(out.ByFig[fig], q)
		}
	}
	return out, cats
}

// DrawSweep draws a sweep's charts (see sweepCharts) into dir/plots.
func DrawSweep(dir string, o Options) ([]string, error) {
	d, err := LoadSweep(dir)
	if err != nil {
		return nil, err
	}
	return d.Draw(dir, o)
}

// Draw draws the charts of sweep data already loaded from dir into
// dir/plots.
func (d *SweepData) Draw(dir string, o Options) ([]string, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	files, err := saveAll(sweepCharts(d), filepath.Join(dir, "plots"), o)
	if err != nil {
		return files, err
	}
	// The trajectory charts' data, which no other file of the sweep's
	// holds; written with them, as they are drawn from the kept runs.
	return files, writeTrajectories(dir, d.Paths, d.Trajectories)
}

// maxSweepPanels bounds the small multiples of a sweep chart.
const maxSweepPanels = 18

// drawSweepLines draws each figure against path xi: mean lines with
// their confidence bands, one line per value of the other path, if any.
// With cats, path xi's values are places along the axis, labelled cats:
// each mean is a point with an error bar, a second path's values set
// side by side, and nothing joins them, as the values have no order.
// With baseline, d holds paired differences from it (contrastChart), and
// each panel has a dashed line at no difference.
func drawSweepLines(d *SweepData, xi int, cats []string, baseline string) (chart, float64) {
	path := d.Paths[xi]
	var ps panels
	var labels []string
	single := false // a point drawn has one replicate, so no interval
	shares := false // a panel is the share of replicates that recovered
	marked := false // a panel marks where its figure crosses a level
	for _, fig := range d.Figures {
		lines := sweepLines(d.ByFig[fig], xi)
		// A figure defined at one point at most says nothing here: a
		// recovery time, say, where the system never recovered.
		if !ps.admit(fig, longest(lines) >= 2) {
			continue
		}
		p := newPlot(fig, path, "")
		p.Title.TextStyle.Font.Size = labelSize
		shares = shareAxis(p, fig) || shares
		if cats != nil {
			drawCategories(p, lines, cats)
		} else {
			drawBands(p, lines)
		}
		if baseline != "" {
			noDifference(p, lines, cats)
		} else if cats == nil && xi == 0 && markCrossings(p, fig, lines, d.Marks) {
			marked = true
		}
		for _, l := range lines {
			for j := range l.X {
				single = single || !hasInterval(l, j)
			}
		}
		if len(ps.plots) == 0 {
			for i, l := range lines {
				if l.Label != "" {
					labels = append(labels, fmt.Sprintf("%s: %s", colourNames[i%len(colourNames)], l.Label))
				}
			}
		}
		ps.plots = append(ps.plots, p)
	}
	title := "Sweep: figures against " + path
	if strings.Contains(path, "failures[") {
		title = "Degradation: figures against failure intensity " + path
	}
	key := "lines: mean over replicates; bands: 95% confidence interval of the mean"
	if cats != nil {
		key = "points: mean over replicates; bars: 95% confidence interval of the mean"
	}
	if len(labels) > 0 {
		key = fmt.Sprintf("%s by %s; %s", strings.Join(labels, ", "), d.Paths[1-xi], key)
	}
	if shares {
		key += shareNote
	}
	if single {
		key += "\nno interval where a point has one replicate (--reps 2 or more gives one)"
	}
	if marked {
		key += "\ntriangles: where a replicate first reaches the dotted level, mean over those that do; bars: 95% interval (crossings.csv)"
	}
	if baseline != "" {
		title = "Difference from " + baseline + ", paired by replicate"
		key = strings.NewReplacer("mean over replicates", "each figure less the baseline's, mean over the pairs of replicates (a pair runs from one seed)",
			"of the mean", "of that mean").Replace(key) + "; dashed: no difference"
	}
	ch, rows := ps.chart(3, title, key, "defined in fewer than two points")
	return ch, 0.27*rows + 0.06
}

// shareAxis gives the panel of a share of replicates (<indicator>_recovered)
// its whole range, so that 0.9 does not look like 0, and reports whether
// fig is one.
func shareAxis(p *plot.Plot, fig string) bool {
	if !isShare(fig) {
		return false
	}
	p.Y.Min, p.Y.Max = 0, 1
	return true
}

// isShare reports whether fig is a share of replicates, drawn on 0..1.
func isShare(fig string) bool { return strings.HasSuffix(fig, sweep.RecoveredSuffix) }

// shareNote is the key's line for shares' panels.
const shareNote = "\n_recovered: the share of replicates that recovered, with its Wilson interval"

// panels are a sweep chart's small multiples, a figure each, and the
// figures left out.
type panels struct {
	plots           []*plot.Plot
	undefined, over []string
}

// admit reports whether fig gets a panel: it must be defined at two or
// more places, and panels remain.
func (ps *panels) admit(fig string, defined bool) bool {
	switch {
	case !defined:
		ps.undefined = append(ps.undefined, fig)
	case len(ps.plots) == maxSweepPanels:
		ps.over = append(ps.over, fig)
	default:
		return true
	}
	return false
}

// chart lays the panels out cols to a row under title and key, the key
// naming the figures left out (leftOut, with why), and returns it with
// its number of rows of panels (at least 1), by which its caller sizes it.
func (ps *panels) chart(cols int, title, key, why string) (chart, float64) {
	grid := ps.gridOf(cols)
	key += ps.leftOut(why)
	return func(dc draw.Canvas) { drawTiles(header(dc, title, key), grid) }, float64(max(len(grid), 1))
}

// gridOf sets the panels cols to a row.
func (ps *panels) gridOf(cols int) [][]*plot.Plot {
	grid := make([][]*plot.Plot, (len(ps.plots)+cols-1)/cols)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, p := range ps.plots {
		grid[i/cols][i%cols] = p
	}
	return grid
}

// leftOut names, for the chart's key, the figures not drawn: those
// without enough data to draw (why says how little, such as "defined in
// fewer than two points") and those past the last panel, so that none is
// taken for lost.
func (ps *panels) leftOut(why string) string {
	var key string
	if len(ps.undefined) > 0 {
		key += fmt.Sprintf("\nnot drawn, %s: %s", why, strings.Join(ps.undefined, ", "))
	}
	if len(ps.over) > 0 {
		key += fmt.Sprintf("\nnot drawn, past %d panels: %s (all in aggregate.csv)", maxSweepPanels, strings.Join(ps.over, ", "))
	}
	return key
}

// drawReplicates draws, a panel a figure, each replicate's value as a
// dot over the mean and its confidence band: a sweep of replicates alone
// shows how far its runs spread.
func drawReplicates(d *SweepData) (chart, float64) {
	var ps panels
	reps, shares := 0, false
	for _, fig := range d.Figures {
		var pts plotter.XYs
		for i, v := range d.Replicates[fig] {
			if !math.IsNaN(v) {
				pts = append(pts, plotter.XY{X: float64(i + 1), Y: v})
			}
		}
		if !ps.admit(fig, len(pts) >= 2) {
			continue
		}
		n := float64(len(d.Replicates[fig]))
		reps = max(reps, len(d.Replicates[fig]))
		p := newPlot(fig, "replicate", "")
		p.Title.TextStyle.Font.Size = labelSize
		p.X.Min, p.X.Max = 0.5, n+0.5
		shares = shareAxis(p, fig) || shares
		if agg := d.ByFig[fig]; len(agg) == 1 {
			a := agg[0]
			span := []float64{0.5, n + 0.5}
			if !math.IsNaN(a.Low) && !math.IsNaN(a.High) {
				addBand(p, span, []float64{a.Low, a.Low}, []float64{a.High, a.High}, blue)
			}
			p.Add(line(Line{X: span, Y: []float64{a.Mean, a.Mean}}, blue, vg.Points(1.3), false))
		}
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: vermilion, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
		ps.plots = append(ps.plots, p)
	}
	key := "dots: one replicate each; line: their mean; band: 95% confidence interval of the mean"
	if shares {
		key += "\n_recovered: 1 where the indicator recovered; line: the share, with its Wilson interval"
	}
	title := fmt.Sprintf("Replicates: each figure in %d runs of the scenario", reps)
	ch, rows := ps.chart(3, title, key, "defined in fewer than two replicates")
	return ch, 0.27*rows + 0.06
}

// drawBands adds to p each line's means, joined, over its confidence band.
func drawBands(p *plot.Plot, lines []SweepLine) {
	for i, l := range lines {
		col := seriesColours[i%len(seriesColours)]
		// A band runs over each stretch of points that have an
		// interval; a point of one replicate has none.
		for a := 0; a < len(l.X); {
			b := a
			for b < len(l.X) && hasInterval(l, b) {
				b++
			}
			if b-a > 1 {
				addBand(p, l.X[a:b], l.Lo[a:b], l.Hi[a:b], col)
			}
			a = b + 1
		}
		p.Add(line(Line{X: l.X, Y: l.Mean}, col, vg.Points(1.3), false))
		if pts, err := plotter.NewScatter(xys(l.X, l.Mean)); err == nil {
			pts.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(pts)
		}
	}
}

// addBand adds to p a confidence band from lo to hi over x, in a pale
// shade of col.
func addBand(p *plot.Plot, x, lo, hi []float64, col color.NRGBA) {
	ring := append(xys(x, hi), reversed(xys(x, lo))...)
	if poly, err := plotter.NewPolygon(ring); err == nil {
		poly.Color, poly.LineStyle.Width = withAlpha(col, 50), 0
		p.Add(poly)
	}
}

// drawCategories adds to p each line's means at the places of cats, as
// points with error bars, the lines set side by side about each place.
func drawCategories(p *plot.Plot, lines []SweepLine, cats []string) {
	p.X.Min, p.X.Max = -0.5, float64(len(cats))-0.5
	p.X.Tick.Marker = placeTicks(cats)
	width := 0.6 / float64(max(len(lines), 1))
	for i, l := range lines {
		col := seriesColours[i%len(seriesColours)]
		shift := (float64(i) - float64(len(lines)-1)/2) * width
		var pts plotter.XYs
		var errs plotter.YErrors
		var barPts plotter.XYs
		for j := range l.X {
			pts = append(pts, plotter.XY{X: l.X[j] + shift, Y: l.Mean[j]})
			if hasInterval(l, j) {
				barPts = append(barPts, pts[len(pts)-1])
				errs = append(errs, struct{ Low, High float64 }{l.Mean[j] - l.Lo[j], l.Hi[j] - l.Mean[j]})
			}
		}
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{barPts, errs})
		if err == nil && len(barPts) > 0 {
			bars.LineStyle.Color, bars.LineStyle.Width = col, vg.Points(1.2)
			p.Add(bars)
		}
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
	}
}

// hasInterval reports whether point j of l has a confidence interval: it
// has none where it has one replicate.
func hasInterval(l SweepLine, j int) bool {
	return !math.IsNaN(l.Lo[j]) && !math.IsNaN(l.Hi[j])
}

// placeTicks labels places 0, 1, ... with cats.
func placeTicks(cats []string) plot.ConstantTicks {
	t := make(plot.ConstantTicks, len(cats))
	for i, c := range cats {
		t[i] = plot.Tick{Value: float64(i), Label: c}
	}
	return t
}

func longest(lines []SweepLine) int {
	n := 0
	for _, l := range lines {
		n = max(n, len(l.X))
	}
	return n
}

// colourNames name seriesColours in keys.
var colourNames = []string{"blue", "red", "green", "orange", "pink", "sky blue", "yellow", "black"}

// heatGrid is a figure's means on a grid of two numeric paths.
type heatGrid struct {
	xs, ys []float64
	z      map[[2]float64]float64
}

func (g heatGrid) Dims() (c, r int) { return len(g.xs), len(g.ys) }
func (g heatGrid) X(c int) float64  { return g.xs[c] }
func (g heatGrid) Y(r int) float64  { return g.ys[r] }
func (g heatGrid) Z(c, r int) float64 {
	if v, ok := g.z[[2]float64{g.xs[c], g.ys[r]}]; ok {
		return v
	}
	return math.NaN()
}

func uniqSorted(v []float64) []float64 {
	sort.Float64s(v)
	out := v[:0]
	for i, x := range v {
		if i == 0 || x != v[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func heatmaps(d *SweepData) []namedChart {
	var out []namedChart
	for _, fig := range d.Figures {
		pts := d.ByFig[fig]
		if len(pts) < 4 {
			continue
		}
		g := heatGrid{z: map[[2]float64]float64{}}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range pts {
			x, _ := strconv.ParseFloat(p.Values[0], 64)
			y, _ := strconv.ParseFloat(p.Values[1], 64)
			g.xs, g.ys = append(g.xs, x), append(g.ys, y)
			g.z[[2]float64{x, y}] = p.Mean
			lo, hi = math.Min(lo, p.Mean), math.Max(hi, p.Mean)
		}
		g.xs, g.ys = uniqSorted(g.xs), uniqSorted(g.ys)
		if len(g.xs) < 2 || len(g.ys) < 2 {
			continue
		}
		hm := plotter.NewHeatMap(g, moreland.SmoothBlueRed().Palette(keyColours))
		title := fig + " (mean over replicates)"
		if isShare(fig) {
			// A share is coloured on its whole range, as its line
			// panels are drawn: 0.9 must not look like 0.
			lo, hi = 0, 1
			hm.Min, hm.Max = 0, 1
			title = fig + " (share of replicates that recovered)"
		} else if hi <= lo {
			// One value everywhere: gonum leaves such cells blank; they
			// take the palette's middle colour instead.
			hm.Min, hm.Max = lo-1, lo+1
		}
		p := newPlot(title, d.Paths[0], d.Paths[1])
		if scattered(len(pts), g) {
			// A random, Latin-hypercube or sobol design puts each point
			// at values of its own, so a grid of cells would be nearly
			// all holes, each cell as wide as the gap to its neighbour
			// happens to be: its points are drawn as dots instead, on
			// the data's own ticks.
			p.Title.Text = fig + " (mean over replicates, a dot a point)"
			if isShare(fig) {
				p.Title.Text = fig + " (share of replicates that recovered, a dot a point)"
			}
			p.Add(colourDots(pts, hm)...)
			out = append(out, namedChart{"heatmap-" + fig, func(dc draw.Canvas) { drawWithColourKey(dc, p, hm.Palette.Colors(), lo, hi) }, 0.7})
			continue
		}
		p.Add(hm)
		// The values swept are what a reader looks for along the axes;
		// the default ticks fall between the cells (0.5, 0.7, 0.9 for
		// 0.6, 0.8, 1).
		if len(g.xs) <= maxValueTicks {
			p.X.Tick.Marker = valueTicks(g.xs)
		}
		if len(g.ys) <= maxValueTicks {
			p.Y.Tick.Marker = valueTicks(g.ys)
		}
		if len(g.xs)*len(g.ys) <= maxCellLabels {
			if l := cellLabels(g, hm); l != nil {
				p.Add(l)
			}
		}
		out = append(out, namedChart{"heatmap-" + fig, func(dc draw.Canvas) { drawWithColourKey(dc, p, hm.Palette.Colors(), lo, hi) }, 0.7})
	}
	return out
}

// scattered reports whether n points on g's values fill less than half of
// its cells: the points of a design that draws its values, not a grid.
func scattered(n int, g heatGrid) bool {
	return 2*n < len(g.xs)*len(g.ys)
}

// colourDots draws each point as a disc in hm's colour for its mean, as
// the heatmap would colour its cell, ringed in grey so that the palette's
// pale middle still shows on the white ground.
func colourDots(pts []AggPoint, hm *plotter.HeatMap) []plot.Plotter {
	xys := make(plotter.XYs, 0, len(pts))
	cols := make([]color.Color, 0, len(pts))
	for _, p := range pts {
		x, _ := strconv.ParseFloat(p.Values[0], 64)
		y, _ := strconv.ParseFloat(p.Values[1], 64)
		xys = append(xys, plotter.XY{X: x, Y: y})
		cols = append(cols, paletteColour(hm, p.Mean))
	}
	fill, _ := plotter.NewScatter(xys)
	fill.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: cols[i], Radius: dotRadius, Shape: draw.CircleGlyph{}}
	}
	ring, _ := plotter.NewScatter(xys)
	ring.GlyphStyle = draw.GlyphStyle{Color: color.Gray{Y: 0x60}, Radius: dotRadius, Shape: draw.RingGlyph{}}
	return []plot.Plotter{fill, ring}
}

// dotRadius is the radius of a point's disc on a map of a drawn design.
const dotRadius = 1.6 * vg.Millimeter

// paletteColour is the colour hm gives a cell of value v, by gonum's own
// scaling; NaN, or a range of one value, takes the palette's middle.
func paletteColour(hm *plotter.HeatMap, v float64) color.Color {
	cs := hm.Palette.Colors()
	if math.IsNaN(v) || !(hm.Max > hm.Min) {
		return cs[len(cs)/2]
	}
	i := int((v-hm.Min)*(float64(len(cs)-1)/(hm.Max-hm.Min)) + 0.5)
	return cs[min(max(i, 0), len(cs)-1)]
}

// keyColours is how many colours a heatmap's palette has.
const keyColours = 64

// The colour key beside a heatmap: a bar of the palette's colours, ticked
// and labelled at its right.
const (
	keyGap   = 2.5 * vg.Millimeter // between the data and the bar
	keyWidth = 4 * vg.Millimeter
	keyTick  = 1.5 * vg.Millimeter
	keyPad   = 1.5 * vg.Millimeter // between a tick and its label
)

// drawWithColourKey draws heatmap plot p with its colour key at the right,
// beside the data area and as tall as it: the colours alone do not say
// what they stand for.
func drawWithColourKey(dc draw.Canvas, p *plot.Plot, cols []color.Color, lo, hi float64) {
	ticks := []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	if hi > lo {
		ticks = plainTicks{}.Ticks(lo, hi)
	} else {
		// One value: one band of the colour its cells have, labelled
		// at its middle.
		cols = cols[len(cols)/2 : len(cols)/2+1]
	}
	style := p.Y.Tick.Label
	style.XAlign, style.YAlign = draw.XLeft, draw.YCenter
	labels := vg.Length(0)
	for _, t := range ticks {
		labels = max(labels, style.Width(t.Label))
	}
	main := draw.Crop(dc, 0, -(keyGap + keyWidth + keyTick + keyPad + labels), 0, 0)
	p.Draw(main)
	data := p.DataCanvas(main)
	x0, x1 := main.Max.X+keyGap, main.Max.X+keyGap+keyWidth
	y0, y1 := data.Min.Y, data.Max.Y
	step := (y1 - y0) / vg.Length(len(cols))
	for i, c := range cols {
		// Each band runs a little into the next, so no seam of white
		// shows between them at any resolution.
		top := min(y0+vg.Length(i+1)*step+step/2, y1)
		dc.SetColor(c)
		dc.Fill(vg.Rectangle{Min: vg.Point{X: x0, Y: y0 + vg.Length(i)*step}, Max: vg.Point{X: x1, Y: top}}.Path())
	}
	line := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	dc.StrokeLines(line, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
	for _, t := range ticks {
		if t.Label == "" || t.Value < lo || t.Value > hi {
			continue
		}
		y := (y0 + y1) / 2
		if hi > lo {
			y = y0 + vg.Length((t.Value-lo)/(hi-lo))*(y1-y0)
		}
		dc.StrokeLine2(line, x1, y, x1+keyTick, y)
		dc.FillText(style, vg.Point{X: x1 + keyTick + keyPad, Y: y}, t.Label)
	}
}

// maxValueTicks is the most values swept along a heatmap's axis that are
// each given a tick; more would crowd, and the default ticks are used.
const maxValueTicks = 12

// maxCellLabels is the most cells a heatmap writes its value in.
const maxCellLabels = 64

// valueTicks is a tick, labelled, at each value.
func valueTicks(vs []float64) plot.ConstantTicks {
	t := make(plot.ConstantTicks, len(vs))
	for i, v := range vs {
		t[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 4, 64)}
	}
	return t
}

// cellLabels writes each cell's mean in it, white on the dark ends of the
// palette and black on its pale middle; nil if the labels cannot be made.
func cellLabels(g heatGrid, hm *plotter.HeatMap) *plotter.Labels {
	var xys plotter.XYs
	var text []string
	var cols []color.Color
	for c, x := range g.xs {
		for r, y := range g.ys {
			v := g.Z(c, r)
			if math.IsNaN(v) {
				continue
			}
			xys = append(xys, plotter.XY{X: x, Y: y})
			text = append(text, strconv.FormatFloat(v, 'g', 3, 64))
			cols = append(cols, labelColour(hm, v))
		}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: text})
	if err != nil {
		return nil
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Color = cols[i]
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
	}
	return l
}

// labelColour is white where the heatmap's colour for v is dark, black
// where it is pale.
func labelColour(hm *plotter.HeatMap, v float64) color.Color {
	r, g, b, _ := paletteColour(hm, v).RGBA()
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 0.55*0xffff {
		return color.White
	}
	return color.Black
}
