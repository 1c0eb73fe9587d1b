package agents_test

import (
	"math"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
)

// TestPreparedRecordSameRows runs the forest, with its hub attack and
// drought brought forward, once on one worker, where every row is worked
// out in the record phase, and once on two, where the graph walks and cell
// sums of every row are worked out beside delivery (PrepareRecord): the
// rows must be the same to the bit. The attack kills trees in the
// environment phase, after the network's components were labelled, so
// the prepared walks must see the network as the attack left it.
func TestPreparedRecordSameRows(t *testing.T) {
	const ticks = 60
	run := func(workers int) (*series, int) {
		s, err := scenarios.Load("forest", []string{"failures[0].at=20", "failures[1].at=30", "failures[1].duration=20"})
		if err != nil {
			t.Fatal(err)
		}
		s.Ticks = ticks
		rec, m, _ := runSeries(t, s, workers)
		return rec, m.PreparedRows()
	}
	one, prepOne := run(1)
	two, prepTwo := run(2)
	if prepOne != 0 || prepTwo != ticks {
		t.Fatalf("rows using prepared sums: %d on one worker (want 0), %d on two (want %d)", prepOne, prepTwo, ticks)
	}
	if len(one.rows) != ticks+1 || len(two.rows) != ticks+1 {
		t.Fatalf("rows: %d and %d, want %d", len(one.rows), len(two.rows), ticks+1)
	}
	for tick := range one.rows {
		for i, v := range one.rows[tick] {
			if w := two.rows[tick][i]; math.Float64bits(v) != math.Float64bits(w) {
				t.Fatalf("tick %d, %s: %v on one worker, %v on two", tick, one.names[i], v, w)
			}
		}
	}
	// The attack must have changed the network the walks read.
	giant := one.col("giant_component")
	if giant[19] == giant[21] {
		t.Fatalf("giant component unchanged by the attack at tick 20: %v", giant[15:25])
	}
}
