package plots

import (
	"bytes"
	"fmt"
	"html/template"
	"path/filepath"
	"regexp"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/ecosim/ecosim/agents"
)

// reportWidth is the width of the charts in the report [cm].
const reportWidth = 18

// figure is one chart of the report, as inline SVG markup.
type figure struct {
	Title string
	SVG   template.HTML
}

// reportData fills the report template.
type reportData struct {
	Title      string
	Run        *Run
	Figures    []figure
	Scenario   string
	Resilience []resilienceRow
}

type resilienceRow struct {
	Name, Baseline, Resistance, Recovery, Loss, Final string
}

var xmlHeader = regexp.MustCompile(`(?s)^<\?xml.*?\?>\s*(<!DOCTYPE.*?>\s*)?`)

// svgOf renders a chart as SVG markup fit to inline in HTML.
func svgOf(ch chart, aspect float64) (out template.HTML, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: drawing a chart: %v", r)
		}
	}()
	w := vg.Length(reportWidth) * vg.Centimeter
	c := vgsvg.New(w, vg.Length(float64(w)*aspect))
	ch(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	// The markup is produced by gonum/plot from our own data, with text
	// escaped by it; it is trusted as HTML.
	return template.HTML(xmlHeader.ReplaceAll(buf.Bytes(), nil)), nil // #nosec G203
}

// reportMaps is how many world maps the report includes (first and last
// snapshot): maps of thousands of agents are the largest charts.
const reportMaps = 2

func reportFigures(r *Run) ([]figure, error) {
	var figs []figure
	add := func(title string, ch chart, aspect float64) error {
		s, err := svgOf(ch, aspect)
		figs = append(figs, figure{Title: title, SVG: s})
		return err
	}
	if d := TimeSeries(r); len(d.Panels) > 0 {
		ch, a := drawTimeSeries(d)
		if err := add("Indicators over time", ch, a); err != nil {
			return nil, err
		}
	}
	for _, d := range Resilience(r) {
		ch, a := drawResilience(d)
		if err := add("Resilience of "+d.Indicator, ch, a); err != nil {
			return nil, err
		}
	}
	if d := Giant(r); d != nil {
		ch, a := drawGiant(*d)
		if err := add("Giant component", ch, a); err != nil {
			return nil, err
		}
	}
	if d := Degrees(r); d != nil {
		ch, a := drawDegrees(*d)
		if err := add("Degree distribution", ch, a); err != nil {
			return nil, err
		}
	}
	snaps := r.Snapshots
	if len(snaps) > reportMaps {
		snaps = []agents.Snapshot{snaps[0], snaps[len(snaps)-1]}
	}
	for _, s := range snaps {
		ch, a := drawMap(s)
		if err := add(fmt.Sprintf("World at tick %d", s.Tick), ch, a); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

func fmtPtr(p *int) string {
	if p == nil {
		return "never"
	}
	return fmt.Sprint(*p)
}

// Report writes dir/report.html: one self-contained page (charts inline as
// SVG, no scripts, nothing fetched) with the run's scenario, seed, version,
// digests, resilience table and charts — or, for a sweep directory, the
// plan, the sweep charts and the aggregate table. It returns the file's path.
func Report(dir string) (string, error) {
	if IsSweep(dir) {
		return sweepReport(dir)
	}
	r, err := Load(dir)
	if err != nil {
		return "", err
	}
	d := reportData{Title: "ecosim run " + filepath.Base(filepath.Clean(dir)), Run: r, Scenario: string(r.Scenario)}
	if r.Summary != nil {
		d.Title = fmt.Sprintf("ecosim: %s, seed %d", r.Summary.Scenario, r.Summary.Seed)
	}
	if r.Resilience != nil {
		for _, f := range r.Resilience.Indicators {
			d.Resilience = append(d.Resilience, resilienceRow{Name: f.Name, Baseline: fmt.Sprintf("%.4g", f.Baseline),
				Resistance: fmt.Sprintf("%.3f (tick %d)", f.Resistance, f.ResistanceTick), Recovery: fmtPtr(f.RecoveryTime),
				Loss: fmt.Sprintf("%.3f", f.Loss), Final: fmt.Sprintf("%.3f", f.FinalRatio)})
		}
	}
	if d.Figures, err = reportFigures(r); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, d); err != nil {
		return "", err
	}
	p := filepath.Join(dir, "report.html")
	return p, writeAtomic(p, &buf)
}
