package plots

import "html/template"

// reportHead holds what both reports share — the page head (styles inline,
// no scripts and no external resources, so a report opens anywhere,
// offline) and the inline charts.
const reportHead = `{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
table.aggregate { display: block; max-width: 100%; overflow-x: auto; }
table.headline td { white-space: nowrap; }
figure { margin: 1.5rem 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: 0.9rem; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; }
code { font-size: 0.85rem; }
</style>
</head>{{end}}{{define "figures"}}{{range .Figures}}<figure class="chart">
{{.SVG}}
<figcaption>{{.Title}}</figcaption>
</figure>
{{end}}{{end}}`

// reportTemplate is the whole report page of a run.
var reportTemplate = template.Must(template.New("report").Parse(reportHead + `{{template "head" .}}
<body>
<h1>{{.Title}}</h1>
{{with .Run.Summary}}
<table class="summary">
<tr><th>scenario</th><td>{{.Scenario}}</td></tr>
<tr><th>seed</th><td>{{.Seed}}</td></tr>
<tr><th>ecosim version</th><td>{{.Version}}</td></tr>
{{if .ResultsFingerprint}}<tr><th>results fingerprint</th><td><code>{{.ResultsFingerprint}}</code></td></tr>{{end}}
<tr><th>status</th><td>{{.Status}}{{if .Error}}: {{.Error}}{{end}}</td></tr>
<tr><th>ticks</th><td>{{.TicksDone}} of {{.Ticks}}</td></tr>
<tr><th>mode</th><td>{{.Mode}}</td></tr>
<tr><th>agents at start, at end</th><td>{{.Agents.Initial}}, {{.Agents.Final}}</td></tr>
<tr><th>wall time</th><td>{{printf "%.2f" .WallSeconds}} s</td></tr>
<tr><th>scenario digest</th><td><code>{{.ScenarioDigest}}</code></td></tr>
<tr><th>metrics.csv digest</th><td><code>{{.Digests.Metrics}}</code></td></tr>
<tr><th>events.jsonl digest</th><td><code>{{.Digests.Events}}</code></td></tr>
</table>
{{end}}
{{if .Resilience}}
<h2>Resilience against the paired control</h2>
<p>First failure at tick {{.Run.Resilience.FirstFailure}}; recovered means the ratio to the control stays at or above
{{.Run.Resilience.RecoveryThreshold}} for {{.Run.Resilience.Settle}} ticks. Loss is the area between the ratio and 1
from the first failure to the end, in ratio × ticks.</p>
<table class="resilience">
<tr><th>indicator</th><th>baseline</th><th>resistance</th><th>recovery time [ticks]</th><th>loss</th><th>final ratio</th></tr>
{{range .Resilience}}<tr><td>{{.Name}}</td><td>{{.Baseline}}</td><td>{{.Resistance}}</td><td>{{.Recovery}}</td><td>{{.Loss}}</td><td>{{.Final}}</td></tr>
{{end}}</table>
{{end}}
<h2>Charts</h2>
{{template "figures" .}}
<h2>Scenario as run</h2>
<pre>{{.Scenario}}</pre>
</body>
</html>
`))
