package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// sameFiles fails unless dirs a and b hold the same bytes under each name.
func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, n := range names {
		x, err := os.ReadFile(filepath.Join(a, n))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
}

// TestFailureRunCarriesOnFromItsControl: a failure run takes its control's
// state at the tick before its first failure, and writes what it writes
// run alone from tick 0 (NoControl), snapshots of the ticks before
// included; the control writes what it writes alone. Progress climbs to
// the end without a step back.
func TestFailureRunCarriesOnFromItsControl(t *testing.T) {
	for _, c := range []struct {
		name string
		sets []string
		mode sim.Mode
	}{
		{"forest", []string{"ticks=160", "failures[0].at=100", "failures[1].at=130", "failures[1].duration=20"}, sim.ModeShards},
		{"topology", []string{"ticks=150"}, sim.ModeActors},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := scenarios.Load(c.name, c.sets)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			snaps := []int{0, 50, 99, 100, 150}
			var mu sync.Mutex
			var seen []int
			total := 0
			progress := func(done, all int) {
				mu.Lock()
				defer mu.Unlock()
				if n := len(seen); n > 0 && done < seen[n-1] {
					t.Errorf("progress went back from %d to %d", seen[n-1], done)
				}
				seen, total = append(seen, done), all
			}
			o := Options{Scenario: s, Mode: c.mode, Snapshots: snaps}
			run := func(out string, s *scenarios.Scenario, noControl bool, p func(int, int)) *Summary {
				o := o
				o.Out, o.Scenario, o.NoControl, o.Progress = filepath.Join(dir, out), s, noControl, p
				sum, err := Run(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				return sum
			}
			paired := run("paired", s, false, progress)
			alone := run("alone", s, true, nil)
			run("control", s.Control(), true, nil)
			if paired.ForkedAt != s.FirstFailure()-1 || alone.ForkedAt != 0 {
				t.Fatalf("forked at %d and %d, want %d and 0", paired.ForkedAt, alone.ForkedAt, s.FirstFailure()-1)
			}
			var files []string
			for _, tick := range snaps {
				files = append(files, SnapshotFile(tick))
			}
			sameFiles(t, filepath.Join(dir, "paired"), filepath.Join(dir, "alone"), append(files, "metrics.csv", "events.jsonl")...)
			sameFiles(t, filepath.Join(dir, "paired", "control"), filepath.Join(dir, "control"), "metrics.csv", "events.jsonl")
			if paired.Digests != alone.Digests || fmt.Sprint(paired.Agents) != fmt.Sprint(alone.Agents) || fmt.Sprint(paired.Final) != fmt.Sprint(alone.Final) {
				t.Errorf("the paired run's summary says\n%+v %+v\nrun alone\n%+v %+v", paired.Digests, paired.Agents, alone.Digests, alone.Agents)
			}
			if len(seen) == 0 || seen[len(seen)-1] != total || seen[0] > 1 {
				t.Errorf("progress: %d calls, from %v to %v of %d", len(seen), seen[:min(1, len(seen))], seen[max(0, len(seen)-1):], total)
			}
		})
	}
}

