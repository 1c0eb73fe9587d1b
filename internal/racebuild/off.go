//go:build !race

// Package racebuild tells tests whether they run under the race detector,
// which makes the simulator ten to a hundred times slower and allows at
// most 8,128 live goroutines: long or large runs are shortened or skipped
// under it, and run at full length in a build without it.
package racebuild

// Enabled reports whether the race detector is compiled in.
const Enabled = false
