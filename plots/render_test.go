package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"github.com/ecosim/ecosim/agents"
)

// TestChartsEncodeInEveryFormat draws every chart of the fixture as PNG,
// SVG and PDF and checks each file is a valid, plausibly sized document.
func TestChartsEncodeInEveryFormat(t *testing.T) {
	dir := writeFixture(t)
	files, err := DrawRun(dir, DrawOptions{Options: Options{Formats: Formats, DPI: 100, Width: 12}, Animate: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"timeseries", "resilience-living_trees", "giant", "giant-vs-removed", "degree", "map-tick-0000100"}
	for _, w := range want {
		for _, f := range Formats {
			p := filepath.Join(dir, "plots", w+"."+f)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("missing %s", p)
			}
			if len(b) < 2000 {
				t.Errorf("%s is only %d bytes", p, len(b))
			}
			checkFormat(t, p, f, b)
		}
	}
	if len(files) != len(want)*len(Formats) {
		t.Errorf("%d files written, want %d (no gif from one snapshot)", len(files), len(want)*len(Formats))
	}
}

func checkFormat(t *testing.T, p, f string, b []byte) {
	t.Helper()
	switch f {
	case "png":
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if w := img.Bounds().Dx(); w < 400 {
			t.Errorf("%s is %d px wide; 12 cm at 100 dpi is 472", p, w)
		}
	case "svg":
		if !bytes.Contains(b, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("</svg>")) {
			t.Errorf("%s is not a complete SVG", p)
		}
	case "pdf":
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-64:], []byte("%%EOF")) {
			t.Errorf("%s is not a complete PDF", p)
		}
	}
}

// TestBadRunDataNamesTheFile checks that missing or corrupt files give an
// error naming the file and what is wrong, and leave the old charts alone.
func TestBadRunDataNamesTheFile(t *testing.T) {
	cases := []struct {
		file, body, want string
	}{
		{"metrics.csv", "", "metrics.csv: line 1: expected a header"},
		{"metrics.csv", "tick,a\n0,1\n1,zz\n", "metrics.csv: line 3, column 2: \"zz\" is not a finite number"},
		{"metrics.csv", "tick,a\n0,1\n1\n", "metrics.csv: line 3"},
		{"metrics.csv", "tick,a\n0,NaN\n", "is not a finite number"},
		{"resilience.json", "{not json", "resilience.json: not valid JSON"},
		{"control/metrics.csv", "tick\n", "control/metrics.csv: line 1"},
		{"snapshots/tick-0000100.json", "[]", "tick-0000100.json: not valid JSON"},
		{"events.jsonl", "{\"type\":\"failure\",\"tick\":\"x\"}\n", "events.jsonl: line 1"},
	}
	// The charts are drawn once and the run copied for each case: under
	// the race detector a drawing takes seconds.
	drawn := writeFixture(t)
	if _, err := DrawRun(drawn, DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		dir := filepath.Join(t.TempDir(), "run")
		if err := os.CopyFS(dir, os.DirFS(drawn)); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadDir(filepath.Join(dir, "plots"))
		if len(before) == 0 {
			t.Fatal("the copied run has no charts")
		}
		if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := DrawRun(dir, DrawOptions{})
		if err == nil || !errors.Is(err, ErrData) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: want error with %q, got %v", c.file, c.body, c.want, err)
		}
		after, _ := os.ReadDir(filepath.Join(dir, "plots"))
		if len(after) != len(before) {
			t.Errorf("%s: plots/ changed after a failed redraw", c.file)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".plots.partial-*")); len(left) > 0 {
			t.Errorf("%s: partial charts left behind", c.file)
		}
	}
	if _, err := DrawRun(filepath.Join(t.TempDir(), "nothing"), DrawOptions{}); err == nil || !strings.Contains(err.Error(), "metrics.csv") {
		t.Errorf("a missing run directory must name metrics.csv: %v", err)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	for _, o := range []Options{{Formats: []string{"jpeg"}}, {DPI: 5000}, {DPI: -1}, {Width: -1}, {Width: 0.5}, {Width: math.NaN()}} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("the zero Options, every default, refused: %v", err)
	}
}

