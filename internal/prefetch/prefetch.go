// Package prefetch asks the processor to start loading cache lines that a
// loop is about to read in no order it can predict. It has no effect on
// what any program computes: a prefetch is a hint, and on processors
// without an implementation here Lines does nothing and Goroutine
// returns 0.
package prefetch
