package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/ecosim/ecosim/resilience"
)

// MaxPoints is how many points a drawn series keeps at most.
const MaxPoints = 2000

// Line is one drawn series.
type Line struct {
	Label string    `json:"label"`
	X     []float64 `json:"x"`
	Y     []float64 `json:"y"`
}

// Panel is one small multiple of the time-series chart.
type Panel struct {
	Indicator string `json:"indicator"`
	Unit      string `json:"unit"`
	Lines     []Line `json:"lines"`
}

// TimeSeriesData is the small-multiples chart: main indicators against a
// shared tick axis, with failure windows.
type TimeSeriesData struct {
	Title   string   `json:"title"`
	Panels  []Panel  `json:"panels"`
	Windows []Window `json:"windows"`
	MaxTick float64  `json:"max_tick"`
}

// units gives each indicator's axis label unit.
var units = map[string]string{
	"living_trees": "trees", "biomass": "kg C", "carbon_total": "kg C", "tree_carbon": "kg C",
	"fungal_carbon": "kg C", "node_carbon": "kg C", "carbon_moved": "kg C/tick", "links": "links",
	"giant_component": "fraction of nodes", "mean_degree": "links/node", "max_degree": "links",
	"max_tree_degree": "links", "mean_path": "links", "ants": "workers", "food_stored": "kg C",
	"food_delivered": "kg C/tick", "food_rate": "kg C/tick", "trail_strength": "units",
	"soil_water": "mm", "soil_nutrients": "nu", "fungi": "genets", "nodes": "nodes",
	"burned_fraction": "fraction of trees", "infested_trees": "trees", "warned_trees": "trees",
	"delivery_ratio": "fraction", "canopy_cover": "fraction of cells", "species_richness": "species",
	"photosynthesis": "kg C/tick", "respiration": "kg C/tick", "messages_sent": "messages",
	"messages_lost": "messages", "delivery": "fraction",
}

// Unit returns the unit of an indicator, or "" when it has none.
func Unit(name string) string { return units[name] }

// mainIndicators are shown in the time-series chart, in this order, when
// the run has them and they are not zero throughout.
var mainIndicators = []string{
	"living_trees", "biomass", "carbon_total", "carbon_moved", "links", "giant_component",
	"nodes", "delivery_ratio", "ants", "food_rate", "trail_strength", "burned_fraction",
	"infested_trees", "soil_water",
}

// maxPanels bounds the small multiples so each stays readable.
const maxPanels = 9

func allZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// TimeSeries builds the small-multiples data: each main indicator of the
// run, with its control when there is one.
func TimeSeries(r *Run) TimeSeriesData {
	d := TimeSeriesData{Title: "Indicators over time", Windows: r.Windows, MaxTick: r.Metrics.Ticks[len(r.Metrics.Ticks)-1]}
	if r.Summary != nil {
		d.Title = fmt.Sprintf("%s (seed %d): indicators over time", r.Summary.Scenario, r.Summary.Seed)
	}
	for _, name := range mainIndicators {
		y := r.Metrics.Col(name)
		if y == nil || allZero(y) || len(d.Panels) == maxPanels {
			continue
		}
		p := Panel{Indicator: name, Unit: Unit(name)}
		x, yy := Downsample(r.Metrics.Ticks, y, MaxPoints)
		p.Lines = append(p.Lines, Line{Label: "run", X: x, Y: yy})
		if c := r.Control.Col(name); c != nil {
			x, yy := Downsample(r.Control.Ticks, c, MaxPoints)
			p.Lines = append(p.Lines, Line{Label: "control", X: x, Y: yy})
		}
		d.Panels = append(d.Panels, p)
	}
	return d
}

// ResilienceData is one analysed indicator: the run against its control,
// the lost area, the resistance point and the recovery tick.
type ResilienceData struct {
	Indicator string `json:"indicator"`
	Unit      string `json:"unit"`
	Run       Line   `json:"run"`
	Control   Line   `json:"control"`
	// Band is the lost area from the first failure on: X with the
	// control's value (upper) and the run's (lower).
	BandX          []float64          `json:"band_x"`
	BandUpper      []float64          `json:"band_upper"`
	BandLower      []float64          `json:"band_lower"`
	ResistanceTick float64            `json:"resistance_tick"`
	ResistanceY    float64            `json:"resistance_y"`
	RecoveryTick   *float64           `json:"recovery_tick"`
	Figures        resilience.Figures `json:"figures"`
	Windows        []Window           `json:"windows"`
}

