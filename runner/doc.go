// Package runner runs one scenario into a run directory: the resolved
// scenario, metrics.csv, events.jsonl and summary.json. The directory is
// built under a temporary name beside its destination and renamed into place
// at the end, so an interrupted or failed write never leaves a half-written
// result where a finished one is expected.
package runner
