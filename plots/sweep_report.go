package plots

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/ecosim/ecosim/sweep"
)

// IsSweep reports whether dir is a sweep directory (it has sweep.json).
func IsSweep(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "sweep.json"))
	return err == nil
}

// sweepReportData fills the sweep report template.
type sweepReportData struct {
	Title    string
	Manifest *sweep.Manifest
	Headline *Headline
	// Contrast is the headline figures' paired differences from the
	// baseline, when the sweep has them.
	Contrast *Headline
	// Crossings is crossings.csv, when the sweep asked for crossings.
	Crossings *Headline
	Axis      string
	// Sensitivity is the headline figures' partial rank correlations,
	// for a random, Latin-hypercube or sobol sweep.
	Sensitivity *Headline
	// SobolFirst and SobolTotal are the headline figures' Sobol'
	// indices, first-order and total-effect, for a sobol design.
	SobolFirst, SobolTotal *Headline
	// Design says what the plan's design drew, in words.
	Design string
	// Morris is the headline figures' elementary effects, for a morris
	// design.
	Morris  *Headline
	Header  []string
	Rows    [][]string
	Figures []figure
}

// designText says what a plan's design drew: "sobol, 64 rows of 5
// points, 2 replicates per point".
func designText(p *sweep.Plan) string {
	reps := fmt.Sprintf("%d replicates per point", p.Reps)
	if p.Reps == 1 {
		reps = "1 replicate per point"
	}
	k := len(p.Vary)
	switch p.Design {
	case sweep.DesignSobol:
		sampler := "two Latin hypercubes"
		if p.Sampler == sweep.SamplerHalton {
			sampler = "one scrambled Halton sequence"
		}
		return fmt.Sprintf("sobol, %d rows of %d points drawn from %s, %s", p.Samples, k+2, sampler, reps)
	case sweep.DesignMorris:
		levels := ""
		if p.Levels != 0 {
			levels = fmt.Sprintf(" on %d levels", p.Levels)
		}
		return fmt.Sprintf("morris, %d trajectories of %d points%s, %s", p.Samples, k+1, levels, reps)
	case sweep.DesignRandom, sweep.DesignLHS:
		return fmt.Sprintf("%s, %d samples, %s", p.Design, p.Samples, reps)
	}
	return p.Design + ", " + reps
}

// sweepReport writes dir/report.html for a sweep: what was swept, the
// aggregate table and the sweep charts inline.
func sweepReport(dir string) (string, error) {
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		return "", dataErr(filepath.Join(dir, "sweep.json"), "%v", err)
	}
	d, err := LoadSweep(dir)
	if err != nil {
		return "", err
	}
	recs, err := readTable(filepath.Join(dir, "aggregate.csv"))
	if err != nil {
		return "", err
	}
	rd := sweepReportData{Title: fmt.Sprintf("ecosim sweep: %s, seed %d", m.Scenario, m.Seed), Manifest: m,
		Headline: SweepHeadline(d, true, 0), Contrast: ContrastHeadline(d, 0), Crossings: d.Crossings, Sensitivity: SensitivityHeadline(d),
		SobolFirst: SobolHeadline(d, false), SobolTotal: SobolHeadline(d, true), Morris: MorrisHeadline(d),
		Design: designText(&m.Plan), Header: recs[0], Rows: recs[1:]}
	if len(d.Paths) > 0 {
		rd.Axis = d.Paths[0]
	}
	for _, c := range sweepCharts(d) {
		s, err := svgOf(c.ch, c.aspect)
		if err != nil {
			return "", err
		}
		rd.Figures = append(rd.Figures, figure{Title: c.name, SVG: s})
	}
	var buf bytes.Buffer
	if err := sweepReportTemplate.Execute(&buf, rd); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "report.html")
	return out, writeAtomic(out, &buf)
}