func TestReportIsSelfContained(t *testing.T) {
	dir := writeFixture(t)
	p, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	html := string(b)
	if n := strings.Count(html, "<svg"); n != 5 {
		t.Errorf("report has %d inline SVG charts, want 5", n)
	}
	for _, bad := range []string{"<script", "src=\"http", "href=\"http", "@import", "<?xml"} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	for _, want := range []string{"living_trees", "resistance", "name: fixture", "0.600 (tick 50)"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestDegenerateDataDoesNotPanic draws charts whose data would collapse an
// axis: every node of one degree, a single tick, constant series.
func TestDegenerateDataDoesNotPanic(t *testing.T) {
	d := DegreeData{Tick: 5, Series: []DegreeSeries{{Kind: "trees", Degree: []float64{1}, Fraction: []float64{1}}}}
	ch, a := drawDegrees(d)
	if _, err := save(ch, filepath.Join(t.TempDir(), "degree"), a, Options{}.withDefaults()); err != nil {
		t.Fatal(err)
	}
	ts := TimeSeriesData{Panels: []Panel{{Indicator: "x", Lines: []Line{{Label: "run", X: []float64{0}, Y: []float64{3}}}}}}
	ch, a = drawTimeSeries(ts)
	if _, err := save(ch, filepath.Join(t.TempDir(), "ts"), a, Options{}.withDefaults()); err != nil {
		t.Fatal(err)
	}
}

// TestNotesWhatIsNotAsAsked checks that a map tick with no snapshot of its
// own, and an animation or maps asked of a run with too few snapshots, are
// drawn as well as they can be and said, and that what is drawn as asked
// gets no note.
func TestNotesWhatIsNotAsAsked(t *testing.T) {
	dir := writeFixture(t) // one snapshot, at tick 100
	draw := func(o DrawOptions) (notes []string) {
		t.Helper()
		o.Options = Options{Formats: []string{"png"}, DPI: 50, Width: 8}
		o.Note = func(msg string) { notes = append(notes, msg) }
		if _, err := DrawRun(dir, o); err != nil {
			t.Fatal(err)
		}
		return notes
	}
	if notes := draw(DrawOptions{MapTicks: []int{100}}); len(notes) != 0 {
		t.Errorf("tick 100 is recorded, yet notes %q", notes)
	}
	notes := draw(DrawOptions{MapTicks: []int{130, 100}, Animate: true})
	want := []string{
		"the run recorded one snapshot, at tick 100, so no animation is drawn",
		"no snapshot at tick 130; the map drawn is tick 100's, the nearest recorded",
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes %q, want %q", notes, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "map-tick-0000100.png")); err != nil {
		t.Errorf("the nearest map was not drawn: %v", err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "snapshots")); err != nil {
		t.Fatal(err)
	}
	notes = draw(DrawOptions{MapTicks: []int{5}})
	if len(notes) != 1 || notes[0] != "the run recorded no snapshots, so no maps are drawn" {
		t.Errorf("without snapshots: notes %q", notes)
	}
	if notes := draw(DrawOptions{}); len(notes) != 0 {
		t.Errorf("nothing asked, yet notes %q", notes)
	}
}

// TestStripMapsStayChartSized draws the maps of grids a hundred times
// taller than wide and fifty times wider than tall: each chart stays
// within the aspect bounds (a 2×200 grid made a 1,063 × 95,829 pixel PNG),
// and the map still fills a readable part of it.
func TestStripMapsStayChartSized(t *testing.T) {
	dir := t.TempDir()
	for _, wh := range [][2]int{{2, 200}, {400, 8}, {40, 40}} {
		s := agents.Snapshot{Tick: 1, Width: wh[0], Height: wh[1], Species: []string{"birch"},
			Trees: [][5]float64{{0, 0, 0, 5, 2}, {float64(wh[0] - 1), float64(wh[1] - 1), 0, 5, 2}}}
		ch, aspect := drawMap(s)
		if aspect < minMapAspect || aspect > maxMapAspect {
			t.Errorf("%v: aspect %.2f", wh, aspect)
		}
		files, err := save(ch, filepath.Join(dir, fmt.Sprintf("map-%dx%d", wh[0], wh[1])), aspect, Options{Formats: []string{"png"}, DPI: 100, Width: 12})
		if err != nil {
			t.Fatal(err)
		}
		img := readPNG(t, files[0])
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if float64(h) > maxMapAspect*float64(w)+1 || float64(h) < minMapAspect*float64(w)-1 {
			t.Errorf("%v: the chart is %d × %d pixels", wh, w, h)
		}
		// The trees in opposite corners are drawn far apart: the map is
		// not squeezed to a line.
		xs, ys := inkExtent(img)
		if xs < w/8 || ys < h/8 {
			t.Errorf("%v: the map's marks span %d × %d of a %d × %d chart", wh, xs, ys, w, h)
		}
	}
}

// inkExtent is how far apart, across and down, the coloured (not grey or
// white) pixels of img lie.
func inkExtent(img image.Image) (dx, dy int) {
	b := img.Bounds()
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, b.Min.X, b.Min.Y
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if max(r, g, bl)-min(r, g, bl) > 0x4000 {
				minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
			}
		}
	}
	return maxX - minX, maxY - minY
}

