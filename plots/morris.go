package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ecosim/ecosim/sweep"
)

// MorrisPoint is one varied path's elementary effects on one figure, from
// morris.csv.
type MorrisPoint struct {
	Path string
	// Effects is the number of elementary effects.
	Effects                      int
	Mu, MuStar, Low, High, Sigma float64
}

// loadMorris reads morris.csv by figure, in its order; a sweep without one
// (any design but morris) has none.
func loadMorris(p string) (map[string][]MorrisPoint, error) {
	return loadByPath(p, sweep.MorrisHeader, "effects, mean, interval or spread", func(path string, n int, v []float64) MorrisPoint {
		return MorrisPoint{Path: path, Effects: n, Mu: v[0], MuStar: v[1], Low: v[2], High: v[3], Sigma: v[4]}
	})
}

// MorrisHeadline pivots the headline figures' (as SweepHeadline picks
// them) elementary effects: a row a varied path, a cell a figure,
// "mu* [low, high] σ sigma". It returns nil when the sweep has none.
func MorrisHeadline(d *SweepData) *Headline {
	if len(d.Morris) == 0 {
		return nil
	}
	return pathHeadline(d, "elementary effects on ", func(f string) []pathCell {
		var cells []pathCell
		for _, m := range d.Morris[f] {
			c := pathCell{path: m.Path}
			if !math.IsNaN(m.MuStar) {
				c.text, _ = meanInterval(m.MuStar, m.Low, m.High)
				if !math.IsNaN(m.Sigma) {
					c.text += " σ " + strconv.FormatFloat(m.Sigma, 'g', 3, 64)
				}
			}
			cells = append(cells, c)
		}
		return cells
	})
}

// drawMorris draws, a panel a figure, each varied path at its mu* across
// and its sigma up, named, with mu*'s interval as a bar: the usual reading
// of Morris's screening, where a path near the origin can be fixed, one
// far out along mu* matters, and one high in sigma matters through others
// or unevenly over its range.
func drawMorris(d *SweepData) (chart, float64) {
	var ps panels
	trajectories := 0
	for _, fig := range d.Figures {
		ms, ok := d.Morris[fig]
		if !ok {
			continue // a share of replicates, derived per point
		}
		var pts, barPts plotter.XYs
		var names []string
		var errs plotter.XErrors
		hi := 0.0
		for _, m := range ms {
			trajectories = max(trajectories, m.Effects)
			if math.IsNaN(m.MuStar) || math.IsNaN(m.Sigma) {
				continue
			}
			pts = append(pts, plotter.XY{X: m.MuStar, Y: m.Sigma})
			names = append(names, m.Path)
			hi = max(hi, m.MuStar, m.Sigma)
			if !math.IsNaN(m.Low) {
				barPts = append(barPts, plotter.XY{X: m.MuStar, Y: m.Sigma})
				errs = append(errs, struct{ Low, High float64 }{m.MuStar - m.Low, m.High - m.MuStar})
				hi = max(hi, m.High)
			}
		}
		if !ps.admit(fig, len(pts) > 0 && hi > 0) {
			continue
		}
		p := newPlot(fig, "mu* (mean |effect|)", "sigma (sd of effects)")
		p.Title.TextStyle.Font.Size = labelSize
		// The same scale on both axes, from 0: sigma against mu* is the
		// reading, and a path on the diagonal acts as much through the
		// others as alone.
		p.X.Min, p.Y.Min, p.X.Max, p.Y.Max = 0, 0, float64(hi*1.25), float64(hi*1.25)
		p.Add(line(Line{X: []float64{0, float64(hi * 1.25)}, Y: []float64{0, float64(hi * 1.25)}}, grey, vg.Points(0.8), true))
		if len(barPts) > 0 {
			if bars, err := plotter.NewXErrorBars(struct {
				plotter.XYs
				plotter.XErrors
			}{barPts, errs}); err == nil {
				bars.LineStyle.Color, bars.LineStyle.Width = blue, vg.Points(1.2)
				p.Add(bars)
			}
		}
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
		at, right, top := placeLabels(pts, names, float64(hi*1.25))
		p.Y.Max = max(p.Y.Max, top)
		if ls, err := plotter.NewLabels(plotter.XYLabels{XYs: at, Labels: names}); err == nil {
			for i := range ls.TextStyle {
				ls.TextStyle[i].Font.Size = tickSize
				if right[i] {
					ls.TextStyle[i].XAlign = text.XRight
				}
			}
			p.Add(ls)
		}
		ps.plots = append(ps.plots, p)
	}
	title := fmt.Sprintf("Morris screening: each varied path's elementary effects, over %d trajectories", trajectories)
	key := "a point a path: mu* across (how far the figure moves with the path), sigma up (how unevenly); bars: mu*'s 95% bootstrap interval; dashed: sigma = mu*"
	ch, rows := ps.chart(2, title, key, "no effect defined, or none but 0")
	return ch, 0.42*rows + 0.06
}

// placeLabels places each point's name beside it, in data units of a
// panel spanning 0 to span both ways: to its right, or to its left (right
// reports which) for a point in the right half, where the name would run
// past the frame; and, where a name would cover one placed before, moved
// up until it does not, since paths that barely matter crowd together at
// the origin. top is the highest a name reaches.
func placeLabels(pts plotter.XYs, names []string, span float64) (at plotter.XYs, right []bool, top float64) {
	type box struct{ x0, x1, y0, y1 float64 }
	var placed []box
	h, gap := float64(0.065*span), float64(0.02*span)
	for i, pt := range pts {
		w := float64(float64(len(names[i])) * float64(0.021*span)) // a character about 2% of the panel
		r := pt.X > 0.55*span
		b := box{x0: pt.X + gap, y0: pt.Y + gap}
		if r {
			b.x0 = pt.X - gap - w
		}
		b.x1 = b.x0 + w
		for moved := true; moved; {
			moved = false
			for _, o := range placed {
				if b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1+gap/2 && o.y0 < b.y0+h {
					b.y0, moved = o.y1+gap/2, true
				}
			}
		}
		b.y1 = b.y0 + h
		placed = append(placed, b)
		x := b.x0
		if r {
			x = b.x1
		}
		at, right, top = append(at, plotter.XY{X: x, Y: b.y0}), append(right, r), max(top, b.y1)
	}
	return at, right, top
}