// sweepReportTemplate is the whole report page of a sweep.
var sweepReportTemplate = template.Must(template.New("sweep").Parse(reportHead + `{{define "headline"}}<table class="aggregate headline">
<tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>{{with .Note}}<p>{{.}}</p>{{end}}{{end}}
{{template "head" .}}
<body>
<h1>{{.Title}}</h1>
{{with .Manifest}}
<table class="summary">
<tr><th>scenario</th><td>{{.Scenario}}</td></tr>
<tr><th>scenario digest</th><td><code>{{.ScenarioDigest}}</code></td></tr>
<tr><th>base seed</th><td>{{.Seed}}</td></tr>
<tr><th>design</th><td>{{$.Design}}</td></tr>
<tr><th>varied</th><td>{{range .Plan.Vary}}{{.Path}} = {{.Values}}<br>{{else}}nothing: replicates of the scenario{{end}}</td></tr>
<tr><th>runs</th><td>{{.Runs}}</td></tr>
<tr><th>ecosim version</th><td>{{.Version}}</td></tr>
{{if .ResultsFingerprint}}<tr><th>results fingerprint</th><td><code>{{.ResultsFingerprint}}</code></td></tr>{{end}}
</table>
{{end}}
{{with .Sensitivity}}
<h2>Sensitivity: partial rank correlation of each figure with each varied path [95% interval]</h2>
<p>Over the runs of the design (of a sobol design, its A and B samples): the rank correlation of a varied path and a figure once the other paths' effects
are taken out of both (PRCC). Near ±1, the figure follows the path closely; an interval that spans 0 is no effect
the runs resolve. Every figure's coefficients, and the plain rank correlations, are in <code>sensitivity.csv</code>.</p>
{{template "headline" .}}
{{end}}
{{with .SobolFirst}}
<h2>Sobol' indices: the share of each figure's variance each varied path accounts for [95% bootstrap interval]</h2>
<p>From Saltelli's design, each figure taken as the mean of a point's replicates. The first-order index is the share a
path accounts for on its own; the total-effect index adds what it does through interactions with the others, so a total
well above the first-order index is a path that acts through others, and a total near 0 a path that could be fixed
anywhere in its range. The first-order table's last row, where the points have two replicates or more, is the share of each
figure's variance that is the replicates' own noise in the points' means: the indices count it as variance no path
explains, so a large share lowers the first-order indices and raises the totals; more replicates shrink it. The indices
of every figure are in <code>sobol.csv</code>.</p>
<h3>{{.What}}</h3>
{{template "headline" .}}
{{end}}
{{with .SobolTotal}}
<h3>{{.What}}</h3>
{{template "headline" .}}
{{end}}
{{with .Morris}}
<h2>Morris screening: {{.What}}, mu* [95% bootstrap interval] σ sigma</h2>
<p>Each trajectory of the design moves one varied path at a time by two thirds of its range; an elementary effect is the
figure's change per the path's whole range. mu*, the mean of their absolute values, says how far the figure moves with
the path at all; sigma, their standard deviation, how much that depends on where the others are (interactions) or on
where the path is (a curve). A path with mu* near 0 can be fixed anywhere in its range. Every figure's effects are in
<code>morris.csv</code>.</p>
{{template "headline" .}}
{{end}}
{{with .Headline}}
<h2>Headline: {{.What}} at each point, mean [95% interval] over its replicates</h2>
{{template "headline" .}}
{{if .Single}}<p>A value without an interval is one run's: <code>--reps 2</code> or more gives intervals.</p>{{end}}
{{end}}
{{with .Contrast}}
<h2>Paired: {{.What}}, mean [95% interval] over the pairs of replicates</h2>
<p>Replicate r of every point runs from the same seed, so each point is compared with its baseline run by run:
an interval that excludes 0 is a difference the replicates resolve, even where the two points' own intervals above overlap.
Every figure's differences are in <code>contrasts.csv</code>.</p>
{{template "headline" .}}
{{end}}
{{with .Crossings}}
<h2>Crossings: where each figure first reaches its level as {{$.Axis}} grows</h2>
<p>Found replicate by replicate, between the two values where its figure passes the level; mean [95% interval]
over the replicates that reach it within the sweep, and how many do.</p>
{{template "headline" .}}
{{end}}
<h2>Charts</h2>
{{template "figures" .}}
<h2>Aggregate: mean, standard deviation and 95% confidence interval per point</h2>
<table class="aggregate">
<tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
</body>
</html>
`))
