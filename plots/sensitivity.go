package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ecosim/ecosim/sweep"
)

// SensPoint is how one figure depends on one varied path, from
// sensitivity.csv: the partial rank correlation and its interval.
type SensPoint struct {
	Path            string
	PRCC, Low, High float64
	Spearman        float64
	Runs            int
}

// loadSensitivity reads sensitivity.csv by figure, in its order; a sweep
// without one (a grid design) has none.
func loadSensitivity(p string) (map[string][]SensPoint, error) {
	return loadByPath(p, sweep.SensitivityHeader, "runs, correlation or interval", func(path string, n int, v []float64) SensPoint {
		return SensPoint{Path: path, Runs: n, Spearman: v[0], PRCC: v[1], Low: v[2], High: v[3]}
	})
}

// SensitivityHeadline pivots the partial rank correlations of the
// headline figures (as SweepHeadline picks them): a row a varied path, a
// cell a figure, "prcc [low, high]". It returns nil when the sweep has
// none.
func SensitivityHeadline(d *SweepData) *Headline {
	if len(d.Sensitivity) == 0 {
		return nil
	}
	return pathHeadline(d, "sensitivity of ", func(f string) []pathCell {
		var cells []pathCell
		for _, s := range d.Sensitivity[f] {
			c := pathCell{path: s.Path}
			switch {
			case !math.IsNaN(s.Low):
				c.text = fmt.Sprintf("%.2f [%.2f, %.2f]", s.PRCC, s.Low, s.High)
			case !math.IsNaN(s.PRCC):
				c.text, c.single = fmt.Sprintf("%.2f", s.PRCC), true
			}
			cells = append(cells, c)
		}
		return cells
	})
}

// pathCell is one varied path's cell of a figure's column in a
// pathHeadline: empty text for none, single for an estimate without an
// interval.
type pathCell struct {
	path, text string
	single     bool
}

