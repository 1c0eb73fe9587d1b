package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ecosim/ecosim/internal/racebuild"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func runForest(t *testing.T, mode sim.Mode, procs int, sets ...string) *Summary {
	t.Helper()
	// The forest's hub attack and drought are moved into the run, so
	// determinism is checked with failures too. Under the race detector
	// the run is half as long: at 300 ticks the test's eight runs took
	// 108 s under it with nothing else running, and 191 s beside
	// another package's tests, as go test runs them on two cores.
	base := []string{"ticks=300", "failures[0].at=100", "failures[1].at=200", "failures[1].duration=50"}
	if racebuild.Enabled {
		base = []string{"ticks=150", "failures[0].at=50", "failures[1].at=100", "failures[1].duration=30"}
	}
	s, err := scenarios.Load("forest", append(base, sets...))
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	sum, err := Run(context.Background(), Options{Scenario: s, Out: filepath.Join(t.TempDir(), "run"), Mode: mode, NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestForestIsBitIdentical runs the forest for 300 ticks (150 under the
// race detector) in both modes under GOMAXPROCS 1, 2 and 8, and twice in
// one configuration: every run must give the same metrics.csv and
// events.jsonl bytes; another seed must not.
func TestForestIsBitIdentical(t *testing.T) {
	ref := runForest(t, sim.ModeActors, 2)
	t.Logf("forest %d ticks, seed 42: metrics %s events %s", ref.TicksDone, ref.Digests.Metrics, ref.Digests.Events)
	for _, mode := range []sim.Mode{sim.ModeActors, sim.ModeShards} {
		for _, procs := range []int{1, 2, 8} {
			got := runForest(t, mode, procs)
			if got.Digests != ref.Digests {
				t.Errorf("%v with GOMAXPROCS=%d: digests %+v differ from %+v", mode, procs, got.Digests, ref.Digests)
			}
		}
	}
	other := runForest(t, sim.ModeShards, 2, "seed=43")
	if other.Digests.Metrics == ref.Digests.Metrics || other.Digests.Events == ref.Digests.Events {
		t.Errorf("seed 43 gave the same digests as seed 42")
	}
}

func TestRunDirectoryAndRefusal(t *testing.T) {
	s, err := scenarios.Load("tiny", []string{"ticks=20"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r")
	sum, err := Run(context.Background(), Options{Scenario: s, Out: out})
	if err != nil || sum.Status != StatusComplete || sum.TicksDone != 20 {
		t.Fatalf("run: %v %+v", err, sum)
	}
	for _, f := range []string{"scenario.yaml", "metrics.csv", "events.jsonl", "summary.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if _, err := Run(context.Background(), Options{Scenario: s, Out: out}); err == nil {
		t.Fatal("a second run into the same directory must be refused without Force")
	}
	if _, err := Run(context.Background(), Options{Scenario: s, Out: out, Force: true}); err != nil {
		t.Fatalf("force: %v", err)
	}
	// Nothing partial is left beside the output.
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Fatalf("expected only the run directory, found %d entries", len(entries))
	}
}

// TestForceReplacesOnlyARun checks that Force, asked to replace a
// directory that holds files but no run, refuses and leaves it alone.
func TestForceReplacesOnlyARun(t *testing.T) {
	s, err := scenarios.Load("tiny", []string{"ticks=5"})
	if err != nil {
		t.Fatal(err)
	}
	docs := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(filepath.Join(docs, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "thesis.tex"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Options{Scenario: s, Out: docs, Force: true})
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "no run (no summary.json)") {
		t.Fatalf("want a refusal, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(docs, "thesis.tex")); err != nil {
		t.Fatalf("the directory's files were touched: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(docs))
	if len(entries) != 1 {
		t.Fatalf("something was left beside the directory: %d entries", len(entries))
	}
}

func TestInterruptedRunIsCompleteAndMarked(t *testing.T) {
	s, err := scenarios.Load("tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := filepath.Join(t.TempDir(), "r")
	sum, err := Run(ctx, Options{Scenario: s, Out: out, Progress: func(tick, _ int) {
		if tick == 50 {
			cancel()
		}
	}})
	if err == nil || sum == nil || sum.Status != StatusInterrupted || sum.TicksDone != 50 {
		t.Fatalf("want interrupted at tick 50, got %v %+v", err, sum)
	}
	data, _ := os.ReadFile(filepath.Join(out, "metrics.csv"))
	lines := 0
	for _, b := range data {
		if b == '\n' {
			lines++
		}
	}
	if lines != 52 { // header + ticks 0..50
		t.Fatalf("metrics.csv has %d lines, want 52", lines)
	}
}
