package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// measureTopology measures the topology scenario with the hub kill of the
// given fraction, sharing controls through c (none when nil).
func measureTopology(t *testing.T, c *Controls, fraction string, sets ...string) *Summary {
	t.Helper()
	s, err := scenarios.Load("topology", append([]string{"ticks=120", "failures[0].fraction=" + fraction}, sets...))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Measure(context.Background(), Options{Scenario: s, Workers: 1, Controls: c})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// experiment is what a sum says of the experiment, wall times left out.
func experiment(s *Summary) any {
	c := *s.Control
	c.WallSeconds, c.Phases = 0, PhaseSeconds{}
	return []any{s.Final, s.Resilience, s.Digests, c}
}

// TestSharedControlsChangeNothing: runs of two hub-kill fractions (one
// twice), 6 at once, share one control per seed, two seeds; each gives
// what it gives with a control of its own. A run of another world shares
// none of them.
func TestSharedControlsChangeNothing(t *testing.T) {
	c, _ := NewControls(1<<20, 64<<20, "")
	fractions := []string{"0.1", "0.3", "0.1"}
	seeds := []string{"seed=1", "seed=2"}
	got := make([]*Summary, len(fractions)*len(seeds))
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = measureTopology(t, c, fractions[i%3], seeds[i/3]) })
	}
	wg.Wait()
	if ran, shared := c.Stats(); ran != 2 || shared != 4 {
		t.Fatalf("%d controls run, %d shared; want 2 and 4", ran, shared)
	}
	for i, g := range got {
		alone := measureTopology(t, nil, fractions[i%3], seeds[i/3])
		if !reflect.DeepEqual(experiment(g), experiment(alone)) {
			t.Errorf("fraction %s, %s: shared control gives\n%+v\nits own gives\n%+v", fractions[i%3], seeds[i/3], experiment(g), experiment(alone))
		}
	}
	measureTopology(t, c, "0.1", "seed=1", "network.nodes=150")
	if ran, shared := c.Stats(); ran != 3 || shared != 4 {
		t.Errorf("another world: %d controls run, %d shared; want 3 and 4", ran, shared)
	}
}

// get is getForking for a run without a checkpoint to carry on from.
func (c *Controls) get(ctx context.Context, key, into string, run func(context.Context) (*Summary, map[string][]float64, error, error)) (*Summary, map[string][]float64, error, error) {
	return c.getForking(ctx, key, into, nil, func(ctx context.Context, _ *capture) (*Summary, map[string][]float64, error, error) { return run(ctx) })
}

// fakeControl is a control run that returns a series of n values.
func fakeControl(runs *int, n int) func(context.Context) (*Summary, map[string][]float64, error, error) {
	return func(context.Context) (*Summary, map[string][]float64, error, error) {
		*runs++
		return &Summary{}, map[string][]float64{"x": make([]float64, n)}, nil, nil
	}
}

// TestControlsKeepWhatFits: controls are let go least recently used first
// once their series pass the bound, and one larger than the bound is not
// kept at all; a control the model failed in is kept, being its result.
func TestControlsKeepWhatFits(t *testing.T) {
	ctx := context.Background()
	c, _ := NewControls(3*8*10, 64<<20, "") // three controls of 10 values
	runs := 0
	for _, k := range []string{"a", "b", "c", "a", "d"} { // d pushes out b, the least recently used
		c.get(ctx, k, "", fakeControl(&runs, 10))
	}
	if runs != 4 {
		t.Fatalf("%d runs, want 4 (a, b, c, d)", runs)
	}
	// b last: running it again pushes another out.
	for _, k := range []struct {
		key   string
		again bool
	}{{"a", false}, {"c", false}, {"d", false}, {"b", true}} {
		before := runs
		c.get(ctx, k.key, "", fakeControl(&runs, 10))
		if (runs > before) != k.again {
			t.Errorf("%s run again: %v, want %v", k.key, runs > before, k.again)
		}
	}
	runs = 0
	c.get(ctx, "big", "", fakeControl(&runs, 100))
	c.get(ctx, "big", "", fakeControl(&runs, 100))
	if runs != 2 {
		t.Errorf("a control over the bound ran %d times, want 2 (not kept)", runs)
	}
	failed := func(context.Context) (*Summary, map[string][]float64, error, error) {
		runs++
		return &Summary{}, nil, sim.ErrNumerical, nil
	}
	runs = 0
	for range 2 {
		if _, _, runErr, _ := c.get(ctx, "nan", "", failed); !errors.Is(runErr, sim.ErrNumerical) {
			t.Fatalf("the model's failure: %v", runErr)
		}
	}
	if runs != 1 {
		t.Errorf("a control the model failed in ran %d times, want 1", runs)
	}
}