// TestHeatmapLabelsValuesAndCells draws a 3 × 2 heatmap as SVG: its axes
// are ticked at the values swept (not between the cells), each cell holds
// its mean, and the text is white on the dark ends of the palette and
// black on its pale middle.
func TestHeatmapLabelsValuesAndCells(t *testing.T) {
	charts := heatmaps(heatFixture())
	if len(charts) != 1 {
		t.Fatalf("%d heatmaps", len(charts))
	}
	b := []byte(svgText(t, charts[0].ch, charts[0].aspect))
	svg := string(b)
	for _, want := range []string{">0.55<", ">0.6<", ">1<", ">13<", ">1<", ">3<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the heatmap has no text %s", want)
		}
	}
	if strings.Contains(svg, ">0.7<") || strings.Contains(svg, ">0.9<") {
		t.Error("the y axis is ticked between the values swept")
	}
	hm := &plotter.HeatMap{Palette: moreland.SmoothBlueRed().Palette(64), Min: 1, Max: 13}
	if labelColour(hm, 1) != color.White || labelColour(hm, 13) != color.White || labelColour(hm, 7) != color.Black {
		t.Error("labels are not white on the palette's ends and black in its middle")
	}
}

// heatFixture is a sweep of two paths, 3 × 2 points, whose means run from
// 1 to 13.
func heatFixture() *SweepData {
	d := &SweepData{Paths: []string{"trees.density", "failures[0].spread"}, Figures: []string{"loss"},
		ByFig: map[string][]AggPoint{"loss": {}}}
	for i, x := range []string{"0.5", "0.55", "0.6"} {
		for j, y := range []string{"0.6", "1"} {
			d.ByFig["loss"] = append(d.ByFig["loss"], AggPoint{Values: []string{x, y}, Mean: float64(1 + i + 10*j), N: 2})
		}
	}
	return d
}

// TestHeatmapHasAColourKey records a heatmap's drawing: right of every
// cell stands a bar of the palette's colours, lowest value at the bottom,
// in one unbroken column, ticked within the means' range, 1 to 13.
func TestHeatmapHasAColourKey(t *testing.T) {
	charts := heatmaps(heatFixture())
	rec := &recorder.Canvas{}
	w := 18 * vg.Centimeter
	charts[0].ch(draw.NewCanvas(rec, w, vg.Length(float64(w)*charts[0].aspect)))
	cols := moreland.SmoothBlueRed().Palette(64).Colors()
	var colour color.Color
	var bands []vg.Rectangle
	var bandCols []color.Color
	cellRight := vg.Length(math.Inf(-1))
	labels := map[string]vg.Point{}
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			colour = a.Color
		case *recorder.Fill:
			var r vg.Rectangle
			for i, c := range a.Path {
				if c.Type == vg.CloseComp {
					continue
				}
				if i == 0 {
					r = vg.Rectangle{Min: c.Pos, Max: c.Pos}
				}
				r.Min.X, r.Min.Y = min(r.Min.X, c.Pos.X), min(r.Min.Y, c.Pos.Y)
				r.Max.X, r.Max.Y = max(r.Max.X, c.Pos.X), max(r.Max.Y, c.Pos.Y)
			}
			if math.Abs(float64(r.Max.X-r.Min.X-keyWidth)) < 1e-6 {
				bands, bandCols = append(bands, r), append(bandCols, colour)
			} else if r.Max.X < w-1 {
				cellRight = max(cellRight, r.Max.X)
			}
		case *recorder.FillString:
			labels[a.String] = a.Point
		}
	}
	if len(bands) != len(cols) {
		t.Fatalf("%d bands of the key's width, want %d", len(bands), len(cols))
	}
	for i, b := range bands {
		if b.Min.X < cellRight || b.Min.X != bands[0].Min.X {
			t.Fatalf("band %d at x %.1f, the cells end at %.1f", i, b.Min.X, cellRight)
		}
		if i > 0 && b.Min.Y > bands[i-1].Max.Y {
			t.Fatalf("a gap below band %d", i)
		}
		if r, g, b, _ := bandCols[i].RGBA(); [3]uint32{r, g, b} != rgb(cols[i]) {
			t.Fatalf("band %d is %v, want the palette's %v", i, bandCols[i], cols[i])
		}
	}
	low, high := bands[0].Min.Y, bands[len(bands)-1].Max.Y
	for _, v := range []string{"2.5", "7.5", "12.5"} {
		p, ok := labels[v]
		if !ok || p.X < bands[0].Max.X || p.Y < low || p.Y > high {
			t.Errorf("key label %s: %v (drawn: %v), the key spans %.1f to %.1f", v, p, ok, low, high)
		}
	}
	if a, b := labels["2.5"], labels["7.5"]; a.Y >= b.Y {
		t.Errorf("the key's 2.5 is at %.1f, not below its 7.5 at %.1f", a.Y, b.Y)
	}
}

