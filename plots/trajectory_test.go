package plots

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// trajectoryFixture writes a sweep directory of points runs.csv rows
// each of reps replicates, kept under runs/: in point p's replicate r, x
// is 10 + p + r at every one of 5 ticks, and its control's x 20 + r.
// Replicate 1 of point 0 failed, and replicate 2 of point 1 was not kept.
func trajectoryFixture(t *testing.T, points, reps int) string {
	t.Helper()
	return trajectoryFixtureOf(t, points, reps, func(_, r int) int { return 20 + r }, nil)
}

// trajectoryFixtureOf is trajectoryFixture with control(p, r) for the
// control's x in point p's replicate r and, where names is not nil, a
// second varied path b, names(p) at point p.
func trajectoryFixtureOf(t *testing.T, points, reps int, control func(p, r int) int, names func(p int) string) string {
	t.Helper()
	dir := t.TempDir()
	vary, cols, agg := `{"path": "a", "values": "0:99:1"}`, "a", "0"
	if names != nil {
		vary, cols, agg = vary+`, {"path": "b", "values": "u,v,w"}`, "a,b", "0,u"
	}
	files := map[string]string{
		"sweep.json": fmt.Sprintf(`{"scenario": "tiny", "seed": 3, "plan": {"vary": [%s], "reps": %d, "design": "grid"}, "figures": ["final_x", "x_resistance"], "runs": %d}`,
			vary, reps, points*reps),
		"aggregate.csv": "point," + cols + ",figure,n,mean,sd,ci_low,ci_high\n0," + agg + ",final_x,2,10,1,1,19\n",
	}
	csv := "key,point,replicate,seed," + cols + ",final_x,x_resistance,status,error,wall_seconds\n"
	for p := range points {
		for r := range reps {
			key := fmt.Sprintf("k%d-%d", p, r)
			status := "ok"
			if p == 0 && r == 1 {
				status = "failed"
			}
			vals := strconv.Itoa(p)
			if names != nil {
				vals += "," + names(p)
			}
			csv += fmt.Sprintf("%s,%d,%d,1,%s,1,0.5,%s,,0.1\n", key, p, r, vals, status)
			if p == 1 && r == 2 {
				continue
			}
			run, ctl := "tick,x,y\n", "tick,x,y\n"
			for tick := range 5 {
				run += fmt.Sprintf("%d,%d,0\n", tick, 10+p+r)
				ctl += fmt.Sprintf("%d,%d,0\n", tick, control(p, r))
			}
			files["runs/"+key+"/metrics.csv"] = run
			files["runs/"+key+"/control/metrics.csv"] = ctl
			files["runs/"+key+"/resilience.json"] = `{"first_failure": 2, "indicators": [{"name": "x"}]}`
			files["runs/"+key+"/events.jsonl"] = `{"tick":2,"type":"failure","kind":"kill","cause":"trees by random","other":0}` + "\n"
		}
	}
	files["runs.csv"] = csv
	writeFiles(t, dir, files)
	return dir
}

