package plots

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/sweep"
)

// Headline is a sweep's headline figures pivoted for reading: a row a
// point, the varied values and then a cell a figure, "mean [low, high]".
// aggregate.csv has a row a point and figure, which for a sweep of tens of
// points and eighteen figures is hundreds of rows to search.
type Headline struct {
	// What names the figures: "resistance", "resistance and share
	// recovered", or "final values" for a scenario without failures.
	What string
	// Columns heads the varied paths' columns, then the figures'.
	Columns []string
	Rows    [][]string
	// More is how many points were left out past the limit.
	More int
	// Single is set when a cell is one run's value, with no interval.
	Single bool
	// Note says what a cell's mark means, when a cell has one.
	Note string
}

// SweepHeadline pivots each indicator's resistance, and with recovered
// each indicator's share of replicates that recovered, for the first
// limit points (0: all). Without failures it takes the final values. It
// returns nil when the sweep has none of them.
func SweepHeadline(d *SweepData, recovered bool, limit int) *Headline {
	pick, names, what := headlineFigures(d.Figures)
	h := &Headline{What: what}
	var figs, heads []string
	for i, f := range pick {
		figs, heads = append(figs, f), append(heads, names[i])
		ind, ok := strings.CutSuffix(f, "_resistance")
		if share := ind + sweep.RecoveredSuffix; ok && recovered && len(d.ByFig[share]) > 0 {
			heads[len(heads)-1] = f // beside its share, named in full
			figs, heads = append(figs, share), append(heads, share)
			h.What = "resistance and share recovered"
		}
	}
	if len(figs) == 0 || len(d.ByFig[figs[0]]) == 0 {
		return nil
	}
	cells := map[string][]string{} // point → a cell a figure
	var points [][]string
	for fi, f := range figs {
		for _, p := range d.ByFig[f] {
			key := strings.Join(p.Values, "\x00")
			if _, ok := cells[key]; !ok {
				cells[key] = make([]string, len(figs))
				points = append(points, p.Values)
			}
			var single bool
			cells[key][fi], single = meanInterval(p.Mean, p.Low, p.High)
			cells[key][fi] += p.Mark
			h.Single = h.Single || single
		}
	}
	h.Columns = append(append([]string(nil), d.Paths...), heads...)
	if limit > 0 && len(points) > limit {
		h.More, points = len(points)-limit, points[:limit]
	}
	for _, p := range points {
		row := append(shortValues(p), cells[strings.Join(p, "\x00")]...)
		for i, c := range row {
			if c == "" {
				row[i] = "-"
			}
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

// ContrastHeadline pivots, as SweepHeadline does, the paired differences
// of the headline figures from the sweep's baseline (contrasts.csv), a row
// a point other than a baseline, each difference that stands after Holm's
// adjustment marked. It returns nil when the sweep has none.
func ContrastHeadline(d *SweepData, limit int) *Headline {
	if len(d.Contrasts) == 0 {
		return nil
	}
	h := SweepHeadline(&SweepData{Paths: d.Paths, Figures: d.Figures, ByFig: d.Contrasts}, false, limit)
	if h != nil {
		h.What = "difference in " + h.What + " from " + d.Baseline
		for _, row := range h.Rows {
			for _, c := range row {
				if strings.HasSuffix(c, " *") {
					h.Note = "* the difference stands with every point's comparison of the figure counted in (Holm-adjusted p < 0.05, p_holm in contrasts.csv)"
				}
			}
		}
	}
	return h
}

// headlineFigures picks a sweep's headline figures among figures: each
// indicator's resistance, headed by the indicator's name, or for a
// scenario without failures each final value; what names them.
func headlineFigures(figures []string) (figs, heads []string, what string) {
	for _, f := range figures {
		if ind, ok := strings.CutSuffix(f, "_resistance"); ok {
			figs, heads = append(figs, f), append(heads, ind)
		}
	}
	if len(figs) > 0 {
		return figs, heads, "resistance"
	}
	for _, f := range figures {
		if strings.HasPrefix(f, "final_") {
			figs, heads = append(figs, f), append(heads, f)
		}
	}
	return figs, heads, "final values"
}

// shortValues returns a point's varied values for reading: a value drawn
// by a random or Latin-hypercube design (0.451341947587) to 6 significant
// digits, every other value as the plan gave it.
func shortValues(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v
		f, err := strconv.ParseFloat(v, 64)
		mantissa, _, _ := strings.Cut(strings.ToLower(v), "e")
		digits := strings.TrimLeft(strings.NewReplacer("-", "", "+", "", ".", "").Replace(mantissa), "0")
		if err == nil && len(digits) > 8 {
			out[i] = strconv.FormatFloat(f, 'g', 6, 64)
		}
	}
	return out
}

// meanInterval is a table's cell for a mean and its interval, "mean [low,
// high]", or the mean alone, reported as single, where there is no
// interval (one run), or "-" where there is no mean.
func meanInterval(mean, low, high float64) (cell string, single bool) {
	switch {
	case math.IsNaN(mean):
		return "-", false
	case math.IsNaN(low) || math.IsNaN(high):
		return fmt.Sprintf("%.3g", mean), true
	}
	return fmt.Sprintf("%.3g [%.3g, %.3g]", mean, low, high), false
}
