package plots

import (
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	stddraw "image/draw"
	"image/gif"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/internal/atomicfile"
)

// speciesColours colour trees by species, distinct from the link grey and
// the fire colours.
var speciesColours = []color.NRGBA{green, orange, skyBlue, yellow, purple, blue}

// worldMap draws a snapshot: burnt and burning cells, network links, trees
// coloured by species and shaded by carbon (sized by degree, so hubs stand
// out), fungi, nodes, ants and nests.
type worldMap struct {
	s agents.Snapshot
	// dense draws each cell as a pixel of an image (denseMap) rather
	// than a mark of its own.
	dense bool
}

// Plot implements plot.Plotter.
func (w worldMap) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	if w.dense {
		w.plotDense(c, trX, trY)
		return
	}
	// Marks are sized to the cell's shorter side: a stretched cell
	// (maxCellStretch) would otherwise have marks that cover its
	// neighbours.
	cell := math.Min(math.Abs(float64(trX(1)-trX(0))), math.Abs(float64(trY(1)-trY(0))))
	pt := func(x, y float64) vg.Point { return vg.Point{X: trX(x + 0.5), Y: trY(y + 0.5)} }
	square := func(xy [2]float64, col color.Color) {
		p0, p1 := vg.Point{X: trX(xy[0]), Y: trY(xy[1])}, vg.Point{X: trX(xy[0] + 1), Y: trY(xy[1] + 1)}
		c.FillPolygon(col, []vg.Point{p0, {X: p1.X, Y: p0.Y}, p1, {X: p0.X, Y: p1.Y}})
	}
	for _, xy := range w.s.Burnt {
		square(xy, burntColour)
	}
	for _, xy := range w.s.Burning {
		square(xy, vermilion)
	}
	linkUp := draw.LineStyle{Color: withAlpha(grey, 110), Width: vg.Points(0.4)}
	linkDown := draw.LineStyle{Color: vermilion, Width: vg.Points(0.5), Dashes: []vg.Length{vg.Points(1.5), vg.Points(1.5)}}
	for _, l := range w.s.Links {
		sty := linkUp
		if l[4] != 0 {
			sty = linkDown
		}
		a, b := pt(l[0], l[1]), pt(l[2], l[3])
		c.StrokeLine2(sty, a.X, a.Y, b.X, b.Y)
	}
	maxC, maxN := carbonScale(w.s)
	for _, t := range w.s.Trees {
		col := speciesColours[int(t[2])%len(speciesColours)]
		r := vg.Length(cell * math.Min(0.42*(1+0.3*t[4]), 1.6))
		c.DrawGlyph(draw.GlyphStyle{Color: shade(col, 0.65*(1-t[3]/math.Max(maxC, 1e-9))), Radius: r, Shape: draw.CircleGlyph{}}, pt(t[0], t[1]))
	}
	for _, xy := range w.s.Infested {
		c.DrawGlyph(draw.GlyphStyle{Color: purple, Radius: vg.Length(cell * 0.55), Shape: draw.RingGlyph{}}, pt(xy[0], xy[1]))
	}
	for _, f := range w.s.Fungi {
		c.DrawGlyph(draw.GlyphStyle{Color: purple, Radius: vg.Length(cell * 0.5), Shape: draw.TriangleGlyph{}}, pt(f[0], f[1]))
	}
	for _, n := range w.s.Nodes {
		r := vg.Length(cell * math.Min(0.3*(1+0.15*n[3]), 1.5))
		c.DrawGlyph(draw.GlyphStyle{Color: shade(blue, 0.7*(1-n[2]/math.Max(maxN, 1e-9))), Radius: r, Shape: draw.CircleGlyph{}}, pt(n[0], n[1]))
	}
	for _, a := range w.s.Ants {
		col := color.Color(black)
		if a[2] != 0 {
			col = vermilion
		}
		c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: vg.Length(math.Max(cell*0.18, 0.6)), Shape: draw.CircleGlyph{}}, pt(a[0], a[1]))
	}
	for _, n := range w.s.Nests {
		c.DrawGlyph(draw.GlyphStyle{Color: black, Radius: vg.Length(math.Max(cell*1.2, 3)), Shape: draw.BoxGlyph{}}, pt(n[0], n[1]))
	}
}