// TestTrajectoriesOfKeptRuns: each point's kept, successful replicates
// give the indicators' mean and 95% interval at each tick, for the runs
// and their controls, with the failures replicate 0 had; the chart draws
// a panel a point on one scale.
func TestTrajectoriesOfKeptRuns(t *testing.T) {
	dir := trajectoryFixture(t, 2, 3)
	d, err := LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Trajectories) != 1 || d.Trajectories[0].Indicator != "x" || len(d.Trajectories[0].Points) != 2 {
		t.Fatalf("trajectories: %+v", d.Trajectories)
	}
	// Point 0: replicates 0 and 2 (10 and 12); point 1: 0 and 1 (11
	// and 12). Two values a and b: mean (a+b)/2, sd |a−b|/√2, and
	// Student's t of 1 degree of freedom 12.706.
	half := func(a, b float64) float64 { return 12.7062047361747 * math.Abs(a-b) / math.Sqrt2 / math.Sqrt2 }
	for i, c := range []struct {
		label          string
		run, ctl       [2]float64
		windowAt, reps int
	}{{"a=0", [2]float64{10, 12}, [2]float64{20, 22}, 2, 2}, {"a=1", [2]float64{11, 12}, [2]float64{20, 21}, 2, 2}} {
		pt := d.Trajectories[0].Points[i]
		if pt.Label != c.label || pt.Reps != c.reps || len(pt.Windows) != 1 || pt.Windows[0].Start != c.windowAt || pt.Windows[0].Label != "kill: trees by random" {
			t.Errorf("point %d: %q, %d replicates, windows %v", i, pt.Label, pt.Reps, pt.Windows)
		}
		for _, b := range []struct {
			name string
			band Band
			v    [2]float64
		}{{"run", pt.Run, c.run}, {"control", pt.Control, c.ctl}} {
			m, h := (b.v[0]+b.v[1])/2, half(b.v[0], b.v[1])
			if !slices.Equal(b.band.X, []float64{0, 1, 2, 3, 4}) {
				t.Fatalf("point %d %s: ticks %v", i, b.name, b.band.X)
			}
			for k := range b.band.X {
				if b.band.Mean[k] != m || math.Abs(b.band.Low[k]-(m-h)) > 1e-9 || math.Abs(b.band.High[k]-(m+h)) > 1e-9 {
					t.Errorf("point %d %s at tick %d: %v [%v, %v], want %v ± %v", i, b.name, k, b.band.Mean[k], b.band.Low[k], b.band.High[k], m, h)
				}
			}
		}
	}
	svg := namedSVG(t, sweepCharts(d), "trajectory-x")
	hasTexts(t, svg, "x over time: mean and 95% interval over 2 replicates", ">a=0<", ">a=1<", "paired controls", "grey: failures")
	if !slices.ContainsFunc(sweepCharts(d), func(c namedChart) bool { return c.name == "sweep" }) {
		t.Error("the trajectories took the sweep chart's place")
	}
	// The charts' data, written with them: a row a point and tick.
	if _, err := d.Draw(dir, Options{Formats: []string{"svg"}}); err != nil {
		t.Fatal(err)
	}
	recs, err := readTable(filepath.Join(dir, TrajectoryFile))
	if err != nil || len(recs) != 1+2*5 {
		t.Fatalf("%s: %d rows (%v)", TrajectoryFile, len(recs), err)
	}
	if want := []string{"indicator", "a", "tick", "n", "mean", "ci_low", "ci_high", "control_mean", "control_ci_low", "control_ci_high"}; !slices.Equal(recs[0], want) ||
		!slices.Equal(recs[8][:5], []string{"x", "1", "2", "2", "11.5"}) || recs[8][7] != "20.5" || recs[8][5] == "" {
		t.Errorf("%s: %v, row 8 %v", TrajectoryFile, recs[0], recs[8])
	}
	if err := os.RemoveAll(filepath.Join(dir, "runs")); err != nil {
		t.Fatal(err)
	}
	if d, err = LoadSweep(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Draw(dir, Options{Formats: []string{"svg"}}); err != nil || exists(filepath.Join(dir, TrajectoryFile)) {
		t.Errorf("with the runs gone, %s is still there (%v)", TrajectoryFile, err)
	}
}

// TestTrajectoriesNeedKeptRunsOfFewPoints: without runs/ there are none,
// and none for more points than a chart's lines, rather than a chart of
// some of them.
func TestTrajectoriesNeedKeptRunsOfFewPoints(t *testing.T) {
	dir := trajectoryFixture(t, maxTrajectoryLines+1, 2)
	if d, err := LoadSweep(dir); err != nil || d.Trajectories != nil {
		t.Errorf("%d points: %v (%v)", maxTrajectoryLines+1, d.Trajectories, err)
	}
	dir = trajectoryFixture(t, 1, 2)
	if d, err := LoadSweep(dir); err != nil || len(d.Trajectories) != 1 {
		t.Fatalf("one point: %v", err)
	}
	writeFiles(t, dir, map[string]string{"runs/k0-0/metrics.csv": "tick,x\n0,oops\n"})
	if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), filepath.Join("runs", "k0-0", "metrics.csv")) {
		t.Errorf("a kept run's corrupt metrics.csv: %v", err)
	}
	empty := trajectoryFixture(t, 1, 2)
	if err := os.RemoveAll(filepath.Join(empty, "runs")); err != nil {
		t.Fatal(err)
	}
	if d, err := LoadSweep(empty); err != nil || d.Trajectories != nil {
		t.Errorf("no runs kept: %v (%v)", d.Trajectories, err)
	}
}