// Resilience builds one chart's data per analysed indicator; it needs the
// control run and resilience.json.
func Resilience(r *Run) []ResilienceData {
	if r.Resilience == nil || r.Control == nil {
		return nil
	}
	var out []ResilienceData
	t0 := r.Resilience.FirstFailure
	for _, ind := range r.Resilience.Indicators {
		p, c := r.Metrics.Col(ind.Name), r.Control.Col(ind.Name)
		if p == nil || c == nil || len(p) != len(c) || t0 >= len(p) {
			continue
		}
		d := ResilienceData{Indicator: ind.Name, Unit: Unit(ind.Name), Figures: ind.Figures, Windows: r.Windows}
		x, y := Downsample(r.Metrics.Ticks, p, MaxPoints)
		d.Run = Line{Label: "with failures", X: x, Y: y}
		x, y = Downsample(r.Control.Ticks, c, MaxPoints)
		d.Control = Line{Label: "control", X: x, Y: y}
		bx := r.Metrics.Ticks[t0:]
		_, d.BandUpper = Downsample(bx, c[t0:], MaxPoints)
		d.BandX, d.BandLower = Downsample(bx, p[t0:], MaxPoints)
		if len(d.BandUpper) != len(d.BandLower) {
			// Downsampling picks points by each series' own extremes; the
			// band needs both at the same ticks, so it is subsampled evenly.
			d.BandX, d.BandUpper, d.BandLower = evenBand(bx, c[t0:], p[t0:], MaxPoints)
		}
		d.ResistanceTick = float64(ind.ResistanceTick)
		d.ResistanceY = p[ind.ResistanceTick]
		if ind.RecoveryTick != nil {
			v := float64(*ind.RecoveryTick)
			d.RecoveryTick = &v
		}
		out = append(out, d)
	}
	return out
}

func evenBand(x, up, lo []float64, max int) ([]float64, []float64, []float64) {
	step := int(math.Ceil(float64(len(x)) / float64(max)))
	var bx, bu, bl []float64
	for i := 0; i < len(x); i += step {
		bx, bu, bl = append(bx, x[i]), append(bu, up[i]), append(bl, lo[i])
	}
	last := len(x) - 1
	if bx[len(bx)-1] != x[last] {
		bx, bu, bl = append(bx, x[last]), append(bu, up[last]), append(bl, lo[last])
	}
	return bx, bu, bl
}

// DegreeSeries is the degree distribution of one kind of node: P(k) for
// k ≥ 1, as a fraction of all nodes of that kind.
type DegreeSeries struct {
	Kind     string    `json:"kind"`
	Degree   []float64 `json:"degree"`
	Fraction []float64 `json:"fraction"`
	Isolated float64   `json:"isolated"` // fraction with no link
}

// DegreeData is the degree distribution at a tick, per kind of node: the
// fungal network is bipartite, and trees and fungi have different degrees.
type DegreeData struct {
	Tick   int            `json:"tick"`
	Series []DegreeSeries `json:"series"`
}

// Degrees builds the degree distributions from the last snapshot.
func Degrees(r *Run) *DegreeData {
	if len(r.Snapshots) == 0 {
		return nil
	}
	s := r.Snapshots[len(r.Snapshots)-1]
	d := &DegreeData{Tick: s.Tick}
	kinds := []struct {
		name string
		degs []float64
	}{{"trees", column(s.Trees, 4)}, {"fungi", column4(s.Fungi, 3)}, {"nodes", column4(s.Nodes, 3)}}
	for _, k := range kinds {
		if ds, ok := degreeSeries(k.name, k.degs); ok {
			d.Series = append(d.Series, ds)
		}
	}
	if len(d.Series) == 0 {
		return nil
	}
	return d
}

func column(rows [][5]float64, i int) []float64 {
	out := make([]float64, len(rows))
	for j, r := range rows {
		out[j] = r[i]
	}
	return out
}

func column4(rows [][4]float64, i int) []float64 {
	out := make([]float64, len(rows))
	for j, r := range rows {
		out[j] = r[i]
	}
	return out
}

func degreeSeries(kind string, degs []float64) (DegreeSeries, bool) {
	ds := DegreeSeries{Kind: kind}
	if len(degs) == 0 {
		return ds, false
	}
	counts := map[int]int{}
	for _, k := range degs {
		counts[int(k)]++
	}
	ks := make([]int, 0, len(counts))
	for k := range counts {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	n := float64(len(degs))
	for _, k := range ks {
		if k == 0 {
			ds.Isolated = float64(counts[k]) / n
			continue
		}
		ds.Degree = append(ds.Degree, float64(k))
		ds.Fraction = append(ds.Fraction, float64(counts[k])/n)
	}
	return ds, len(ds.Degree) > 0
}

// GiantData is the giant component over time (run and control), and, for
// runs of node agents, against the fraction of nodes removed.
type GiantData struct {
	OverTime []Line `json:"over_time"`
	// Removed is giant component (Y) against the fraction of the initial
	// nodes no longer alive (X), one point per tick; nil without nodes.
	Removed *Line    `json:"removed"`
	Windows []Window `json:"windows"`
}

// Giant builds the giant-component data.
func Giant(r *Run) *GiantData {
	g := r.Metrics.Col("giant_component")
	if g == nil || allZero(g) {
		return nil
	}
	d := &GiantData{Windows: r.Windows}
	x, y := Downsample(r.Metrics.Ticks, g, MaxPoints)
	d.OverTime = append(d.OverTime, Line{Label: "run", X: x, Y: y})
	if c := r.Control.Col("giant_component"); c != nil {
		x, y := Downsample(r.Control.Ticks, c, MaxPoints)
		d.OverTime = append(d.OverTime, Line{Label: "control", X: x, Y: y})
	}
	if nodes := r.Metrics.Col("nodes"); nodes != nil && nodes[0] > 0 {
		l := Line{Label: "run"}
		for i, n := range nodes {
			l.X = append(l.X, 1-n/nodes[0])
			l.Y = append(l.Y, g[i])
		}
		l.X, l.Y = Downsample(l.X, l.Y, MaxPoints)
		d.Removed = &l
	}
	return d
}