// denseCell is the size of a cell on the chart [pt] below which a map is
// drawn as an image of the grid, a pixel a cell: there each tree's circle
// would be under two pixels across, and drawn one at a time a world of
// 870,000 agents took 15 s a format for five maps, and made 110 MB SVG
// and 35 MB PDF files (3.8 GB of memory to write).
const denseCell = vg.Length(1.5)

// rasterPerPoint is a dense map image's pixels per point of the chart:
// 144 dots an inch, near the charts' default 150.
const rasterPerPoint = 2

// maxRasterSide bounds the pixels of a side of a dense map's image.
const maxRasterSide = 4096

// isDense reports whether s's map, drawn across width, is dense.
func isDense(s agents.Snapshot, width vg.Length) bool {
	return s.Width > 0 && (width-mapAxes)/vg.Length(max(s.Width, s.Height)) < denseCell
}

// plotDense draws the grid as an image: burnt and burning cells, trees in
// their species' colour shaded by carbon, infested trees, fungi, nodes and
// ants, each painting its cell in that order, so the last drawn shows as
// on a sparse map. Links, under a pixel long, are left out (the key says
// so); nests are marked on top, as they are few.
func (w worldMap) plotDense(c draw.Canvas, trX, trY func(float64) vg.Length) {
	s := w.s
	rect := vg.Rectangle{Min: vg.Point{X: trX(0), Y: trY(float64(s.Height))}, Max: vg.Point{X: trX(float64(s.Width)), Y: trY(0)}}
	// The image has the map area's own shape, at rasterPerPoint: an SVG
	// viewer keeps an image's aspect, and would leave margins inside an
	// area of another shape. A cell is a block of pixels, or shares one.
	side := func(l vg.Length) int { return min(max(int(math.Round(l.Points()*rasterPerPoint)), 1), maxRasterSide) }
	size := rect.Size()
	pw, ph := side(size.X), side(size.Y)
	img := image.NewNRGBA(image.Rect(0, 0, pw, ph))
	paint := func(x, y float64, col color.Color) {
		cx, cy := int(x), int(y)
		if cx < 0 || cy < 0 || cx >= s.Width || cy >= s.Height {
			return
		}
		x0, y0 := cx*pw/s.Width, cy*ph/s.Height
		x1, y1 := max((cx+1)*pw/s.Width, x0+1), max((cy+1)*ph/s.Height, y0+1)
		stddraw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, stddraw.Src)
	}
	for _, xy := range s.Burnt {
		paint(xy[0], xy[1], burntColour)
	}
	for _, xy := range s.Burning {
		paint(xy[0], xy[1], vermilion)
	}
	maxC, maxN := carbonScale(s)
	for _, t := range s.Trees {
		paint(t[0], t[1], shade(speciesColours[int(t[2])%len(speciesColours)], 0.65*(1-t[3]/math.Max(maxC, 1e-9))))
	}
	for _, xy := range s.Infested {
		paint(xy[0], xy[1], purple)
	}
	for _, f := range s.Fungi {
		paint(f[0], f[1], purple)
	}
	for _, n := range s.Nodes {
		paint(n[0], n[1], shade(blue, 0.7*(1-n[2]/math.Max(maxN, 1e-9))))
	}
	for _, a := range s.Ants {
		col := color.Color(black)
		if a[2] != 0 {
			col = vermilion
		}
		paint(a[0], a[1], col)
	}
	c.DrawImage(rect, img)
	for _, n := range s.Nests {
		c.DrawGlyph(draw.GlyphStyle{Color: black, Radius: vg.Points(3), Shape: draw.BoxGlyph{}}, vg.Point{X: trX(n[0] + 0.5), Y: trY(n[1] + 0.5)})
	}
}