// TestTrajectoriesOfOnePathInOneChart: a sweep of one numeric path, past
// the points a chart of panels takes, is drawn in one panel, a line a
// point in the heatmaps' colour for its value (the least the palette's
// first, the greatest its last), with the controls' mean once, dashed,
// where every point's controls ran alike, and not where they differ.
func TestTrajectoriesOfOnePathInOneChart(t *testing.T) {
	pal := moreland.SmoothBlueRed().Palette(keyColours).Colors()
	for _, same := range []bool{true, false} {
		// Point 0's replicate 1 failed and point 1's replicate 2 was not
		// kept, so only a control that every replicate ran alike is
		// alike at every point.
		control := func(p, r int) int { return 20 }
		if !same {
			control = func(p, r int) int { return 20 + p }
		}
		d, err := LoadSweep(trajectoryFixtureOf(t, 8, 3, control, nil))
		if err != nil {
			t.Fatal(err)
		}
		charts := sweepCharts(d)
		if slices.ContainsFunc(charts, func(c namedChart) bool { return c.name == "trajectory-x" }) {
			t.Error("8 points drawn a panel each")
		}
		i := slices.IndexFunc(charts, func(c namedChart) bool { return c.name == "trajectories-x" })
		if i < 0 {
			t.Fatalf("no trajectories chart among %d", len(charts))
		}
		rec := &recorder.Canvas{}
		charts[i].ch(draw.NewCanvas(rec, 18*vg.Centimeter, 18*vg.Centimeter*vg.Length(charts[i].aspect)))
		var colour color.Color
		var lines []color.Color
		dashed := 0
		for _, a := range rec.Actions {
			switch a := a.(type) {
			case *recorder.SetColor:
				colour = a.Color
			case *recorder.SetLineDash:
				if len(a.Dashes) > 0 && rgb(colour) == rgb(grey) {
					dashed++
				}
			case *recorder.Stroke:
				// A line through the fixture's five ticks (the colour
				// key's black frame has five corners too).
				if len(a.Path) == 5 && rgb(colour) != rgb(color.Black) {
					lines = append(lines, colour)
				}
			}
		}
		wantLines := 8
		if same {
			wantLines++
		}
		if len(lines) != wantLines {
			t.Fatalf("controls alike %v: %d lines of five ticks, want %d", same, len(lines), wantLines)
		}
		runs := lines[len(lines)-8:]
		if rgb(runs[0]) != rgb(pal[0]) || rgb(runs[7]) != rgb(pal[keyColours-1]) || rgb(runs[3]) == rgb(runs[4]) {
			t.Errorf("lines coloured %v, want the palette from %v to %v", runs, pal[0], pal[keyColours-1])
		}
		if same != (rgb(lines[0]) == rgb(grey)) {
			t.Errorf("controls alike %v: the first line is %v", same, lines[0])
		}
		hasTexts(t, svgText(t, charts[i].ch, charts[i].aspect), "x over time at each value of a, mean over 2–3 replicates")
	}
}

// TestTrajectoriesOfANumericAndANamedPath: with a second path of names,
// each name gets a panel of its points' lines, and the key names the
// numeric path's range; seven names are past the panels a chart takes.
func TestTrajectoriesOfANumericAndANamedPath(t *testing.T) {
	names := func(p int) string { return []string{"u", "v"}[p%2] }
	d, err := LoadSweep(trajectoryFixtureOf(t, 8, 3, func(int, int) int { return 20 }, names))
	if err != nil || len(d.Trajectories) != 1 {
		t.Fatalf("%v (%v)", d.Trajectories, err)
	}
	svg := namedSVG(t, sweepCharts(d), "trajectories-x")
	hasTexts(t, svg, ">b=u<", ">b=v<", "a line a value of a, coloured by it, from 0 (blue) to 7 (red); a panel for each b")
	seven := func(p int) string { return strconv.Itoa(p % 7) }
	if d, err = LoadSweep(trajectoryFixtureOf(t, 14, 2, func(int, int) int { return 20 }, seven)); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(sweepCharts(d), func(c namedChart) bool { return strings.HasPrefix(c.name, "trajector") }) {
		t.Error("a path of seven names drawn a panel each")
	}
}