// TestDrawnDesignIsMappedInDots: the points of a design that draws its
// values (twelve, each at values of its own, so a grid on them would be 144
// cells, 132 of them holes) are drawn as discs, one a point, where the
// point is and in the colour the heatmap gives its mean: the lowest mean
// the palette's first colour, the highest its last. A grid's points keep
// their cells.
func TestDrawnDesignIsMappedInDots(t *testing.T) {
	d := &SweepData{Paths: []string{"a", "b"}, Figures: []string{"loss"}, Design: "lhs",
		ByFig: map[string][]AggPoint{"loss": {}}}
	for i := range 12 {
		// x rises with i, y falls, means in a shuffled order.
		x, y := 0.05+float64(i)/12, 1-float64(i)/13
		d.ByFig["loss"] = append(d.ByFig["loss"], AggPoint{Values: []string{fmt.Sprint(x), fmt.Sprint(y)}, Mean: float64(i * 7 % 12), N: 2})
	}
	pal := moreland.SmoothBlueRed().Palette(keyColours).Colors()
	ch := heatmaps(d)[0]
	rec := &recorder.Canvas{}
	ch.ch(draw.NewCanvas(rec, 18*vg.Centimeter, 18*vg.Centimeter*vg.Length(ch.aspect)))
	var colour color.Color
	type disc struct {
		x, y vg.Length
		col  [3]uint32
	}
	var discs []disc
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			colour = a.Color
		case *recorder.Fill:
			round := false
			var x, y vg.Length
			for _, c := range a.Path {
				round = round || c.Type == vg.ArcComp
				if c.Type == vg.ArcComp {
					x, y = c.Pos.X, c.Pos.Y
				}
			}
			if round {
				discs = append(discs, disc{x, y, rgb(colour)})
			}
		}
	}
	if len(discs) != 12 {
		t.Fatalf("%d discs drawn, want one for each of 12 points", len(discs))
	}
	for i, p := range d.ByFig["loss"] {
		want := rgb(pal[int(p.Mean*float64(keyColours-1)/11+0.5)])
		if discs[i].col != want {
			t.Errorf("point %d (mean %v) is drawn %v, want %v", i, p.Mean, discs[i].col, want)
		}
		if i > 0 && (discs[i].x <= discs[i-1].x || discs[i].y >= discs[i-1].y) {
			t.Errorf("point %d is drawn at %v, not right of and below point %d at %v", i, discs[i], i-1, discs[i-1])
		}
	}
	if discs[0].col != rgb(pal[0]) || discs[5].col != rgb(pal[keyColours-1]) {
		t.Error("the lowest and highest means are not the palette's ends")
	}
	if g := (heatGrid{xs: make([]float64, 3), ys: make([]float64, 2)}); scattered(6, g) || !scattered(2, g) {
		t.Error("a full 3 × 2 grid is taken for a drawn design, or a third of one is not")
	}
}