// TestSharedControlsCarryOnFromOneCheckpoint: runs of two hub-kill
// fractions and two seeds, 4 at once, share a control and its checkpoint
// per seed; each gives the digests it gives run alone from tick 0. A run
// whose failure comes before the checkpoint runs from the start.
func TestSharedControlsCarryOnFromOneCheckpoint(t *testing.T) {
	c, _ := NewControls(64<<20, 64<<20, "")
	var wg sync.WaitGroup
	type run struct{ fraction, seed string }
	runs := []run{{"0.1", "seed=1"}, {"0.3", "seed=1"}, {"0.1", "seed=2"}, {"0.3", "seed=2"}}
	got := make([]*Summary, len(runs))
	for i, r := range runs {
		wg.Go(func() { got[i] = measureTopology(t, c, r.fraction, r.seed) })
	}
	wg.Wait()
	if n := c.Forked(); n != len(runs) {
		t.Errorf("%d runs carried on from a checkpoint, want %d", n, len(runs))
	}
	for i, r := range runs {
		s, err := scenarios.Load("topology", []string{"ticks=120", "failures[0].fraction=" + r.fraction, r.seed})
		if err != nil {
			t.Fatal(err)
		}
		alone, err := Measure(context.Background(), Options{Scenario: s, Workers: 1, NoControl: true})
		if err != nil {
			t.Fatal(err)
		}
		if got[i].ForkedAt != 99 || got[i].Digests != alone.Digests {
			t.Errorf("fraction %s, %s: forked at %d, digests %+v; run alone %+v", r.fraction, r.seed, got[i].ForkedAt, got[i].Digests, alone.Digests)
		}
	}
	early := measureTopology(t, c, "0.1", "seed=1", "failures[0].at=50")
	if early.ForkedAt != 0 || c.Forked() != len(runs) {
		t.Errorf("a failure at tick 50 with the checkpoint at tick 99: forked at %d, %d forked", early.ForkedAt, c.Forked())
	}
}

// TestCheckpointsKeepWhatFits: over their bound, the least recently used
// control lets go of its checkpoint and keeps its series, so a later run
// shares the control and runs from tick 0.
func TestCheckpointsKeepWhatFits(t *testing.T) {
	one := measureTopology(t, nil, "0.1", "seed=1")
	// Room for one topology checkpoint, not two, whatever one weighs.
	probe, _ := NewControls(64<<20, 64<<20, "")
	measureTopology(t, probe, "0.1", "seed=1")
	bound := probe.ckBytes * 3 / 2
	c, _ := NewControls(64<<20, bound, "")
	measureTopology(t, c, "0.1", "seed=1")
	measureTopology(t, c, "0.1", "seed=2")
	again := measureTopology(t, c, "0.3", "seed=2")
	late := measureTopology(t, c, "0.3", "seed=1")
	if again.ForkedAt != 99 || late.ForkedAt != 0 {
		t.Errorf("forked at %d (the newest checkpoint) and %d (the one let go), want 99 and 0", again.ForkedAt, late.ForkedAt)
	}
	if ran, shared := c.Stats(); ran != 2 || shared != 2 {
		t.Errorf("%d controls run and %d shared, want 2 and 2", ran, shared)
	}
	if c.ckBytes > bound || c.ckBytes == 0 {
		t.Errorf("%d bytes of checkpoints kept, bound %d", c.ckBytes, bound)
	}
	if again := measureTopology(t, c, "0.1", "seed=1"); !reflect.DeepEqual(experiment(again), experiment(one)) {
		t.Errorf("a control without its checkpoint gives\n%+v\nwith it\n%+v", experiment(again), experiment(one))
	}
}