// pathHeadline pivots an analysis by path of the headline figures (as
// SweepHeadline picks them): a row a varied path, in the order the
// figures name them, and a column a figure, the cells as cells gives them
// for it, "-" where there is none. what is put before the headline's own
// name of its figures. It returns nil when the sweep has no headline
// figures.
func pathHeadline(d *SweepData, what string, cells func(fig string) []pathCell) *Headline {
	figs, heads, name := headlineFigures(d.Figures)
	if len(figs) == 0 {
		return nil
	}
	out := &Headline{What: what + name, Columns: append([]string{"varied path"}, heads...)}
	var paths []string
	byPath := map[string][]string{}
	for fi, f := range figs {
		for _, c := range cells(f) {
			if _, ok := byPath[c.path]; !ok {
				byPath[c.path] = make([]string, len(figs))
				paths = append(paths, c.path)
			}
			byPath[c.path][fi] = c.text
			out.Single = out.Single || c.single
		}
	}
	for _, p := range paths {
		row := append([]string{p}, byPath[p]...)
		for i, c := range row {
			if c == "" {
				row[i] = "-"
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// drawSensitivity draws, a panel a figure, each varied path's partial
// rank correlation with the figure, a point with its 95% interval on a
// scale from −1 to 1, the paths down the side in plan order: which of a
// random, Latin-hypercube or sobol sweep's paths drive which figure.
func drawSensitivity(d *SweepData) (chart, float64) {
	var ps panels
	kmax := 0 // the most paths in a panel
	for _, fig := range d.Figures {
		ss, ok := d.Sensitivity[fig]
		if !ok {
			continue // a share of replicates, derived per point
		}
		defined := 0
		for _, s := range ss {
			if !math.IsNaN(s.PRCC) {
				defined++
			}
		}
		if !ps.admit(fig, defined > 0) {
			continue
		}
		kmax = max(kmax, len(ss))
		paths := make([]string, len(ss))
		dots := make([]intervalDot, len(ss))
		for i, s := range ss {
			paths[i], dots[i] = s.Path, intervalDot{s.PRCC, s.Low, s.High}
		}
		p := indexPanel(fig, "partial rank correlation", paths, []indexSeries{{dots, blue, draw.CircleGlyph{}}}, -1, 1)
		p.X.Tick.Marker = plot.ConstantTicks{{Value: -1, Label: "-1"}, {Value: -0.5}, {Value: 0, Label: "0"},
			{Value: 0.5}, {Value: 1, Label: "1"}}
		ps.plots = append(ps.plots, p)
	}
	// Two to a row: each panel names the paths down its side, which
	// would leave three to a row little room for the scale.
	runs := 0
	for _, ss := range d.Sensitivity {
		for _, s := range ss {
			runs = max(runs, s.Runs)
		}
	}
	title := fmt.Sprintf("Sensitivity: each figure against each varied path, over %d runs", runs)
	key := "points: partial rank correlation (PRCC: the other paths' effects taken out); bars: 95% interval; dashed: none"
	ch, rows := ps.chart(2, title, key, "too few runs where the figure is defined")
	return ch, float64(0.05*float64(kmax+3))*rows + 0.08
}

// drawScatter draws, for a random, Latin-hypercube or sobol sweep, each
// headline figure (SweepHeadline's) against each varied path with
// numbers, a dot a point at the mean of its replicates: the shape of what
// the partial rank correlations summarise in one number each, which
// misses a figure that rises and then falls.
func drawScatter(d *SweepData) (chart, float64) {
	figs, _, what := headlineFigures(d.Figures)
	var paths []string
	for _, ss := range d.Sensitivity {
		for _, s := range ss {
			paths = append(paths, s.Path)
		}
		break
	}
	index := map[string]int{}
	for i, p := range d.Paths {
		index[p] = i
	}
	var ps panels
	for _, fig := range figs {
		for _, path := range paths {
			var pts plotter.XYs
			for _, a := range d.ByFig[fig] {
				x, err := strconv.ParseFloat(a.Values[index[path]], 64)
				if err == nil && !math.IsNaN(a.Mean) {
					pts = append(pts, plotter.XY{X: x, Y: a.Mean})
				}
			}
			name := fig + " ~ " + path
			if !ps.admit(name, len(pts) >= 2) {
				continue
			}
			p := newPlot(fig, path, "")
			p.Title.TextStyle.Font.Size = labelSize
			if sc, err := plotter.NewScatter(pts); err == nil {
				sc.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
				p.Add(sc)
			}
			ps.plots = append(ps.plots, p)
		}
	}
	cols := min(max(len(paths), 1), 3)
	title := fmt.Sprintf("Scatter: %s against each varied path", what)
	key := "a dot a point of the design, at the mean of its replicates"
	ch, rows := ps.chart(cols, title, key, "defined in fewer than two points")
	return ch, 0.27*rows*3/float64(cols) + 0.06
}

// intervalDot is one estimate with its interval, NaN where there is none.
type intervalDot struct{ at, low, high float64 }

// indexSeries is one kind of estimate on an index panel: a dot a path.
type indexSeries struct {
	dots   []intervalDot
	colour color.Color
	shape  draw.GlyphDrawer
}

// indexPanel draws a panel for fig with the paths down its side, the
// first on top, and each series' dots and interval bars along x, the
// series of a path a little apart so their bars do not cover each other.
// x spans lo to hi, widened for any dot or bar beyond them, and a dashed
// line marks 0. under are drawn first, beneath the rest.
func indexPanel(fig, xlabel string, paths []string, series []indexSeries, lo, hi float64, under ...plot.Plotter) *plot.Plot {
	k := len(paths)
	p := newPlot(fig, xlabel, "")
	p.Add(under...)
	p.Title.TextStyle.Font.Size = labelSize
	p.Y.Min, p.Y.Max = -0.5, float64(k)-0.5
	names := make([]string, k)
	for i, path := range paths {
		names[k-1-i] = path
	}
	p.Y.Tick.Marker = placeTicks(names)
	p.Add(line(Line{X: []float64{0, 0}, Y: []float64{-0.5, float64(k) - 0.5}}, grey, vg.Points(0.8), true))
	for si, sr := range series {
		var pts, barPts plotter.XYs
		var errs plotter.XErrors
		shift := 0.0
		if len(series) > 1 { // the first series above the path's line, the last below
			shift = 0.3 * (0.5 - float64(si)/float64(len(series)-1))
		}
		for i, d := range sr.dots {
			if math.IsNaN(d.at) {
				continue
			}
			y := float64(k-1-i) + shift
			pts = append(pts, plotter.XY{X: d.at, Y: y})
			lo, hi = min(lo, d.at), max(hi, d.at)
			if !math.IsNaN(d.low) && !math.IsNaN(d.high) {
				barPts = append(barPts, plotter.XY{X: d.at, Y: y})
				errs = append(errs, struct{ Low, High float64 }{d.at - d.low, d.high - d.at})
				lo, hi = min(lo, d.low), max(hi, d.high)
			}
		}
		if len(barPts) > 0 {
			if bars, err := plotter.NewXErrorBars(struct {
				plotter.XYs
				plotter.XErrors
			}{barPts, errs}); err == nil {
				bars.LineStyle.Color, bars.LineStyle.Width = sr.colour, vg.Points(1.2)
				p.Add(bars)
			}
		}
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: sr.colour, Radius: vg.Points(2.5), Shape: sr.shape}
			p.Add(sc)
		}
	}
	pad := float64(0.04 * (hi - lo)) // a dot at the edge whole, not cut by the frame
	p.X.Min, p.X.Max = lo-pad, hi+pad
	return p
}
