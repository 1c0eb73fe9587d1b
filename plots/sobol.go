package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ecosim/ecosim/sweep"
)

// SobolPoint is how much of one figure's variance one varied path
// accounts for, from sobol.csv.
type SobolPoint struct {
	Path string
	// Rows is the number of the design's base rows the indices used.
	Rows                       int
	First, FirstLow, FirstHigh float64
	Total, TotalLow, TotalHigh float64
	// Noise is the share of the figure's variance that the noise in the
	// points' means makes up, the same for each of its paths; NaN with one
	// replicate a point, or in a sobol.csv written before it was kept.
	Noise float64
}

// loadSobol reads sobol.csv by figure, in its order; a sweep without one
// (any design but sobol) has none.
func loadSobol(p string) (map[string][]SobolPoint, error) {
	return loadByPath(p, sweep.SobolHeader, "rows, index or interval", func(path string, n int, v []float64) SobolPoint {
		noise := math.NaN()
		if len(v) > 6 {
			noise = v[6]
		}
		return SobolPoint{Path: path, Rows: n,
			First: v[0], FirstLow: v[1], FirstHigh: v[2], Total: v[3], TotalLow: v[4], TotalHigh: v[5], Noise: noise}
	}, len(sweep.SobolHeader)-1)
}

// SobolHeadline pivots the headline figures' (as SweepHeadline picks
// them) first-order indices, or with total their total-effect indices: a
// row a varied path, a cell a figure, "index [low, high]". The first-order
// table ends with a row of each figure's replicate noise share
// (SobolPoint.Noise), where the sweep has one. It returns nil when the
// sweep has none.
func SobolHeadline(d *SweepData, total bool) *Headline {
	if len(d.Sobol) == 0 {
		return nil
	}
	kind := "first-order"
	if total {
		kind = "total-effect"
	}
	return pathHeadline(d, kind+" index of ", func(f string) []pathCell {
		var cells []pathCell
		for _, s := range d.Sobol[f] {
			at, lo, hi := s.First, s.FirstLow, s.FirstHigh
			if total {
				at, lo, hi = s.Total, s.TotalLow, s.TotalHigh
			}
			c := pathCell{path: s.Path}
			if !math.IsNaN(at) {
				c.text = fmt.Sprintf("%.2f [%.2f, %.2f]", at, lo, hi)
			}
			cells = append(cells, c)
		}
		if ss := d.Sobol[f]; !total && len(ss) > 0 && !math.IsNaN(ss[0].Noise) {
			cells = append(cells, pathCell{path: NoiseRow, text: fmt.Sprintf("%.2f", ss[0].Noise)})
		}
		return cells
	})
}

// NoiseRow names the row of a Sobol' table that holds each figure's share
// of its variance that is the replicates' noise.
const NoiseRow = "(replicate noise)"

// SobolNoise returns the largest share of a figure's variance that is the
// replicates' noise in a sobol sweep, with the figure's name, and whether
// any figure's share is known (none is with one replicate a point).
func SobolNoise(d *SweepData) (share float64, fig string, known bool) {
	for _, f := range d.Figures {
		if ss := d.Sobol[f]; len(ss) > 0 && !math.IsNaN(ss[0].Noise) {
			if !known || ss[0].Noise > share {
				share, fig = ss[0].Noise, f
			}
			known = true
		}
	}
	return share, fig, known
}

// drawSobol draws, a panel a figure, each varied path's first-order and
// total-effect index with their intervals, the paths down the side in plan
// order: how a sobol sweep's figures' variance divides among its paths,
// and where a path acts through others (total well past first).
func drawSobol(d *SweepData) (chart, float64) {
	var ps panels
	kmax, rows, noisy := 0, 0, false
	for _, fig := range d.Figures {
		ss, ok := d.Sobol[fig]
		if !ok {
			continue // a share of replicates, derived per point
		}
		defined := false
		for _, s := range ss {
			defined = defined || !math.IsNaN(s.First)
			rows = max(rows, s.Rows)
		}
		if !ps.admit(fig, defined) {
			continue
		}
		kmax = max(kmax, len(ss))
		paths := make([]string, len(ss))
		first, total := make([]intervalDot, len(ss)), make([]intervalDot, len(ss))
		for i, s := range ss {
			paths[i] = s.Path
			first[i] = intervalDot{s.First, s.FirstLow, s.FirstHigh}
			total[i] = intervalDot{s.Total, s.TotalLow, s.TotalHigh}
		}
		var under []plot.Plotter
		if noise := ss[0].Noise; noise > 0 {
			// The replicates' noise, as a strip from 0: an index
			// within it is no more than the noise could make.
			strip, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: -0.5}, {X: noise, Y: -0.5},
				{X: noise, Y: float64(len(ss)) - 0.5}, {X: 0, Y: float64(len(ss)) - 0.5}})
			if err == nil {
				strip.Color, strip.LineStyle.Width = withAlpha(grey, 60), 0
				under, noisy = append(under, strip), true
			}
		}
		p := indexPanel(fig, "share of variance", paths, []indexSeries{
			{first, blue, draw.CircleGlyph{}}, {total, vermilion, draw.TriangleGlyph{}}}, 0, 1, under...)
		p.X.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 0.25}, {Value: 0.5, Label: "0.5"},
			{Value: 0.75}, {Value: 1, Label: "1"}}
		ps.plots = append(ps.plots, p)
	}
	title := fmt.Sprintf("Sobol' indices: each figure's variance by varied path, over %d rows of the design", rows)
	key := "blue circles: first-order index (the path alone); red triangles: total effect (with its interactions); bars: 95% bootstrap interval"
	if noisy {
		key += "; grey strip: the share of the variance that is the replicates' noise"
	}
	ch, tiles := ps.chart(2, title, key, "too few rows where the figure is defined, or it never varies")
	return ch, float64(0.05*float64(kmax+3))*tiles + 0.08
}