// TestInterruptedBeforeTheFork: interrupted while the control runs the
// ticks before the first failure, the failure run keeps them.
func TestInterruptedBeforeTheFork(t *testing.T) {
	s, err := scenarios.Load("topology", []string{"ticks=150"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "r")
	sum, err := Run(ctx, Options{Scenario: s, Out: out, Progress: func(tick, _ int) {
		if tick == 50 {
			cancel()
		}
	}})
	if err == nil || sum == nil || sum.Status != StatusInterrupted || sum.TicksDone != 50 || sum.ForkedAt != 50 {
		t.Fatalf("want interrupted at tick 50, forked there, got %v %+v", err, sum)
	}
	if lines := metricsLines(t, out); lines != 52 { // header + ticks 0..50
		t.Fatalf("metrics.csv has %d lines, want 52", lines)
	}
}

// TestCheckpointGoesWithItsLastRun: told how many runs will ask for a
// control, the Controls let go of its checkpoint once the last has it.
func TestCheckpointGoesWithItsLastRun(t *testing.T) {
	s, err := scenarios.Load("topology", []string{"ticks=120", "seed=1"})
	if err != nil {
		t.Fatal(err)
	}
	key := s.Control().Digest()
	for _, expect := range []int{1, 2} {
		c, _ := NewControls(64<<20, 64<<20, "")
		c.Expect(key, expect)
		for i := range expect {
			if sum := measureTopology(t, c, "0.1", "seed=1"); sum.ForkedAt != 99 {
				t.Fatalf("%d expected, run %d: forked at %d", expect, i, sum.ForkedAt)
			}
		}
		if c.ckBytes != 0 || c.entries[key].ck != nil {
			t.Errorf("%d expected and run: %d bytes of checkpoints kept", expect, c.ckBytes)
		}
		if sum := measureTopology(t, c, "0.1", "seed=1"); sum.ForkedAt != 0 {
			t.Errorf("a run not expected: forked at %d, want 0 (the checkpoint gone)", sum.ForkedAt)
		}
	}
}

// TestInterruptedAtTickZero: a control interrupted before its first tick
// hands over no checkpoint, and the failure run records tick 0 once.
func TestInterruptedAtTickZero(t *testing.T) {
	s, err := scenarios.Load("topology", []string{"ticks=150"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "r")
	sum, err := Run(ctx, Options{Scenario: s, Out: out})
	if err == nil || sum == nil || sum.Status != StatusInterrupted || sum.TicksDone != 0 || sum.ForkedAt != 0 {
		t.Fatalf("want interrupted at tick 0, not forked, got %v %+v", err, sum)
	}
	if lines := metricsLines(t, out); lines != 2 { // header + tick 0
		t.Fatalf("metrics.csv has %d lines, want 2", lines)
	}
}

// metricsLines counts the lines of the run directory's metrics.csv.
func metricsLines(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(data, []byte("\n"))
}

// checkCheckpointBytes fails unless the bytes of checkpoints counted are
// those the controls kept hold.
func checkCheckpointBytes(t *testing.T, c *Controls) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	held := 0
	for el := c.lru.Front(); el != nil; el = el.Next() {
		if e := c.entries[el.Value.(string)]; e.ck != nil {
			held += e.ck.size
		}
	}
	if held != c.ckBytes {
		t.Errorf("%d bytes of checkpoints counted, %d held", c.ckBytes, held)
	}
}

// TestCheckpointsCountedOnce: a checkpoint is counted out once, whether
// its control is evicted for its series first and then let go by a run
// that held the entry, or let go while kept.
func TestCheckpointsCountedOnce(t *testing.T) {
	c, _ := NewControls(8*10, 1<<20, "") // the series of one control
	fake := func(size int) func(context.Context, *capture) (*Summary, map[string][]float64, error, error) {
		return func(_ context.Context, cp *capture) (*Summary, map[string][]float64, error, error) {
			cp.ready(&checkpoint{tick: cp.tick, size: size})
			return &Summary{}, map[string][]float64{"x": make([]float64, 10)}, nil, nil
		}
	}
	cp := func() *capture { return &capture{tick: 10, ready: func(*checkpoint) {}} }
	c.Expect("a", 2)
	c.Expect("b", 2)
	if _, _, _, err := c.getForking(context.Background(), "a", "", cp(), fake(100)); err != nil {
		t.Fatal(err)
	}
	a := c.entries["a"]
	checkCheckpointBytes(t, c)
	if c.ckBytes != 100 {
		t.Fatalf("%d bytes counted, want 100", c.ckBytes)
	}
	// b's series push a's out; a run that held a's entry then lets go of
	// its checkpoint.
	if _, _, _, err := c.getForking(context.Background(), "b", "", cp(), fake(30)); err != nil {
		t.Fatal(err)
	}
	c.letGo(a)
	checkCheckpointBytes(t, c)
	if c.ckBytes != 30 {
		t.Errorf("%d bytes counted, want 30 (b's)", c.ckBytes)
	}
	// b's last run lets go of b's, which is kept.
	if _, _, _, err := c.getForking(context.Background(), "b", "", cp(), fake(30)); err != nil {
		t.Fatal(err)
	}
	checkCheckpointBytes(t, c)
	if c.ckBytes != 0 {
		t.Errorf("%d bytes counted, want 0", c.ckBytes)
	}
}