// carbonScale is the most carbon a tree and a node of s hold, which the
// maps shade them against.
func carbonScale(s agents.Snapshot) (trees, nodes float64) {
	for _, t := range s.Trees {
		trees = math.Max(trees, t[3])
	}
	for _, n := range s.Nodes {
		nodes = math.Max(nodes, n[2])
	}
	return trees, nodes
}

// burntColour is a burnt cell's.
var burntColour = color.NRGBA{70, 70, 70, 255}

// keyItem is one entry of a map's key.
type keyItem struct {
	glyph draw.GlyphStyle
	label string
}

// mapKey lists what the map shows, for the key row under the title.
func mapKey(s agents.Snapshot) []keyItem {
	r := vg.Points(4)
	var items []keyItem
	if len(s.Trees) > 0 {
		for i, name := range s.Species {
			items = append(items, keyItem{draw.GlyphStyle{Color: speciesColours[i%len(speciesColours)], Radius: r, Shape: draw.CircleGlyph{}}, name})
		}
	}
	if len(s.Fungi) > 0 {
		items = append(items, keyItem{draw.GlyphStyle{Color: purple, Radius: r, Shape: draw.TriangleGlyph{}}, "fungus"})
	}
	if len(s.Nodes) > 0 {
		items = append(items, keyItem{draw.GlyphStyle{Color: blue, Radius: r, Shape: draw.CircleGlyph{}}, "node"})
	}
	if len(s.Ants) > 0 {
		items = append(items, keyItem{draw.GlyphStyle{Color: black, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}, "ant"},
			keyItem{draw.GlyphStyle{Color: vermilion, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}, "carrying"})
	}
	if len(s.Nests) > 0 {
		items = append(items, keyItem{draw.GlyphStyle{Color: black, Radius: r, Shape: draw.BoxGlyph{}}, "nest"})
	}
	if len(s.Burnt)+len(s.Burning) > 0 {
		items = append(items, keyItem{draw.GlyphStyle{Color: burntColour, Radius: r, Shape: draw.BoxGlyph{}}, "burnt"},
			keyItem{draw.GlyphStyle{Color: vermilion, Radius: r, Shape: draw.BoxGlyph{}}, "burning"})
	}
	if len(s.Infested) > 0 {
		items = append(items, keyItem{draw.GlyphStyle{Color: purple, Radius: r, Shape: draw.RingGlyph{}}, "infested"})
	}
	return items
}

// keyRow draws the key items side by side, centred at height y.
func keyRow(dc draw.Canvas, y vg.Length, items []keyItem, note string) {
	sty := plot.New().Legend.TextStyle
	sty.Font.Size = legendSize
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	gap := vg.Points(10)
	total := vg.Length(0)
	for _, it := range items {
		total += vg.Points(12) + sty.Width(it.label) + gap
	}
	x := (dc.Min.X+dc.Max.X)/2 - total/2
	for _, it := range items {
		dc.DrawGlyphNoClip(it.glyph, vg.Point{X: x + vg.Points(5), Y: y})
		dc.FillText(sty, vg.Point{X: x + vg.Points(12), Y: y}, it.label)
		x += vg.Points(12) + sty.Width(it.label) + gap
	}
	if note != "" {
		sty.XAlign, sty.Color = draw.XCenter, grey
		sty.Font.Size = 8.5
		dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: y - vg.Points(13)}, note)
	}
}

// mapPlot builds the map of one snapshot; its title and key are drawn
// above it by drawMapOn.
func mapPlot(s agents.Snapshot, dense bool) *plot.Plot {
	p := newPlot("", "x [cells]", "y [cells]")
	p.X.Min, p.X.Max = 0, float64(s.Width)
	p.Y.Min, p.Y.Max = 0, float64(s.Height)
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}} // north up
	p.Add(worldMap{s: s, dense: dense})
	return p
}