// TestInterruptedControlIsRunAgain: a control whose run is interrupted
// with the run that started it is not kept; a run waiting for it runs it
// for itself, and one whose own context ends while it waits is
// interrupted.
func TestInterruptedControlIsRunAgain(t *testing.T) {
	c, _ := NewControls(1<<20, 64<<20, "")
	started, stop := make(chan struct{}), make(chan struct{})
	first := func(context.Context) (*Summary, map[string][]float64, error, error) {
		close(started)
		<-stop
		return nil, nil, fmt.Errorf("stopped: %w", sim.ErrInterrupted), nil
	}
	go c.get(context.Background(), "k", "", first)
	<-started
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, runErr, _ := c.get(gone, "k", "", first); !errors.Is(runErr, sim.ErrInterrupted) {
		t.Fatalf("a waiter whose context ended: %v", runErr)
	}
	got := make(chan int)
	go func() {
		runs := 0
		c.get(context.Background(), "k", "", fakeControl(&runs, 1))
		got <- runs
	}()
	for waiting := 0; waiting == 0; {
		time.Sleep(time.Millisecond)
		c.mu.Lock()
		waiting = c.waiting
		c.mu.Unlock()
	}
	close(stop)
	if runs := <-got; runs != 1 {
		t.Errorf("the waiter ran the control %d times, want 1", runs)
	}
	if ran, shared := c.Stats(); ran != 1 || shared != 0 {
		t.Errorf("%d run, %d shared; want 1 and 0", ran, shared)
	}
}

// TestControlsLinkTheirFiles: a run directory's control is run once into
// the first run's directory and linked into the next one's, with the
// control's own result (here a failure of the model); linking never writes
// over a file, and Close leaves the runs' links.
func TestControlsLinkTheirFiles(t *testing.T) {
	base := t.TempDir()
	c, err := NewControls(1<<20, 64<<20, filepath.Join(base, "share"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	for _, d := range []string{a, b} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	runs := 0
	run := func(context.Context) (*Summary, map[string][]float64, error, error) {
		runs++
		if err := os.WriteFile(filepath.Join(a, "metrics.csv"), []byte("tick\n0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return &Summary{}, nil, sim.ErrNumerical, nil
	}
	for _, into := range []string{a, b} {
		if _, _, runErr, err := c.get(context.Background(), "k", into, run); err != nil || !errors.Is(runErr, sim.ErrNumerical) {
			t.Fatalf("into %s: %v, %v", into, runErr, err)
		}
	}
	fa, err1 := os.Stat(filepath.Join(a, "metrics.csv"))
	fb, err2 := os.Stat(filepath.Join(b, "metrics.csv"))
	if runs != 1 || err1 != nil || err2 != nil || !os.SameFile(fa, fb) {
		t.Fatalf("%d runs; the two controls' files one: %v (%v, %v)", runs, err1 == nil && err2 == nil && os.SameFile(fa, fb), err1, err2)
	}
	other := filepath.Join(base, "other")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "metrics.csv"), []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := linkFiles(other, b, nil); !errors.Is(err, fs.ErrExist) {
		t.Errorf("linking over a file there: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(b, "metrics.csv")); err != nil || string(got) != "tick\n0\n" {
		t.Errorf("after Close: %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(base, "share")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the shared copy is still there: %v", err)
	}
}

// TestControlsUnderContention: 16 runs at once ask 150 times each for one
// of 8 controls, half of them into a run directory, with room for 3 in
// memory, and a tenth of them interrupted at a random moment. Every get
// that succeeds has its control's series, and a run directory its
// control's file, whatever was evicted, rerun or interrupted meanwhile.
// With one directory a control for every copy of it, a get could link a
// copy that another run had just emptied to make again, and gave a run
// directory without its files.
func TestControlsUnderContention(t *testing.T) {
	base := t.TempDir()
	c, err := NewControls(3*8*10, 64<<20, filepath.Join(base, "share"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	n := 0
	for g := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for i := range 150 {
				key := fmt.Sprint("k", r.IntN(8))
				into := ""
				if r.IntN(2) == 0 {
					into = filepath.Join(base, fmt.Sprintf("g%d-%d", g, i))
					if err := os.Mkdir(into, 0o755); err != nil {
						t.Error(err)
						return
					}
				}
				ctx, cancel := context.WithCancel(context.Background())
				if r.IntN(10) == 0 {
					d := time.Duration(r.IntN(200)) * time.Microsecond
					go func() { time.Sleep(d); cancel() }()
				}
				nap := time.Duration(r.IntN(300)) * time.Microsecond
				want := float64(key[1]) // each control's own value
				run := func(ctx context.Context) (*Summary, map[string][]float64, error, error) {
					mu.Lock()
					n++
					mu.Unlock()
					time.Sleep(nap)
					if ctx.Err() != nil {
						return nil, nil, sim.ErrInterrupted, nil
					}
					if into != "" {
						if err := os.WriteFile(filepath.Join(into, "metrics.csv"), []byte(key), 0o644); err != nil {
							return nil, nil, nil, err
						}
					}
					return &Summary{}, map[string][]float64{"x": {want, want, want, want, want, want, want, want, want, want}}, nil, nil
				}
				_, series, runErr, err := c.get(ctx, key, into, run)
				cancel()
				if err != nil {
					t.Error(err)
					continue
				}
				if runErr != nil {
					continue
				}
				if series["x"][9] != want {
					t.Errorf("%s: got %v", key, series["x"][9])
				}
				if into != "" {
					b, err := os.ReadFile(filepath.Join(into, "metrics.csv"))
					if err != nil || string(b) != key {
						t.Errorf("%s into %s: %q %v", key, into, b, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if ran, shared := c.Stats(); shared == 0 || ran >= n {
		t.Errorf("%d controls run of %d runs, %d shared: the test shares nothing", ran, n, shared)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}
