//go:build !amd64

package prefetch

// Lines would start loading the cache line of every address in addrs;
// this processor has no implementation, so it does nothing.
func Lines(addrs []uintptr) {}

// Goroutine would return where the runtime keeps the calling goroutine's
// descriptor; here it returns 0, which Lines never reads.
func Goroutine() uintptr { return 0 }