// TestHeatmapOfOneValue: a figure with the same mean everywhere fills its
// cells (gonum's heatmap leaves them blank) in the palette's middle colour,
// and its key is one band of that colour, labelled with the value.
func TestHeatmapOfOneValue(t *testing.T) {
	d := heatFixture()
	for i := range d.ByFig["loss"] {
		d.ByFig["loss"][i].Mean = 0.25
	}
	ch := heatmaps(d)[0]
	rec := &recorder.Canvas{}
	ch.ch(draw.NewCanvas(rec, 18*vg.Centimeter, 18*vg.Centimeter*vg.Length(ch.aspect)))
	mid := rgb(moreland.SmoothBlueRed().Palette(keyColours).Colors()[keyColours/2])
	var colour color.Color = color.Black
	fills, labelled := 0, 0
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			colour = a.Color
		case *recorder.Fill:
			if rgb(colour) == mid {
				fills++
			}
		case *recorder.FillString:
			if a.String == "0.25" {
				labelled++
			}
		}
	}
	// Six cells and the key's one band; six cell labels and the key's.
	if fills != 7 || labelled != 7 {
		t.Errorf("%d areas filled in the middle colour, want 7; %d labels of 0.25, want 7", fills, labelled)
	}
}

func rgb(c color.Color) [3]uint32 {
	r, g, b, _ := c.RGBA()
	return [3]uint32{r, g, b}
}

// TestSweepChartNamesWhatItLeavesOut checks that a figure defined at one
// point, and figures past the panel limit, are named in the chart's key
// rather than dropped without a word.
func TestSweepChartNamesWhatItLeavesOut(t *testing.T) {
	d := &SweepData{Paths: []string{"fungi.fee"}, ByFig: map[string][]AggPoint{}}
	for i := range maxSweepPanels + 2 {
		fig := fmt.Sprintf("f%02d", i)
		d.Figures = append(d.Figures, fig)
		for _, x := range []string{"0", "0.1", "0.2"} {
			d.ByFig[fig] = append(d.ByFig[fig], AggPoint{Values: []string{x}, Mean: float64(i), N: 2})
		}
	}
	d.Figures = append([]string{"recovery"}, d.Figures...)
	d.ByFig["recovery"] = []AggPoint{{Values: []string{"0"}, Mean: 5, N: 1}}
	ch, aspect := drawSweepLines(d, 0, nil, "")
	b := []byte(svgText(t, ch, aspect))
	n := maxSweepPanels
	for _, want := range []string{"not drawn, defined in fewer than two points: recovery",
		fmt.Sprintf("not drawn, past %d panels: f%02d, f%02d (all in aggregate.csv)", n, n, n+1), fmt.Sprintf(">f%02d<", n-1)} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the chart has no text %q", want)
		}
	}
	if strings.Contains(string(b), fmt.Sprintf(">f%02d<", n)) {
		t.Errorf("panel %d was drawn", n+1)
	}
}

// TestMarkLabelsDoNotOverlap draws the fixture's resilience chart, where
// the recovery (tick 59) follows the strike (tick 50) closer than the
// strike's label is long: the two labels must sit on different rows, and
// the strike's label name the failure's kind and what it hit.
func TestMarkLabelsDoNotOverlap(t *testing.T) {
	dir := writeFixture(t)
	if _, err := DrawRun(dir, DrawOptions{Options: Options{Formats: []string{"svg"}, DPI: 100, Width: 12}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "plots", "resilience-living_trees.svg"))
	if err != nil {
		t.Fatal(err)
	}
	at := func(label string) (x, y float64) {
		t.Helper()
		m := regexp.MustCompile(`<text x="([-0-9.]+)" y="([-0-9.]+)"[^>]*\s+style="[^"]*">` + regexp.QuoteMeta(label) + `</text>`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("no label %q", label)
		}
		x, _ = strconv.ParseFloat(string(m[1]), 64)
		y, _ = strconv.ParseFloat(string(m[2]), 64)
		return x, y
	}
	kx, ky := at("kill: nodes by hubs")
	rx, ry := at("recovered")
	if rx-kx > 60 {
		t.Fatalf("the fixture's labels are %.0f pt apart; the test needs them close", rx-kx)
	}
	if math.Abs(ry-ky) < 8 {
		t.Errorf("labels at (%.1f, %.1f) and (%.1f, %.1f) overlap", kx, ky, rx, ry)
	}
}

