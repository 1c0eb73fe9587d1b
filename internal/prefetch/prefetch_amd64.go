package prefetch

// Lines starts loading the cache line of every address in addrs, into
// every level of the cache. An address need not be mapped: a prefetch
// never faults.
//
//go:noescape
func Lines(addrs []uintptr)

// Goroutine returns where the runtime keeps the calling goroutine's
// descriptor (its g), as a number to prefetch and nothing else: resuming a
// goroutine writes to its descriptor first, and another goroutine
// can ask for it ahead. It reads the thread-local slot the runtime's own
// assembly reads the running goroutine from. A descriptor is never moved,
// so the number stays right for the goroutine's life; were a runtime to
// keep something else in that slot, the prefetches would be wasted, never
// wrong.
func Goroutine() uintptr
