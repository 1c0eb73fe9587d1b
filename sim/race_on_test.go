//go:build race

package sim_test

// raceEnabled: the race detector allows at most 8,128 live goroutines, so
// actors-mode runs of large worlds are skipped under it.
const raceEnabled = true
