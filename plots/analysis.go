package plots

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ecosim/ecosim/sweep"
)

// readOptional reads the analysis file p, a CSV table of width columns
// (or of older, the width an earlier version wrote, when given), or
// returns nil when the sweep has none (the analysis does not apply to its
// design, or it predates it).
func readOptional(p string, width int, older ...int) ([][]string, error) {
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	recs, err := readTable(p)
	if err != nil {
		return nil, err
	}
	if w := len(recs[0]); slices.Contains(older, w) {
		width = w
	}
	for i, r := range recs {
		if len(r) != width {
			return nil, dataErr(p, "line %d: %d fields, want %d (a file of another ecosim version? rerunning the sweep's command rewrites it)", i+1, len(r), width)
		}
	}
	return recs, nil
}

// loadByPath reads an analysis file of a row per figure and varied path
// (sensitivity.csv, sobol.csv, morris.csv): figure, path, a count, then
// numbers, each of which may be empty (NaN). It returns each figure's
// rows, in the file's order, as row makes them from the path, the count
// and the numbers; nil for a file the sweep does not have, or that has no
// rows. what names the columns after the path, for the error of a row
// that does not parse. older are the widths earlier versions wrote the
// file in, whose rows have fewer numbers.
func loadByPath[T any](p string, header []string, what string, row func(path string, n int, v []float64) T, older ...int) (map[string][]T, error) {
	recs, err := readOptional(p, len(header), older...)
	if recs == nil || err != nil {
		return nil, err
	}
	out := map[string][]T{}
	for i, r := range recs[1:] {
		n, err := strconv.Atoi(r[2])
		v := make([]float64, len(r)-3)
		for j := range v {
			if err == nil {
				v[j], err = optFloat(r[3+j])
			}
		}
		if err != nil {
			return nil, dataErr(p, "line %d: %s is not a number", i+2, what)
		}
		out[r[0]] = append(out[r[0]], row(r[1], n, v))
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// CrossingMark is where a figure first reaches a level along the first
// varied path, at one value of the others (sweep.Crossings).
type CrossingMark struct {
	Others          []string
	Figure          string
	Level           float64
	Mean, Low, High float64
}

// loadCrossings reads crossings.csv as a table to print: the other paths'
// values, the figure and its level, where it is first reached along the
// first path as "mean [low, high]", and how many replicates reach it; and
// as marks for the charts.
func loadCrossings(p string, paths []string) (*Headline, []CrossingMark, error) {
	if len(paths) == 0 {
		return nil, nil, nil
	}
	no := len(paths) - 1 // the other paths' columns
	recs, err := readOptional(p, no+len(sweep.CrossingHeader))
	if recs == nil || err != nil {
		return nil, nil, err
	}
	var marks []CrossingMark
	h := &Headline{What: "first crossing along " + paths[0],
		Columns: append(append(append([]string(nil), paths[1:]...), "figure", "level"), paths[0], "replicates")}
	for i, r := range recs[1:] {
		c := r[no:]
		level, e0 := strconv.ParseFloat(c[1], 64)
		mean, e1 := optFloat(c[4])
		lo, e2 := optFloat(c[6])
		hi, e3 := optFloat(c[7])
		if e0 != nil || e1 != nil || e2 != nil || e3 != nil {
			return nil, nil, dataErr(p, "line %d: level, mean or interval is not a number", i+2)
		}
		if !math.IsNaN(mean) {
			marks = append(marks, CrossingMark{Others: r[:no], Figure: c[0], Level: level, Mean: mean, Low: lo, High: hi})
		}
		at, single := meanInterval(mean, lo, hi) // "-" where no replicate reaches the level
		h.Single = h.Single || single
		row := append(append([]string(nil), r[:no]...), c[0], c[1], at, c[3]+" of "+c[2])
		h.Rows = append(h.Rows, row)
	}
	return h, marks, nil
}

// loadContrasts reads contrasts.csv, for a sweep of np varied paths, by
// figure; a sweep without one (a random design, one replicate) has none.
func loadContrasts(p string, np int) (map[string][]AggPoint, error) {
	// Before the p-values, contrasts.csv had two columns fewer; such a
	// sweep still draws, without the marks.
	recs, err := readOptional(p, np+1+len(sweep.ContrastHeader), np+1+len(sweep.ContrastHeader)-2)
	if recs == nil || err != nil {
		return nil, err
	}
	out := map[string][]AggPoint{}
	for i, r := range recs[1:] {
		if r[np+4] == "" {
			continue // no pair has this figure defined in both runs
		}
		n, e0 := strconv.Atoi(r[np+3])
		mean, e1 := strconv.ParseFloat(r[np+4], 64)
		lo, e2 := optFloat(r[np+6])
		hi, e3 := optFloat(r[np+7])
		holm, e4 := math.NaN(), error(nil)
		if len(r) > np+9 {
			holm, e4 = optFloat(r[np+9])
		}
		if e0 != nil || e1 != nil || e2 != nil || e3 != nil || e4 != nil {
			return nil, dataErr(p, "line %d: pairs, difference, interval or p-value is not a number", i+2)
		}
		fig := r[np+2]
		a := AggPoint{Values: r[1 : 1+np], Mean: mean, Low: lo, High: hi, N: n}
		if holm < 0.05 {
			a.Mark = " *"
		}
		out[fig] = append(out[fig], a)
	}
	return out, nil
}

// maxContrastLines bounds the lines of a contrast chart: one per value of
// a second varied path.
const maxContrastLines = 8

// contrastChart draws each figure's paired difference from its baseline
// against the first varied path, whose first value the baseline is: one
// line (or, for names, points) per value of a second path, with a dashed
// line at no difference. A figure's difference over an interval clear of
// that line is one the replicates resolve, even where the sweep chart's
// two bands overlap. Sweeps of three or more paths, or whose second path
// has more than maxContrastLines values, get none.
func contrastChart(d *SweepData) (namedChart, bool) {
	if len(d.Contrasts) == 0 || len(d.Paths) == 0 || len(d.Paths) > 2 {
		return namedChart{}, false
	}
	// Each baseline point is drawn too, at no difference and with no
	// spread, as its pairs are the same run twice: lines then start
	// where the comparison does, and the baseline's name is on the axis.
	base, _ := strings.CutPrefix(d.Baseline, d.Paths[0]+"=")
	view := &SweepData{Paths: d.Paths, ByFig: map[string][]AggPoint{}}
	for _, f := range d.Figures {
		if isShare(f) && len(d.Contrasts[f]) == 0 {
			continue // a sweep of an earlier version paired no shares
		}
		// A figure with no pairs stays, so the key names it as not drawn.
		view.Figures = append(view.Figures, f)
		pts := d.Contrasts[f]
		seen := map[string]bool{}
		for _, p := range pts {
			bv := append([]string{base}, p.Values[1:]...)
			if k := strings.Join(bv, "\x00"); !seen[k] {
				seen[k] = true
				view.ByFig[f] = append(view.ByFig[f], AggPoint{Values: bv, N: p.N})
			}
		}
		view.ByFig[f] = append(view.ByFig[f], pts...)
	}
	var first []string
	seconds := map[string]bool{}
	for _, pts := range view.ByFig {
		for _, p := range pts {
			first = append(first, p.Values[0])
			if len(p.Values) == 2 {
				seconds[p.Values[1]] = true
			}
		}
		break
	}
	if len(seconds) > maxContrastLines {
		return namedChart{}, false
	}
	var ch chart
	var aspect float64
	if _, ok := numeric(first); ok {
		ch, aspect = drawSweepLines(view, 0, nil, d.Baseline)
	} else {
		cd, cats := categorical(view)
		ch, aspect = drawSweepLines(cd, 0, cats, d.Baseline)
	}
	return namedChart{"contrasts", ch, aspect}, true
}

// markCrossings adds to the panel of fig, drawn against the first path,
// each of its crossings: the level dotted across the panel, and on it
// where the replicates first reach it, a triangle at the mean with a bar
// over its interval, in the colour of the line of the other path's value.
// It reports whether it marked any.
func markCrossings(p *plot.Plot, fig string, lines []SweepLine, marks []CrossingMark) bool {
	marked := false
	for _, m := range marks {
		if m.Figure != fig {
			continue
		}
		li := slices.IndexFunc(lines, func(l SweepLine) bool { return l.Label == strings.Join(m.Others, ", ") })
		if li < 0 || len(lines[li].X) == 0 {
			continue
		}
		col := seriesColours[li%len(seriesColours)]
		x := lines[li].X
		level := line(Line{X: []float64{x[0], x[len(x)-1]}, Y: []float64{m.Level, m.Level}}, grey, vg.Points(0.6), true)
		level.LineStyle.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
		p.Add(level)
		if !math.IsNaN(m.Low) && !math.IsNaN(m.High) {
			p.Add(line(Line{X: []float64{m.Low, m.High}, Y: []float64{m.Level, m.Level}}, col, vg.Points(2), false))
		}
		if sc, err := plotter.NewScatter(plotter.XYs{{X: m.Mean, Y: m.Level}}); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: draw.PyramidGlyph{}}
			p.Add(sc)
		}
		marked = true
	}
	return marked
}

// noDifference adds to a panel of paired differences a dashed line at 0
// across its places, which also keeps 0 within the panel's range, so how
// far a difference lies from none is seen at a glance.
func noDifference(p *plot.Plot, lines []SweepLine, cats []string) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		for _, x := range l.X {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if cats != nil {
		lo, hi = -0.5, float64(len(cats))-0.5
	}
	if lo > hi {
		return
	}
	p.Add(line(Line{X: []float64{lo, hi}, Y: []float64{0, 0}}, grey, vg.Points(0.8), true))
}
