package sim

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolRunsEveryPieceOnce runs many steps, some after a pause long
// enough for the helpers to park, and checks every piece of every step ran
// exactly once and that run returned only after all of them.
func TestPoolRunsEveryPieceOnce(t *testing.T) {
	for _, helpers := range []int{1, 3} {
		p := newPool(helpers)
		for step := range 60 {
			if step%10 == 9 {
				// Let the helpers park; run must then wake them.
				deadline := time.Now().Add(5 * time.Second)
				for int(p.parked.Load()) < helpers && time.Now().Before(deadline) {
					time.Sleep(poolSpin)
				}
				if k := p.parked.Load(); int(k) != helpers {
					t.Fatalf("%d helpers: %d parked after a long pause", helpers, k)
				}
			}
			n := 1 + step%17*7
			counts := make([]atomic.Int32, n)
			p.run(n, func(i int) {
				if i%5 == 0 {
					time.Sleep(50 * time.Microsecond) // uneven pieces
				}
				counts[i].Add(1)
			})
			for i := range counts {
				if c := counts[i].Load(); c != 1 {
					t.Fatalf("%d helpers, step %d: piece %d ran %d times", helpers, step, i, c)
				}
			}
		}
		p.close() // goleak, in TestMain, checks the helpers are gone
	}
}
