package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Font sizes [pt], chosen to read at 100% zoom on an 18 cm wide chart.
const (
	titleSize  = 13
	labelSize  = 11
	tickSize   = 9.5
	legendSize = 9.5
)

// newPlot makes a plot with ecosim's title, axis labels and font sizes.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = titleSize
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	p.X.Label.TextStyle.Font.Size = labelSize
	p.Y.Label.TextStyle.Font.Size = labelSize
	p.X.Tick.Label.Font.Size = tickSize
	p.Y.Tick.Label.Font.Size = tickSize
	p.Legend.TextStyle.Font.Size = legendSize
	p.Legend.Top = true
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	return p
}

// plainTicks are gonum's default ticks with labels that tell the values
// apart in the fewest digits: its own can repeat ("1, 1, 1" for 0.99 to
// 1.01) or carry zeros that say nothing ("0.00, 250.00, 500.00").
type plainTicks struct{}

// Ticks implements plot.Ticker.
func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	var vals []float64
	for _, t := range ts {
		if t.Label != "" {
			vals = append(vals, t.Value)
		}
	}
	labels := plainLabels(vals)
	if labels == nil {
		return ts
	}
	for i, j := 0, 0; i < len(ts); i++ {
		if ts[i].Label != "" {
			ts[i].Label = labels[j]
			j++
		}
	}
	return ts
}

// plainLabels writes vals with the fewest decimals, up to 9, that tell
// them apart and stay within a thousandth of the step between them of
// their values; nil for values too large or small for decimals, whose
// default labels are kept.
func plainLabels(vals []float64) []string {
	if len(vals) < 2 {
		return nil
	}
	big, step := 0.0, math.Inf(1)
	for i, v := range vals {
		big = math.Max(big, math.Abs(v))
		if i > 0 {
			step = math.Min(step, math.Abs(v-vals[i-1]))
		}
	}
	if big >= 1e7 || step < 1e-9 {
		return nil
	}
	for d := 0; d <= 9; d++ {
		labels := make([]string, len(vals))
		ok := true
		for i, v := range vals {
			labels[i] = strconv.FormatFloat(v, 'f', d, 64)
			if labels[i] == "-0" {
				labels[i] = "0"
			}
			back, _ := strconv.ParseFloat(labels[i], 64)
			if math.Abs(back-v) > step/1000 || i > 0 && labels[i] == labels[i-1] {
				ok = false
				break
			}
		}
		if ok {
			return labels
		}
	}
	return nil
}

func lineColour(label string) color.Color {
	if label == "control" {
		return controlColour
	}
	return runColour
}

func axisLabel(name, unit string) string {
	if unit == "" {
		return name
	}
	return fmt.Sprintf("%s [%s]", name, unit)
}

func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i].X, pts[i].Y = x[i], y[i]
	}
	return pts
}

func line(l Line, c color.Color, width vg.Length, dashed bool) *plotter.Line {
	ln, err := plotter.NewLine(xys(l.X, l.Y))
	if err != nil {
		// Data was checked finite when loaded; an empty line draws nothing.
		ln = &plotter.Line{}
	}
	ln.Color, ln.Width = c, width
	if dashed {
		ln.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
	}
	return ln
}

// windows shades failure windows and marks strikes on a plot.
type windows struct {
	ws     []Window
	labels bool
	// colours, where set, is window i's colour for its strike line and
	// label; grey otherwise.
	colours []color.Color
	// top, when set, is the value up to which windows are shaded and
	// strikes drawn, rather than the top of the plot: a chart that keeps
	// its top for the legend keeps it clear of them.
	top *float64
}

// Plot implements plot.Plotter.
func (w windows) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	maxY := c.Max.Y
	if w.top != nil {
		maxY = min(maxY, trY(*w.top))
	}
	sty := plt.X.Tick.Label
	sty.Font.Size = 8
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	// Labels that would overlap (a strike and the recovery a tick after
	// it) go on rows up from the bottom: each takes the lowest row where
	// it is clear of the labels already there.
	var rows [][][2]vg.Length
	for i, win := range w.ws {
		col := color.Color(grey)
		if i < len(w.colours) && w.colours[i] != nil {
			col = w.colours[i]
		}
		x0 := trX(float64(win.Start))
		if win.End > win.Start {
			x1 := trX(float64(win.End))
			c.FillPolygon(withAlpha(grey, 45), []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: maxY}, {X: x0, Y: maxY}})
		} else {
			c.StrokeLine2(draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}, x0, c.Min.Y, x0, maxY)
		}
		if !w.labels || win.Label == "" {
			continue
		}
		lx := x0 + vg.Points(2)
		span := [2]vg.Length{lx, lx + sty.Width(win.Label) + vg.Points(3)}
		r := 0
		for ; r < len(rows); r++ {
			if !overlaps(rows[r], span) {
				break
			}
		}
		if r == len(rows) {
			rows = append(rows, nil)
		}
		rows[r] = append(rows[r], span)
		sty.Color = col
		c.FillText(sty, vg.Point{X: lx, Y: c.Min.Y + vg.Points(2) + vg.Length(r)*(sty.Height(win.Label)+vg.Points(2))}, win.Label)
	}
}

