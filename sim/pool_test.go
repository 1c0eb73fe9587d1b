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

// TestPoolRunsOnTheActiveGoroutines: with fewer goroutines active than the
// pool has, a step's pieces run once each on the active ones only, however
// the count changes from step to step, and the helpers left out park while
// the others keep stepping, rather than poll.
func TestPoolRunsOnTheActiveGoroutines(t *testing.T) {
	const helpers = 3
	// Idle helpers poll for a minute: only the helpers left out park.
	p := newPoolSpin(helpers, time.Minute)
	defer p.close()
	for step := range 200 {
		active := 1 + step*7%(helpers+1)
		p.setActive(active)
		n := 1 + step%13*5
		counts := make([]atomic.Int32, n)
		var outside atomic.Int32
		p.runBy(n, func(i, w int) {
			if w >= active {
				outside.Add(1)
			}
			if i%4 == 0 {
				time.Sleep(20 * time.Microsecond)
			}
			counts[i].Add(1)
		})
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("step %d, %d active: piece %d ran %d times", step, active, i, c)
			}
		}
		if k := outside.Load(); k > 0 {
			t.Fatalf("step %d, %d active: %d pieces ran on goroutines left out", step, active, k)
		}
	}
	// Two of four active, stepping without pause: the two helpers left
	// out must park, where helpers polling would go on for a minute.
	p.setActive(2)
	deadline := time.Now().Add(5 * time.Second)
	parked := func() int {
		k := 0
		for w := 2; w < len(p.idle); w++ {
			if p.idle[w].parked.Load() {
				k++
			}
		}
		return k
	}
	k := parked()
	for k < helpers-1 && time.Now().Before(deadline) {
		p.run(8, func(int) {})
		k = parked()
	}
	// Read once: a helper woken by a wake-up left over from before parks
	// again at once, but a second reading could fall between the two.
	if k != helpers-1 {
		t.Fatalf("%d of %d helpers left out parked", k, helpers-1)
	}
	// Every goroutine back: each must take part again.
	p.setActive(helpers + 1)
	var seen [helpers + 1]atomic.Bool
	for step := 0; step < 1000 && !allSet(seen[:]); step++ {
		p.runBy(64, func(i, w int) {
			seen[w].Store(true)
			time.Sleep(10 * time.Microsecond)
		})
	}
	if !allSet(seen[:]) {
		t.Errorf("with every goroutine active again, not all took part in 1,000 steps")
	}
}

func allSet(bs []atomic.Bool) bool {
	for i := range bs {
		if !bs[i].Load() {
			return false
		}
	}
	return true
}
