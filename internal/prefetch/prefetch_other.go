//go:build !amd64

package prefetch

// Lines would start loading the cache line of every address in addrs;
// this processor has no implementation, so it does nothing.
func Lines(addrs []uintptr) {}
