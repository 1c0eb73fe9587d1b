// Package plots draws ecosim's charts with gonum/plot from recorded data
// only — metrics.csv, control/metrics.csv, resilience.json, events.jsonl and
// snapshots — so any run can be redrawn later, and writes the
// self-contained HTML report.
//
// Outline: Load reads a run directory (Run); the *Data functions turn it
// into the exact series, bands and markers each chart shows (tested against
// golden files); the draw functions turn those into gonum plots; Save
// encodes a chart as PNG, SVG or PDF through a temporary file and a rename;
// DrawRun does all of it for a run and Report writes report.html.
package plots