// overlaps reports whether span meets any of spans.
func overlaps(spans [][2]vg.Length, span [2]vg.Length) bool {
	for _, s := range spans {
		if span[0] < s[1] && s[0] < span[1] {
			return true
		}
	}
	return false
}

// drawTimeSeries lays out the panels three to a row with a shared tick
// range.
func drawTimeSeries(d TimeSeriesData) (chart, float64) {
	cols := 3
	rows := (len(d.Panels) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, pn := range d.Panels {
		p := newPlot(pn.Indicator, "tick", axisLabel("", pn.Unit))
		p.Title.TextStyle.Font.Size = labelSize
		p.X.Min, p.X.Max = 0, d.MaxTick
		p.Add(windows{ws: d.Windows})
		for _, l := range pn.Lines {
			p.Add(line(l, lineColour(l.Label), vg.Points(1.2), l.Label == "control"))
		}
		plots[i/cols][i%cols] = p
	}
	ch := func(dc draw.Canvas) { drawTiles(header(dc, d.Title, timeSeriesKey(d)), plots) }
	return ch, 0.27*float64(max(rows, 1)) + 0.06
}

// drawTiles lays out small multiples, aligned, with a little padding.
func drawTiles(dc draw.Canvas, grid [][]*plot.Plot) {
	if len(grid) == 0 {
		return
	}
	t := draw.Tiles{Rows: len(grid), Cols: len(grid[0]), PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	cs := plot.Align(grid, t, dc)
	for r := range grid {
		for c := range grid[r] {
			if grid[r][c] != nil {
				grid[r][c].Draw(cs[r][c])
			}
		}
	}
}

// timeSeriesKey explains the lines and windows in one line, in place of a
// legend in every panel.
func timeSeriesKey(d TimeSeriesData) string {
	key := "solid red: run"
	if len(d.Panels) > 0 && len(d.Panels[0].Lines) > 1 {
		key = "solid red: run with failures; dashed blue: paired control"
	}
	for _, w := range d.Windows {
		if w.End > w.Start {
			key += fmt.Sprintf("; shaded: %s, ticks %d–%d", w.Label, w.Start, w.End)
		} else {
			key += fmt.Sprintf("; dashed grey: %s at tick %d", w.Label, w.Start)
		}
	}
	return key
}

// header writes a title and a key line at the top of dc and returns the
// canvas below them.
func header(dc draw.Canvas, title, key string) draw.Canvas {
	sty := plot.New().Title.TextStyle // a fully set-up style to adjust
	sty.Color, sty.XAlign, sty.YAlign = black, draw.XCenter, draw.YTop
	sty.Font.Size = titleSize
	mid := (dc.Min.X + dc.Max.X) / 2
	dc.FillText(sty, vg.Point{X: mid, Y: dc.Max.Y - vg.Points(4)}, title)
	sty.Font.Size = 8.5
	sty.Color = grey
	// The key may run to several lines, one per "\n", and a line wider
	// than the chart is broken between words.
	var lines []string
	for _, l := range strings.Split(key, "\n") {
		lines = append(lines, wrap(l, dc.Max.X-dc.Min.X, sty.Width)...)
	}
	for i, l := range lines {
		dc.FillText(sty, vg.Point{X: mid, Y: dc.Max.Y - vg.Points(4+titleSize+4+keyLead*float64(i))}, l)
	}
	return draw.Crop(dc, 0, 0, 0, -vg.Points(4+titleSize+4+14+keyLead*float64(len(lines)-1)))
}

// wrap breaks line between words into lines no wider than width, as
// measured by size; a word wider than width stands alone.
func wrap(line string, width vg.Length, size func(string) vg.Length) []string {
	if size(line) <= width {
		return []string{line}
	}
	var out []string
	cur := ""
	for _, w := range strings.Fields(line) {
		if cur != "" && size(cur+" "+w) > width {
			out, cur = append(out, cur), w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	return append(out, cur)
}

// keyLead is the distance between the lines of a chart's key [pt].
const keyLead = 11

// drawResilience shows one indicator: run against control, the lost area
// filled, the resistance point and the recovery tick.
func drawResilience(d ResilienceData) (chart, float64) {
	p := newPlot("Resilience of "+d.Indicator, "tick", axisLabel(d.Indicator, d.Unit))
	f := d.Figures
	if len(d.BandX) > 1 {
		ring := append(xys(d.BandX, d.BandUpper), reversed(xys(d.BandX, d.BandLower))...)
		if poly, err := plotter.NewPolygon(ring); err == nil {
			poly.Color = withAlpha(vermilion, 70)
			poly.LineStyle.Width = 0
			p.Add(poly)
			p.Legend.Add(fmt.Sprintf("lost area: %.3g ratio·ticks", f.Loss), poly)
		}
	}
	ctl := line(d.Control, controlColour, vg.Points(1.4), true)
	run := line(d.Run, runColour, vg.Points(1.4), false)
	p.Add(ctl, run)
	p.Legend.Add("control", ctl)
	p.Legend.Add("with failures", run)
	if pt, err := plotter.NewScatter(plotter.XYs{{X: d.ResistanceTick, Y: d.ResistanceY}}); err == nil {
		pt.GlyphStyle = draw.GlyphStyle{Color: black, Radius: vg.Points(4), Shape: draw.RingGlyph{}}
		p.Add(pt)
		p.Legend.Add(fmt.Sprintf("resistance %.3g at tick %.0f", f.Resistance, d.ResistanceTick), pt)
	}
	rec := "not recovered"
	marks := windows{ws: d.Windows, labels: true}
	if d.RecoveryTick != nil {
		rec = fmt.Sprintf("recovered at tick %.0f (%s)", *d.RecoveryTick, plural(*f.RecoveryTime, "tick"))
		// In the same plotter as the failures, so its label keeps clear
		// of theirs.
		marks.ws = append(slices.Clone(d.Windows), Window{Start: int(*d.RecoveryTick), End: int(*d.RecoveryTick), Label: "recovered"})
		marks.colours = append(make([]color.Color, len(d.Windows)), green)
	}
	p.Legend.Add(fmt.Sprintf("%s; final ratio %.3g", rec, f.FinalRatio))
	// Leave the top of the plot to the legend, and keep the marks out of
	// it: a late recovery's line ran through the legend's text.
	lo, hi := p.Y.Min, p.Y.Max
	marks.top = &hi
	p.Add(marks)
	p.Y.Max = hi + 0.45*(hi-lo)
	return func(dc draw.Canvas) { p.Draw(dc) }, 0.55
}

func reversed(pts plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		out[len(pts)-1-i] = pt
	}
	return out
}

// drawDegrees plots P(k) on log-log axes.
func drawDegrees(d DegreeData) (chart, float64) {
	p := newPlot(fmt.Sprintf("Degree distribution at tick %d", d.Tick), "degree k [links]", "P(k) [fraction of nodes of the kind]")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	// Explicit ranges: a log axis over a single value would collapse to
	// zero width.
	xlo, xhi, ylo, yhi := math.Inf(1), 0.0, math.Inf(1), 0.0
	for _, s := range d.Series {
		for i := range s.Degree {
			xlo, xhi = math.Min(xlo, s.Degree[i]), math.Max(xhi, s.Degree[i])
			ylo, yhi = math.Min(ylo, s.Fraction[i]), math.Max(yhi, s.Fraction[i])
		}
	}
	p.X.Min, p.X.Max = xlo/1.5, xhi*1.5
	p.Y.Min, p.Y.Max = ylo/2, yhi*3
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.BoxGlyph{}}
	for i, s := range d.Series {
		pts, err := plotter.NewScatter(xys(s.Degree, s.Fraction))
		if err != nil {
			continue
		}
		pts.GlyphStyle = draw.GlyphStyle{Color: seriesColours[i], Radius: vg.Points(3.5), Shape: shapes[i%len(shapes)]}
		p.Add(pts)
		p.Legend.Add(fmt.Sprintf("%s (%.0f%% have no link)", s.Kind, 100*s.Isolated), pts)
	}
	p.Legend.Top, p.Legend.Left = true, false
	return func(dc draw.Canvas) { p.Draw(dc) }, 0.6
}

// drawGiant plots the giant component over time.
func drawGiant(d GiantData) (chart, float64) {
	p := newPlot("Giant component over time", "tick", "giant component [fraction of nodes at tick 0]")
	p.Add(windows{ws: d.Windows, labels: true})
	for _, l := range d.OverTime {
		ln := line(l, lineColour(l.Label), vg.Points(1.4), l.Label == "control")
		p.Add(ln)
		p.Legend.Add(l.Label, ln)
	}
	p.Y.Min = 0
	return func(dc draw.Canvas) { p.Draw(dc) }, 0.5
}

// drawRemoved plots the giant component against the fraction of nodes
// removed.
func drawRemoved(l Line) (chart, float64) {
	p := newPlot("Giant component against nodes lost", "nodes lost [fraction of nodes at tick 0]", "giant component [fraction of nodes at tick 0]")
	pts, err := plotter.NewScatter(xys(l.X, l.Y))
	if err == nil {
		pts.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
		p.Add(pts)
		p.Legend.Add("one point per tick", pts)
	}
	p.X.Min, p.Y.Min = 0, 0
	p.X.Max = math.Max(p.X.Max, 0.1)
	p.Y.Max = math.Max(p.Y.Max, 1)
	return func(dc draw.Canvas) { p.Draw(dc) }, 0.6
}

// plural is n and the noun, in the plural unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
