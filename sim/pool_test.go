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

// TestPoolReadyWakesRestingHelpers sends the helpers to rest, as actors
// mode's decide does, checks they stay parked, then readies the pool, as
// the decide's last runs do, and checks they wake to poll before any step
// opens; a step then still runs every piece. Its helpers poll for an hour
// once awake, so that none parks again before the check sees it awake.
func TestPoolReadyWakesRestingHelpers(t *testing.T) {
	const helpers = 2
	p := newPoolSpin(helpers, time.Hour)
	defer p.close()
	p.rest()
	deadline := time.Now().Add(5 * time.Second)
	for int(p.parked.Load()) < helpers && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond) // resting, they must not wake on their own
	if k := p.parked.Load(); k != helpers {
		t.Fatalf("%d of %d helpers parked while resting", k, helpers)
	}
	p.ready()
	if p.resting.Load() {
		t.Fatal("still resting after ready")
	}
	woke := false
	for deadline := time.Now().Add(5 * time.Second); !woke && time.Now().Before(deadline); {
		woke = p.parked.Load() < helpers
	}
	if !woke {
		t.Fatal("no helper woke after ready")
	}
	var ran atomic.Int32
	p.run(10, func(int) { ran.Add(1) })
	if ran.Load() != 10 {
		t.Fatalf("%d of 10 pieces ran after ready", ran.Load())
	}
}
