package sim_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"runtime"
	"testing"

	"github.com/ecosim/ecosim/internal/racebuild"
	"github.com/ecosim/ecosim/sim"
)

// digestRows hashes every indicator row bit for bit.
type digestRows struct{ h [32]byte }

func (d *digestRows) Tick(tick int, row []float64) error {
	buf := make([]byte, 8*(len(row)+1)+32)
	copy(buf, d.h[:])
	binary.LittleEndian.PutUint64(buf[32:], uint64(tick))
	for i, v := range row {
		binary.LittleEndian.PutUint64(buf[40+8*i:], math.Float64bits(v))
	}
	d.h = sha256.Sum256(buf)
	return nil
}
func (d *digestRows) Event(sim.Event) error { return nil }

// TestLargeWorldIsDeterministic runs a forest of 100,000 agents for a few
// ticks under GOMAXPROCS 1 and 2, in shards mode and (without the race
// detector, whose goroutine limit it would exceed) in actors mode: the
// indicator rows must be bit-identical.
func TestLargeWorldIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("large world")
	}
	run := func(mode sim.Mode, procs int) [32]byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s := scaled(t, 100_000)
		s.Ticks = 4
		_, e, err := s.Build(mode, 0)
		if err != nil {
			t.Fatal(err)
		}
		d := &digestRows{}
		e.Observe(d)
		if err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return d.h
	}
	ref := run(sim.ModeShards, 2)
	if got := run(sim.ModeShards, 1); got != ref {
		t.Fatal("shards with GOMAXPROCS=1 differs from GOMAXPROCS=2")
	}
	if racebuild.Enabled {
		t.Log("actors mode skipped: 100,000 goroutines exceed the race detector's limit")
		return
	}
	if got := run(sim.ModeActors, 2); got != ref {
		t.Fatal("actors differs from shards")
	}
}

// digestForest runs the 3,752-agent forest for 80 ticks, long enough for
// the fungal network to carry carbon and warnings, with set applied to the
// engine first, and returns the digest of its rows.
func digestForest(t *testing.T, set func(*sim.Engine)) ([32]byte, *sim.Engine) {
	t.Helper()
	s := scaled(t, 3752)
	s.Ticks = 80
	_, e, err := s.Build(sim.ModeShards, 0)
	if err != nil {
		t.Fatal(err)
	}
	set(e)
	d := &digestRows{}
	e.Observe(d)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := e.Transport.Counts(); c.Delivered < 1000 {
		t.Fatalf("only %d messages delivered", c.Delivered)
	}
	return d.h, e
}

// TestSplitDeliveryIsDeterministic runs the forest with delivery split at
// every tick (GOMAXPROCS 2), serial (GOMAXPROCS 1), and split into bands
// taken one after another (GOMAXPROCS 1), long enough for the fungal
// network to carry carbon and warnings: the rows must be bit-identical.
func TestSplitDeliveryIsDeterministic(t *testing.T) {
	run := func(procs int) ([32]byte, int) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		h, e := digestForest(t, func(e *sim.Engine) { sim.SplitDeliveryFrom(e, 1) })
		return h, sim.SplitDeliveries(e)
	}
	ref, splits := run(2)
	if splits < 70 {
		t.Fatalf("delivery split at %d ticks of 80", splits)
	}
	if got, serial := run(1); got != ref || serial != 0 {
		t.Fatalf("split and serial delivery differ (serial run split %d ticks)", serial)
	}
	// On one core, bands taken one after another must give the same.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	h, e := digestForest(t, func(e *sim.Engine) { sim.SplitDeliveryFrom(e, 1); sim.SplitDeliveryAloneFrom(e, 1) })
	if alone := sim.SplitDeliveries(e); h != ref || alone < 70 {
		t.Fatalf("bands on one core: split %d ticks of 80, rows equal: %v", alone, h == ref)
	}
}

// TestReadAheadChangesNothing runs the forest with the local apply reading
// every block ahead and with it never doing so: reading ahead only loads,
// so the rows must be bit-identical.
func TestReadAheadChangesNothing(t *testing.T) {
	run := func(from int) ([32]byte, int) {
		h, e := digestForest(t, func(e *sim.Engine) { sim.WarmApplyFrom(e, from) })
		return h, sim.WarmedApplies(e)
	}
	ref, warmed := run(0)
	if warmed != 80 {
		t.Fatalf("read ahead at %d ticks of 80", warmed)
	}
	if got, never := run(math.MaxInt); got != ref || never != 0 {
		t.Fatalf("reading ahead changed the rows (%d ticks read ahead without it)", never)
	}
}

// TestChosenCoresAreDeterministic runs the forest on 2 cores with its
// ticks moving between the engine's goroutine alone and both goroutines
// (windows of 3 ticks, the first trial after one), in both modes: the rows
// must be those of the runs pinned to 1 worker and to 2, and ticks must
// have run each way.
func TestChosenCoresAreDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
		var by map[int]int
		run := func(workers int, adapt bool) ([32]byte, sim.Timings) {
			s := scaled(t, 3752)
			s.Ticks = 60
			_, e, err := s.Build(mode, workers)
			if err != nil {
				t.Fatal(err)
			}
			if adapt {
				sim.ChooseCoresFrom(e, 3)
			}
			d := &digestRows{}
			e.Observe(d)
			// In two runs, as a failure run carries on from its control.
			if err := e.Advance(context.Background(), 25); err != nil {
				t.Fatal(err)
			}
			if err := e.Advance(context.Background(), 35); err != nil {
				t.Fatal(err)
			}
			by = e.TicksByWorkers()
			return d.h, e.Timings()
		}
		one, _ := run(1, false)
		two, _ := run(2, false)
		got, tm := run(2, true)
		if one != two || got != one {
			t.Errorf("%v: the rows differ: pinned to 1 worker %x, to 2 %x, chosen %x", mode, one[:4], two[:4], got[:4])
		}
		// Four workers under GOMAXPROCS 4 on the two cores, as on a
		// machine of four: the chooser's ladder is 1, 2, 4.
		runtime.GOMAXPROCS(4)
		four, _ := run(4, true)
		runtime.GOMAXPROCS(2)
		if four != one {
			t.Errorf("%v: the rows differ: pinned to 1 worker %x, chosen among 4 %x", mode, one[:4], four[:4])
		} else if len(by) < 2 {
			t.Errorf("%v, 4 workers: ticks by goroutines %v; the test wants more than one count", mode, by)
		} else {
			t.Logf("%v, 4 workers: ticks by goroutines %v", mode, by)
		}
		if tm.Alone == 0 || tm.Alone == tm.Ticks {
			t.Errorf("%v: %d of %d ticks alone; the test wants both ways", mode, tm.Alone, tm.Ticks)
		}
		t.Logf("%v: %d of %d ticks alone", mode, tm.Alone, tm.Ticks)
	}
}
