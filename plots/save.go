package plots

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/ecosim/ecosim/internal/atomicfile"
)

// ErrOptions marks chart options out of range.
var ErrOptions = errors.New("plots: bad chart options")

// Formats are the encodings a chart can be saved in.
var Formats = []string{"png", "svg", "pdf"}

// Options set how charts are saved.
type Options struct {
	// Formats to write, from Formats; default png and svg.
	Formats []string
	// DPI of PNG output; default 150.
	DPI int
	// Width of a chart [cm]; default 18 (a page width).
	Width float64
}

func (o Options) withDefaults() Options {
	if len(o.Formats) == 0 {
		o.Formats = []string{"png", "svg"}
	}
	if o.DPI <= 0 {
		o.DPI = 150
	}
	if o.Width <= 0 {
		o.Width = 18
	}
	return o
}

// The sizes Validate accepts, besides 0 for the default; the command
// line checks its flags against the same.
const (
	MaxDPI   = 1200
	MinWidth = 1.0   // [cm]
	MaxWidth = 200.0 // [cm]
)

// Validate reports an unknown format or an absurd size.
func (o Options) Validate() error {
	for _, f := range o.Formats {
		if !contains(Formats, f) {
			return fmt.Errorf("%w: unknown format %q (known: %s)", ErrOptions, f, strings.Join(Formats, ", "))
		}
	}
	if o.DPI < 0 || o.DPI > MaxDPI {
		return fmt.Errorf("%w: dpi %d out of range 1..%d", ErrOptions, o.DPI, MaxDPI)
	}
	if o.Width != 0 && !(o.Width >= MinWidth && o.Width <= MaxWidth) { // NaN too
		return fmt.Errorf("%w: width %g cm out of range %g..%g", ErrOptions, o.Width, MinWidth, MaxWidth)
	}
	return nil
}

func contains(set []string, v string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// pageMargin is the white border round every chart: without it a title
// sat on the image's top edge and the last tick label ("1000") was cut at
// its right, and a chart placed on a page ran into the text beside it.
const pageMargin = 3 * vg.Millimeter

// chart draws itself onto a canvas of the size it is given.
type chart func(dc draw.Canvas)

// canvasFor makes a canvas of the format, and returns it with its writer.
func canvasFor(format string, w, h vg.Length, dpi int) (vg.CanvasSizer, io.WriterTo) {
	switch format {
	case "svg":
		c := vgsvg.New(w, h)
		return c, c
	case "pdf":
		c := vgpdf.New(w, h)
		return c, c
	default:
		c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
		return c, vgimg.PngCanvas{Canvas: c}
	}
}

// saveAll saves the charts into dir (save), on as many goroutines as
// there are cores: each chart is drawn on canvases of its own, and the
// charts are most of what `simulate` does after its runs (22 files of
// the forest's, 1.1 s drawn one after another). The files come back in
// the charts' order, and the error is the first chart's, in that order,
// that failed.
func saveAll(charts []namedChart, dir string, o Options) ([]string, error) {
	paths := make([][]string, len(charts))
	errs := make([]error, len(charts))
	sideBySide(len(charts), func(i int) {
		c := charts[i]
		paths[i], errs[i] = save(c.ch, filepath.Join(dir, c.name), c.aspect, o)
	})
	var files []string
	for i := range charts {
		files = append(files, paths[i]...)
		if errs[i] != nil {
			return files, errs[i]
		}
	}
	return files, nil
}

// save writes ch as base.<format> for every format and returns the paths.
// Each file is written to a temporary name and renamed, so a chart is never
// left half-written. A panic inside gonum/plot (it panics on some degenerate
// axes) becomes an error naming the chart.
func save(ch chart, base string, aspect float64, o Options) (paths []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: drawing %s: %v", filepath.Base(base), r)
		}
	}()
	w := vg.Length(o.Width) * vg.Centimeter
	h := vg.Length(float64(w) * aspect)
	for _, f := range o.Formats {
		c, wt := canvasFor(f, w, h, o.DPI)
		if f != "png" {
			// Vector formats start transparent; fill with white so they
			// read the same as the PNG on a dark page.
			c.SetColor(color.White)
			c.Fill(rectPath(w, h))
		}
		ch(draw.Crop(draw.New(c), pageMargin, -pageMargin, pageMargin, -pageMargin))
		p := base + "." + f
		if err := writeAtomic(p, wt); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func rectPath(w, h vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{})
	p.Line(vg.Point{X: w})
	p.Line(vg.Point{X: w, Y: h})
	p.Line(vg.Point{Y: h})
	p.Close()
	return p
}

func writeAtomic(path string, wt io.WriterTo) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}