// BenchmarkLoadTrajectories reads the kept runs of a sweep of 8 points of 4
// replicates, each run and control of 1,000 ticks and 40 columns, as a
// forest run's metrics.csv has, for one indicator.
func BenchmarkLoadTrajectories(b *testing.B) {
	dir := b.TempDir()
	head := "tick,x"
	for c := range 39 {
		head += fmt.Sprintf(",c%d", c)
	}
	csv := "key,point,replicate,seed,a,status\n"
	for p := range 8 {
		for r := range 4 {
			key := fmt.Sprintf("k%d-%d", p, r)
			csv += fmt.Sprintf("%s,%d,%d,1,%d,ok\n", key, p, r, p)
			var m strings.Builder
			m.WriteString(head + "\n")
			for tick := range 1000 {
				fmt.Fprintf(&m, "%d,%d", tick, p*r+tick)
				for c := range 39 {
					fmt.Fprintf(&m, ",%d.%d", c, tick)
				}
				m.WriteString("\n")
			}
			for _, sub := range []string{"", "control"} {
				rd := filepath.Join(dir, "runs", key, sub)
				if err := os.MkdirAll(rd, 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(rd, "metrics.csv"), []byte(m.String()), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			os.WriteFile(filepath.Join(dir, "runs", key, "resilience.json"), []byte(`{"indicators": [{"name": "x"}]}`), 0o644)
		}
	}
	os.WriteFile(filepath.Join(dir, "runs.csv"), []byte(csv), 0o644)
	for b.Loop() {
		trs, err := loadTrajectories(dir, []string{"a"}, nil)
		if err != nil || len(trs) != 1 || len(trs[0].Points) != 8 {
			b.Fatalf("%v, %v", trs, err)
		}
	}
}

// TestTrajectoriesWithoutFailures: runs without failures have no controls
// and no resilience.json; their indicators are those of the sweep's final
// figures, and the chart's key speaks of neither controls nor failures.
func TestTrajectoriesWithoutFailures(t *testing.T) {
	dir := trajectoryFixture(t, 2, 2)
	runs, _ := filepath.Glob(filepath.Join(dir, "runs", "*"))
	for _, r := range runs {
		for _, f := range []string{"control", "events.jsonl", "resilience.json"} {
			if err := os.RemoveAll(filepath.Join(r, f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, err := LoadSweep(dir)
	if err != nil || len(d.Trajectories) != 1 || d.Trajectories[0].Indicator != "x" {
		t.Fatalf("%+v (%v)", d.Trajectories, err)
	}
	for _, pt := range d.Trajectories[0].Points {
		if len(pt.Control.X) != 0 || len(pt.Windows) != 0 {
			t.Errorf("%s: control %v, windows %v", pt.Label, pt.Control, pt.Windows)
		}
	}
	svg := namedSVG(t, sweepCharts(d), "trajectory-x")
	hasTexts(t, svg, "solid line and band: the runs")
	if strings.Contains(svg, "failures") || strings.Contains(svg, "controls") {
		t.Error("the key of runs without failures speaks of failures or controls")
	}
}

// TestReadColumnsParsesWhatItIsAskedFor: the columns asked for, and the
// ticks, are read and checked; the others are neither kept nor parsed.
func TestReadColumnsParsesWhatItIsAskedFor(t *testing.T) {
	p := filepath.Join(t.TempDir(), "metrics.csv")
	writeFiles(t, filepath.Dir(p), map[string]string{"metrics.csv": "tick,x,y\n0,1,junk\n1,2,also\n"})
	s, err := readColumns(p, []string{"x"})
	if err != nil || !slices.Equal(s.Col("x"), []float64{1, 2}) || !slices.Equal(s.Ticks, []float64{0, 1}) || s.Col("y") != nil {
		t.Fatalf("%+v (%v)", s, err)
	}
	if _, err := readColumns(p, []string{"y"}); err == nil || !strings.Contains(err.Error(), `line 2, column 3: "junk" is not a finite number`) {
		t.Errorf("a bad column asked for: %v", err)
	}
	if _, err := readMetrics(p); err == nil {
		t.Error("readMetrics, which reads every column, took junk for a number")
	}
}

// TestBandIsCutAtBounds: three replicates' living trees, two of them 0 at a
// tick, have a t-interval reaching below 0 there; the band stops at 0,
// while a share's stops at 1 and the mean stays as it is.
func TestBandIsCutAtBounds(t *testing.T) {
	runs := []*Series{
		{Ticks: []float64{0, 1}, Cols: map[string][]float64{"living_trees": {5, 0}, "canopy_cover": {0.9, 0.5}}},
		{Ticks: []float64{0, 1}, Cols: map[string][]float64{"living_trees": {6, 0}, "canopy_cover": {1, 0.5}}},
		{Ticks: []float64{0, 1}, Cols: map[string][]float64{"living_trees": {7, 9}, "canopy_cover": {1, 0.6}}},
	}
	trees, cover := bandOf(runs, "living_trees"), bandOf(runs, "canopy_cover")
	if trees.Low[1] != 0 || trees.Mean[1] != 3 || trees.Low[0] <= 0 || trees.High[1] <= 9 {
		t.Errorf("living trees: mean %v, low %v, high %v; want the low end cut at 0 at tick 1 only", trees.Mean, trees.Low, trees.High)
	}
	if cover.High[0] != 1 || cover.High[1] >= 1 {
		t.Errorf("canopy cover: high %v; want it cut at 1 at tick 0 only", cover.High)
	}
}
