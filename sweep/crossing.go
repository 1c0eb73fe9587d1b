package sweep

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/resilience"
)

// Crossing asks where a figure first reaches a level as the first varied
// path grows: the failure fraction at which the giant component's
// resistance falls to 0.5, or the density at which half the forest burns.
// Such a point is what a degradation sweep is often run to find, and read
// off a chart of means it has no interval.
type Crossing struct {
	Figure string  `json:"figure"`
	Level  float64 `json:"level"`
}

// String is the crossing as --crossing takes it.
func (c Crossing) String() string {
	return c.Figure + "=" + strconv.FormatFloat(c.Level, 'g', -1, 64)
}

// ParseCrossing reads FIGURE=LEVEL.
func ParseCrossing(s string) (Crossing, error) {
	fig, lv, ok := strings.Cut(s, "=")
	level, err := parseFinite(lv)
	if !ok || strings.TrimSpace(fig) == "" || err != nil {
		return Crossing{}, fmt.Errorf("%w: --crossing %q: want FIGURE=LEVEL, a figure of runs.csv and a finite number", ErrPlan, s)
	}
	return Crossing{Figure: strings.TrimSpace(fig), Level: level}, nil
}

// CrossingHeader is the header of crossings.csv after the varied paths
// other than the first.
var CrossingHeader = []string{"figure", "level", "replicates", "crossed", "mean", "sd", "ci_low", "ci_high"}

// CheckCrossings reports a crossing the sweep cannot work out: a figure it
// does not record, or a plan whose first path is not a grid of numbers.
func CheckCrossings(cs []Crossing, plan *Plan, figures []string) error {
	if len(cs) == 0 {
		return nil
	}
	if _, ok := crossingAxis(plan); !ok {
		return fmt.Errorf("%w: --crossing needs a grid design whose first --vary takes two or more numbers", ErrPlan)
	}
	for _, c := range cs {
		if !slices.Contains(figures, c.Figure) {
			return fmt.Errorf("%w: --crossing %s: the sweep records no figure %s (it records %s)", ErrPlan, c, c.Figure, strings.Join(figures, ", "))
		}
	}
	return nil
}

// crossingAxis is the first path's values as numbers, if they all are.
func crossingAxis(plan *Plan) (map[string]float64, bool) {
	vals, ok := firstValues(plan)
	if !ok {
		return nil, false
	}
	xs := map[string]float64{}
	for _, v := range vals {
		x, err := parseFinite(v)
		if err != nil {
			return nil, false
		}
		xs[v] = x
	}
	return xs, true
}

// Crossings works out, for each crossing and each combination of the
// other varied paths' values, where each replicate's figure first reaches
// the level as the first path grows, and summarises those places over the
// replicates. A replicate's figure at successive values of the first path
// is one curve, its runs sharing a seed, so its crossing is found on its
// own, between the two values where it passes the level, by straight-line
// interpolation (or at a value where it equals the level). A replicate
// that never reaches the level within the sweep's range has no crossing:
// the summary is over those that have one, and crossed counts them among
// the replicates with two or more points. rows and header are runs.csv's.
func Crossings(rows [][]string, header []string, plan *Plan, cs []Crossing) [][]string {
	xs, ok := crossingAxis(plan)
	if !ok || len(cs) == 0 {
		return nil
	}
	col := columns(header)
	np := len(plan.Vary)
	type group struct {
		others []string
		first  int                             // its first point, for the records' order
		curves map[int]map[string][][2]float64 // replicate → figure → (x, y)
	}
	groups := map[string]*group{}
	var order []string
	for _, r := range rows {
		if r[col["status"]] != StatusOK {
			continue
		}
		vals := r[len(fixedColumns) : len(fixedColumns)+np]
		x, ok := xs[vals[0]]
		if !ok {
			continue
		}
		key := strings.Join(vals[1:], "\x00")
		pt, _ := strconv.Atoi(r[col["point"]])
		g := groups[key]
		if g == nil {
			g = &group{others: vals[1:], first: pt, curves: map[int]map[string][][2]float64{}}
			groups[key] = g
			order = append(order, key)
		}
		g.first = min(g.first, pt)
		rep, _ := strconv.Atoi(r[col["replicate"]])
		if g.curves[rep] == nil {
			g.curves[rep] = map[string][][2]float64{}
		}
		for _, c := range cs {
			if y, err := strconv.ParseFloat(r[col[c.Figure]], 64); err == nil {
				g.curves[rep][c.Figure] = append(g.curves[rep][c.Figure], [2]float64{x, y})
			}
		}
	}
	// Groups in the order of their first point, so the records follow
	// the plan's, whatever order the runs finished in.
	slices.SortFunc(order, func(a, b string) int { return groups[a].first - groups[b].first })
	var out [][]string
	for _, key := range order {
		g := groups[key]
		for _, c := range cs {
			var at []float64
			reps := 0
			// Crossings are found between the points, never beyond
			// them, so their intervals are cut at the varied range.
			lo, hi := math.Inf(1), math.Inf(-1)
			for rep := range plan.Reps {
				pts := g.curves[rep][c.Figure]
				if len(pts) < 2 {
					continue
				}
				reps++
				slices.SortFunc(pts, func(a, b [2]float64) int { return cmp.Compare(a[0], b[0]) })
				lo, hi = min(lo, pts[0][0]), max(hi, pts[len(pts)-1][0])
				if x, ok := FirstCrossing(pts, c.Level); ok {
					at = append(at, x)
				}
			}
			s := resilience.Summarize(at).Within(lo, hi)
			rec := append(append([]string(nil), g.others...), c.Figure, strconv.FormatFloat(c.Level, 'g', -1, 64),
				strconv.Itoa(reps), strconv.Itoa(len(at)), Cell(s.Mean), Cell(s.SD), Cell(s.CILow), Cell(s.CIHigh))
			out = append(out, rec)
		}
	}
	return out
}

// FirstCrossing returns the first x, along points sorted by x, at which y
// reaches level: a point's x where y equals it, or between two points on
// either side of it, interpolated on the straight line between them. It
// reports false when y stays on one side throughout.
func FirstCrossing(xy [][2]float64, level float64) (float64, bool) {
	if len(xy) == 0 {
		return 0, false
	}
	side := cmp.Compare(xy[0][1], level)
	if side == 0 {
		return xy[0][0], true
	}
	for i := 1; i < len(xy); i++ {
		s := cmp.Compare(xy[i][1], level)
		if s == 0 {
			return xy[i][0], true
		}
		if s != side {
			x0, y0, x1, y1 := xy[i-1][0], xy[i-1][1], xy[i][0], xy[i][1]
			t := (level - y0) / (y1 - y0)
			// Rounded before the sum, so arm64 does not fuse it.
			return x0 + float64(t*(x1-x0)), true
		}
	}
	return 0, false
}
