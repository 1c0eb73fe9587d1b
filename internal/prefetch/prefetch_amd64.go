package prefetch

// Lines starts loading the cache line of every address in addrs, into
// every level of the cache. An address need not be mapped: a prefetch
// never faults.
//
//go:noescape
func Lines(addrs []uintptr)
