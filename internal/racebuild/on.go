//go:build race

package racebuild

// Enabled reports whether the race detector is compiled in.
const Enabled = true