// TestDenseMapIsOneImage draws a 1,000 × 1,000 grid's map: its cells are
// under a point across, so the SVG must hold the map as one image rather
// than a mark a tree (at 870,000 agents those were 110 MB files), the
// trees must show in their species' colour, and the key must say the
// links are not drawn. A sparse map keeps its marks.
func TestDenseMapIsOneImage(t *testing.T) {
	dir := t.TempDir()
	s := agents.Snapshot{Tick: 3, Width: 1000, Height: 1000, Species: []string{"birch"},
		Links: [][5]float64{{1, 1, 5, 5, 0}}}
	for i := range 20000 {
		s.Trees = append(s.Trees, [5]float64{float64(i % 1000), float64(i / 1000 * 50), 0, 5, 1})
	}
	ch, aspect := drawMap(s)
	files, err := save(ch, filepath.Join(dir, "dense"), aspect, Options{Formats: []string{"svg", "png"}, DPI: 100, Width: 18})
	if err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(svg), "<image"); n != 1 {
		t.Errorf("%d images in the dense map's SVG, want 1", n)
	}
	if n := strings.Count(string(svg), "<path"); n > 200 {
		t.Errorf("%d paths in the dense map's SVG: trees drawn one by one", n)
	}
	if !strings.Contains(string(svg), "the 1 links are not drawn at this density") {
		t.Error("the key does not say the links are left out")
	}
	img := readPNG(t, files[1])
	greens := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if g > r+0x2000 && g > bl+0x1000 {
				greens++
			}
		}
	}
	if greens < 1000 {
		t.Errorf("%d green pixels: the trees are not drawn", greens)
	}
	sparse := agents.Snapshot{Tick: 3, Width: 40, Height: 40, Species: []string{"birch"}, Trees: s.Trees[:30]}
	ch, aspect = drawMap(sparse)
	files, err = save(ch, filepath.Join(dir, "sparse"), aspect, Options{Formats: []string{"svg"}, DPI: 100, Width: 18})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(files[0]); strings.Contains(string(b), "<image") {
		t.Error("a sparse map was drawn as an image")
	}
}

// TestCategoricalSweepIsCharted checks a sweep whose varied values are
// names (network.topology=star,random,scale-free), which drew no chart at
// all: each figure gets a panel with the names along its axis, in the
// plan's order, and a second named path is told apart by colour.
func TestCategoricalSweepIsCharted(t *testing.T) {
	d := &SweepData{Paths: []string{"network.topology", "failures[0].select"}, Figures: []string{"giant"},
		ByFig: map[string][]AggPoint{}}
	for i, topo := range []string{"star", "random", "scale-free"} {
		for j, sel := range []string{"hubs", "random"} {
			m := float64(i + j)
			d.ByFig["giant"] = append(d.ByFig["giant"], AggPoint{Values: []string{topo, sel}, Mean: m, Low: m - 0.1, High: m + 0.1, N: 2})
		}
	}
	charts := sweepCharts(d)
	if len(charts) != 1 {
		t.Fatalf("%d charts, want 1", len(charts))
	}
	b := []byte(svgText(t, charts[0].ch, charts[0].aspect))
	svg := string(b)
	hasTexts(t, svg, ">star<", ">random<", ">scale-free<", "blue: hubs, red: random by failures[0].select", "points: mean over replicates; bars: 95% confidence interval")
	if strings.Index(svg, ">star<") > strings.Index(svg, ">scale-free<") {
		t.Error("the names are not in the plan's order")
	}
}

// TestTickLabelsTellValuesApart checks the axes' labels: distinct where
// gonum's own repeated ("1, 1, 1" for 0.98 to 1.04) and without zeros that
// say nothing ("0.00, 250.00, 500.00").
func TestTickLabelsTellValuesApart(t *testing.T) {
	cases := []struct {
		vals []float64
		want string
	}{
		{[]float64{0.98, 1, 1.02, 1.04}, "0.98 1.00 1.02 1.04"},
		{[]float64{0, 250, 500}, "0 250 500"},
		{[]float64{0.948, 0.949, 0.95, 0.951}, "0.948 0.949 0.950 0.951"},
		{[]float64{-0.5, 0, 0.5}, "-0.5 0.0 0.5"},
		{[]float64{1e8, 2e8}, ""},
	}
	for _, c := range cases {
		if got := strings.Join(plainLabels(c.vals), " "); got != c.want {
			t.Errorf("%v: %q, want %q", c.vals, got, c.want)
		}
	}
	for _, r := range [][2]float64{{0.98, 1.04}, {0, 500}, {0.9479, 0.9511}, {-3, 1e-3}, {1, 1e9}} {
		seen := map[string]bool{}
		for _, tk := range (plainTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			if seen[tk.Label] {
				t.Errorf("%v: label %q twice", r, tk.Label)
			}
			seen[tk.Label] = true
		}
	}
}

