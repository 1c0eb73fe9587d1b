//go:build !race

// Package racebuild tells tests whether they run under the race detector,
// which makes the simulator 10 to 20 times slower here (the forest's 1,000
// ticks with their checks: 3 s without it, 27–67 s with it) and allows at
// most 8,128 live goroutines: long or large runs are shortened or skipped
// under it, and run at full length in a build without it.
package racebuild

// Enabled reports whether the race detector is compiled in.
const Enabled = false