// drawMapOn draws title, key and map onto dc.
func drawMapOn(dc draw.Canvas, s agents.Snapshot) {
	sty := plot.New().Title.TextStyle
	sty.Font.Size = titleSize
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - vg.Points(3)}, mapTitle(s))
	dense := isDense(s, dc.Max.X-dc.Min.X)
	note := ""
	switch {
	case dense:
		note = "each cell a dot; paler: less carbon"
		if len(s.Links) > 0 {
			note += fmt.Sprintf("; the %d links are not drawn at this density", len(s.Links))
		}
	case len(s.Trees) > 0 && len(s.Links) > 0:
		note = "bigger: more fungal links (hubs); paler: less carbon; grey lines: links (red dashes: down)"
	case len(s.Nodes) > 0:
		note = "bigger: more links; paler: less carbon; grey lines: links (red dashes: down)"
	case len(s.Trees) > 0:
		note = "paler: less carbon"
	}
	keyRow(dc, dc.Max.Y-vg.Points(titleSize+12), mapKey(s), note)
	area := draw.Crop(dc, 0, 0, 0, -vg.Points(titleSize+40))
	// Where the chart's aspect was clamped (drawMap), the map takes the
	// part of the area that keeps its cells about square (within a fifth,
	// unless maxCellStretch): centred across for a tall grid, at the top
	// for a wide one.
	w, h := area.Max.X-area.Min.X-mapAxes, area.Max.Y-area.Min.Y-mapAxes
	// A strip of a grid (2×200) keeps a readable width: its cells are
	// stretched rather than the map drawn a line thin.
	grid := vg.Length(min(max(float64(s.Height)/float64(s.Width), 1/maxCellStretch), maxCellStretch))
	switch {
	case w <= 0 || h <= 0:
	case h/w < grid/1.2:
		cut := (w - h/grid) / 2
		area = draw.Crop(area, cut, -cut, 0, 0)
	case h/w > grid*1.2:
		area = draw.Crop(area, 0, 0, h-w*grid, 0)
	}
	mapPlot(s, dense).Draw(area)
}

// maxCellStretch is the most a map's shape may differ from its grid's: a
// grid more than this many times taller than wide, or wider than tall, is
// drawn this many times so, its cells stretched.
const maxCellStretch = 4.0

// mapAxes is about what the map's axes, their ticks and labels take of
// its area across and down.
const mapAxes = vg.Length(45)

func mapTitle(s agents.Snapshot) string {
	return fmt.Sprintf("World at tick %d: %d trees, %d links, %d ants", s.Tick, len(s.Trees), len(s.Links), len(s.Ants))
}

// drawMap is the chart of one snapshot; its aspect follows the grid's
// within [minMapAspect, maxMapAspect]. Unclamped, a 2×200 grid made a
// chart 18 cm wide and 16 m tall: a 1,063 × 95,829 pixel PNG that took
// seconds to draw.
func drawMap(s agents.Snapshot) (chart, float64) {
	aspect := float64(s.Height)/float64(s.Width)*0.9 + 0.15
	aspect = min(max(aspect, minMapAspect), maxMapAspect)
	return func(dc draw.Canvas) { drawMapOn(dc, s) }, aspect
}

// The least and the most a map chart's height may be of its width.
const (
	minMapAspect = 0.45
	maxMapAspect = 1.6
)

// writeGIF animates the snapshots as a GIF of about 480 pixels across.
func writeGIF(snaps []agents.Snapshot, path string) error {
	anim := &gif.GIF{}
	w := vg.Length(480) * vg.Inch / 96
	for _, s := range snaps {
		_, aspect := drawMap(s)
		c := vgimg.NewWith(vgimg.UseWH(w, vg.Length(float64(w)*aspect)), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
		drawMapOn(draw.New(c), s)
		img := c.Image()
		pal := image.NewPaletted(img.Bounds(), palette.Plan9)
		stddraw.Draw(pal, img.Bounds(), img, image.Point{}, stddraw.Src)
		anim.Image = append(anim.Image, pal)
		anim.Delay = append(anim.Delay, 12)
	}
	return atomicfile.Write(path, func(w io.Writer) error { return gif.EncodeAll(w, anim) })
}