// svgText draws ch as the report's inline SVG and returns its text.
func svgText(t *testing.T, ch chart, aspect float64) string {
	t.Helper()
	svg, err := svgOf(ch, aspect)
	if err != nil {
		t.Fatal(err)
	}
	return string(svg)
}

// namedSVG is the SVG text of the chart named name among charts; a test
// fails at once without it.
func namedSVG(t *testing.T, charts []namedChart, name string) string {
	t.Helper()
	i := slices.IndexFunc(charts, func(c namedChart) bool { return c.name == name })
	if i < 0 {
		t.Fatalf("no %s chart among %d", name, len(charts))
	}
	return svgText(t, charts[i].ch, charts[i].aspect)
}

// hasTexts reports each of wants that svg does not hold.
func hasTexts(t *testing.T, svg string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart has no text %q", want)
		}
	}
}

// TestResilienceMarksStayBelowTheLegend records the fixture's resilience
// chart: the recovery's dashed line and the failures' marks must end below
// the legend's lowest line, which a late recovery's line ran through.
func TestResilienceMarksStayBelowTheLegend(t *testing.T) {
	r, err := Load(writeFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	ch, aspect := drawResilience(Resilience(r)[0])
	rec := &recorder.Canvas{}
	w := 18 * vg.Centimeter
	ch(draw.NewCanvas(rec, w, vg.Length(float64(w)*aspect)))
	legendLow := vg.Length(math.Inf(1))
	var colour color.Color
	markTop := vg.Length(math.Inf(-1))
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			colour = a.Color
		case *recorder.FillString:
			if strings.HasPrefix(a.String, "recovered at tick") {
				legendLow = min(legendLow, a.Point.Y)
			}
		case *recorder.Stroke:
			if colour == color.Color(green) && len(a.Path) == 2 {
				markTop = max(markTop, a.Path[0].Pos.Y, a.Path[1].Pos.Y)
			}
		}
	}
	if math.IsInf(float64(legendLow), 0) || math.IsInf(float64(markTop), 0) {
		t.Fatalf("no legend line (%v) or no recovery mark (%v) recorded", legendLow, markTop)
	}
	if markTop >= legendLow {
		t.Errorf("the recovery's line reaches %.1f, into the legend, whose lowest line is at %.1f", markTop, legendLow)
	}
}

// readPNG reads and decodes the PNG file at path.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// TestNoBandWithoutAnInterval: a point of one replicate has no interval,
// so a band runs only over stretches of points that have one, an error bar
// is left out there, and the chart's key says why.
func TestNoBandWithoutAnInterval(t *testing.T) {
	nan := math.NaN()
	l := SweepLine{X: []float64{0, 1, 2, 3, 4}, Mean: []float64{5, 5, 5, 5, 5},
		Lo: []float64{4, nan, 4, 4, 4}, Hi: []float64{6, nan, 6, 6, 6}}
	// recorded draws p and returns the corners of each translucent fill
	// (a band) and the number of vertical strokes (error bars).
	recorded := func(p *plot.Plot) (bands []int, bars int) {
		rec := &recorder.Canvas{}
		p.Draw(draw.NewCanvas(rec, 10*vg.Centimeter, 6*vg.Centimeter))
		var colour color.Color
		for _, a := range rec.Actions {
			switch a := a.(type) {
			case *recorder.SetColor:
				colour = a.Color
			case *recorder.Fill:
				if _, _, _, alpha := colour.RGBA(); alpha < 0xffff {
					bands = append(bands, len(a.Path)-1) // less the closing
				}
			case *recorder.Stroke:
				if len(a.Path) == 2 && a.Path[0].Pos.X == a.Path[1].Pos.X && colour == seriesColours[0] {
					bars++
				}
			}
		}
		return bands, bars
	}
	p := plot.New()
	drawBands(p, []SweepLine{l})
	if bands, _ := recorded(p); len(bands) != 1 || bands[0] != 6 {
		t.Errorf("bands of %v corners, want one of 6: over points 2 to 4", bands)
	}
	p = plot.New()
	drawCategories(p, []SweepLine{l}, []string{"a", "b", "c", "d", "e"})
	if _, bars := recorded(p); bars != 4 {
		t.Errorf("%d error bars, want 4", bars)
	}
	d := &SweepData{Paths: []string{"fungi.fee"}, Figures: []string{"f"}, ByFig: map[string][]AggPoint{}}
	for i, x := range []string{"0", "0.1", "0.2"} {
		d.ByFig["f"] = append(d.ByFig["f"], AggPoint{Values: []string{x}, Mean: float64(i), Low: nan, High: nan, N: 1})
	}
	ch, aspect := drawSweepLines(d, 0, nil, "")
	if svg := svgText(t, ch, aspect); !strings.Contains(svg, "no interval where a point has one replicate") {
		t.Error("the key does not say why there is no band")
	}
}

