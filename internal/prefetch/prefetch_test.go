package prefetch_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/ecosim/ecosim/internal/prefetch"
)

// TestLinesNeverFaults hands Lines addresses no program may read: the nil
// page, the top of the address space, and ones that are not aligned. A
// prefetch is a hint, so none may fault, and the addresses are left as
// they were; a load in the loop instead of a prefetch would crash here.
func TestLinesNeverFaults(t *testing.T) {
	addrs := []uintptr{0, 8, 63, 4095, ^uintptr(0), ^uintptr(0) &^ 63, 1 << 47}
	want := append([]uintptr(nil), addrs...)
	prefetch.Lines(addrs)
	prefetch.Lines(nil)
	prefetch.Lines(addrs[:0])
	for i := range addrs {
		if addrs[i] != want[i] {
			t.Fatalf("Lines changed address %d: %#x, want %#x", i, addrs[i], want[i])
		}
	}
}

// BenchmarkGather adds up values at random places in an array far larger
// than the caches, a block at a time, each followed by a chain of
// arithmetic on the sum (body steps), as routing a message is followed by
// its bookkeeping: read one by one, or prefetched as a block first. The
// longer the body, the fewer loads the processor's window of instructions
// holds at once; the ratio of the two is what prefetching a block of
// scattered lines buys.
func BenchmarkGather(b *testing.B) {
	const cells, block = 1 << 25, 512 // 256 MiB of float64
	data := make([]float64, cells)
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([]int32, 1<<20)
	for i := range idx {
		idx[i] = int32(r.IntN(cells))
		data[idx[i]] = float64(i)
	}
	for _, body := range []int{0, 8} {
		for _, pf := range []bool{false, true} {
			name := fmt.Sprintf("body=%d/loads", body)
			if pf {
				name = fmt.Sprintf("body=%d/prefetched", body)
			}
			b.Run(name, func(b *testing.B) {
				lines := make([]uintptr, 0, block)
				s := 0.0
				for b.Loop() {
					for lo := 0; lo < len(idx); lo += block {
						blk := idx[lo : lo+block]
						if pf {
							lines = lines[:0]
							for _, i := range blk {
								lines = append(lines, uintptr(unsafe.Pointer(&data[i])))
							}
							prefetch.Lines(lines)
						}
						for _, i := range blk {
							s += data[i]
							for range body {
								s = s*0.999 + 1
							}
						}
					}
				}
				if s < 0 {
					b.Fatal("negative sum")
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(idx)), "ns/value")
			})
		}
	}
}

// TestGoroutine checks what actors mode's read-ahead relies on: a
// goroutine's number is the same every time it asks, also after its stack
// has grown and moved, and goroutines alive at once have different
// numbers. On processors without an implementation every number is 0.
func TestGoroutine(t *testing.T) {
	const n = 8
	var got [n][2]uintptr
	var wg sync.WaitGroup
	hold := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i][0] = prefetch.Goroutine()
			deep(200) // grows the stack past its first size, so it moves
			got[i][1] = prefetch.Goroutine()
			<-hold // stay alive until every goroutine has asked
		}()
	}
	for range n {
		runtime.Gosched()
	}
	close(hold)
	wg.Wait()
	seen := map[uintptr]int{}
	for i, g := range got {
		if g[0] != g[1] {
			t.Errorf("goroutine %d: %#x before its stack grew, %#x after", i, g[0], g[1])
		}
		if runtime.GOARCH != "amd64" {
			if g[0] != 0 {
				t.Errorf("goroutine %d: %#x, want 0 on %s", i, g[0], runtime.GOARCH)
			}
			continue
		}
		if j, ok := seen[g[0]]; ok {
			t.Errorf("goroutines %d and %d, alive at once, both %#x", j, i, g[0])
		}
		seen[g[0]] = i
	}
}

// deep recurses with a frame of 1 KiB, enough at 200 to outgrow a new
// goroutine's stack.
func deep(n int) byte {
	var pad [1024]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return pad[0]
	}
	return deep(n-1) + pad[n%len(pad)]
}