// TestSharePanels: the share of replicates that recovered is drawn on its
// whole range, 0 to 1, whatever its values, and the key says what it is.
func TestSharePanels(t *testing.T) {
	d := &SweepData{Paths: []string{"fungi.fee"}, Figures: []string{"x_recovered"}, ByFig: map[string][]AggPoint{}}
	for i, x := range []string{"0", "0.1", "0.2"} {
		d.ByFig["x_recovered"] = append(d.ByFig["x_recovered"], AggPoint{Values: []string{x}, Mean: 0.9 + 0.05*float64(i), Low: 0.8, High: 1, N: 20})
	}
	ch, aspect := drawSweepLines(d, 0, nil, "")
	svg := svgText(t, ch, aspect)
	hasTexts(t, svg, "_recovered: the share of replicates that recovered, with its Wilson interval", ">0.5<")
}

// TestShareHeatmapSpansZeroToOne: a heatmap of shares recovered is
// coloured on 0..1 whatever its values, so its key runs from 0 to 1.
func TestShareHeatmapSpansZeroToOne(t *testing.T) {
	d := heatFixture()
	d.Figures = []string{"x_recovered"}
	d.ByFig["x_recovered"] = d.ByFig["loss"]
	for i := range d.ByFig["x_recovered"] {
		d.ByFig["x_recovered"][i].Mean = 0.8 + 0.02*float64(i)
	}
	svg := svgText(t, heatmaps(d)[0].ch, heatmaps(d)[0].aspect)
	for _, want := range []string{">0.0<", ">0.5<", ">1.0<", "x_recovered (share of replicates that recovered)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the key has no label %s", want)
		}
	}
}

// TestWrapKeyLines: a key line wider than the chart breaks between words,
// each piece within the width; a word wider than it stands alone.
func TestWrapKeyLines(t *testing.T) {
	size := func(s string) vg.Length { return vg.Length(len(s)) }
	cases := []struct {
		in   string
		want []string
	}{
		{"short", []string{"short"}},
		{"aa bb cc dd", []string{"aa bb", "cc dd"}},
		{"aa verylongword bb", []string{"aa", "verylongword", "bb"}},
	}
	for _, c := range cases {
		if got := wrap(c.in, 5, size); !slices.Equal(got, c.want) {
			t.Errorf("wrap(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestChartsSavedSideBySideKeepTheirOrder: charts drawn at once come back
// in the order asked, and a chart that fails is reported as the first
// failure in that order, with the files of the charts before it, whichever
// finished first.
func TestChartsSavedSideBySideKeepTheirOrder(t *testing.T) {
	dir := t.TempDir()
	var charts []namedChart
	for i := range 12 {
		name := fmt.Sprintf("c%02d", i)
		ch := chart(func(dc draw.Canvas) {
			// The later the chart, the sooner it ends.
			time.Sleep(time.Duration(12-i) * time.Millisecond)
			dc.FillPolygon(color.Black, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max})
			if name == "c07" || name == "c09" {
				panic("degenerate axis")
			}
		})
		charts = append(charts, namedChart{name: name, ch: ch, aspect: 0.5})
	}
	o := Options{Formats: []string{"png"}}.withDefaults()
	files, err := saveAll(charts[:7], dir, o)
	if err != nil || len(files) != 7 {
		t.Fatalf("7 charts: %d files, %v", len(files), err)
	}
	for i, f := range files {
		if want := filepath.Join(dir, fmt.Sprintf("c%02d.png", i)); f != want {
			t.Fatalf("file %d is %s, want %s", i, f, want)
		}
	}
	files, err = saveAll(charts, dir, o)
	if err == nil || !strings.Contains(err.Error(), "c07") || len(files) != 7 {
		t.Fatalf("with c07 and c09 failing: %d files, %v", len(files), err)
	}
}
