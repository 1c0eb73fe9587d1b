package runner

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// TestNumericalFaultStopsTheRunCleanly makes photosynthesis overflow: the
// run must stop with an error naming the agent, the tick and the rule, and
// keep every tick before it.
func TestNumericalFaultStopsTheRunCleanly(t *testing.T) {
	s, err := scenarios.Load("tiny", []string{"trees.species[0].growth=1e308", "ticks=50"})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []sim.Mode{sim.ModeActors, sim.ModeShards} {
		out := filepath.Join(t.TempDir(), "r")
		sum, err := Run(context.Background(), Options{Scenario: s, Out: out, Mode: mode})
		var ae *sim.AgentError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), "rules.Photosynthesis returned +Inf") || !strings.Contains(err.Error(), "(tree)") {
			t.Fatalf("%v: want a numerical error naming agent, tick and rule, got %v", mode, err)
		}
		if sum == nil || sum.Status != StatusFailed || sum.TicksDone != ae.Tick-1 {
			t.Fatalf("%v: summary %+v; the failing tick is %d", mode, sum, ae.Tick)
		}
		data, _ := os.ReadFile(filepath.Join(out, "metrics.csv"))
		if lines := strings.Count(string(data), "\n"); lines != ae.Tick+1 {
			t.Fatalf("%v: metrics.csv has %d lines, want header + ticks 0..%d", mode, lines, ae.Tick-1)
		}
		if strings.Contains(string(data), "Inf") || strings.Contains(string(data), "NaN") {
			t.Fatalf("%v: a non-finite value reached metrics.csv", mode)
		}
	}
}

// failingFS makes files that fail with ENOSPC after limit bytes, like a
// disk filling up.
func failingFS(limit int) func(string) (io.WriteCloser, error) {
	return func(p string) (io.WriteCloser, error) {
		f, err := os.Create(p)
		if err != nil {
			return nil, err
		}
		return &fullFile{f: f, left: limit}, nil
	}
}

type fullFile struct {
	f    *os.File
	left int
}

func (w *fullFile) Write(b []byte) (int, error) {
	if len(b) > w.left {
		n, _ := w.f.Write(b[:w.left])
		w.left = 0
		return n, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	w.left -= len(b)
	return w.f.Write(b)
}

func (w *fullFile) Close() error { return w.f.Close() }

// TestDiskFullLeavesNothingHalfWritten fills the "disk" mid-run: the run
// fails with a clear error and no output directory, partial or final, is
// left behind.
func TestDiskFullLeavesNothingHalfWritten(t *testing.T) {
	defer func(old func(string) (io.WriteCloser, error)) { createFile = old }(createFile)
	createFile = failingFS(200_000)
	s, err := scenarios.Load("forest", []string{"ticks=300", "failures[0].at=100", "failures[1].at=200"})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	_, err = Run(context.Background(), Options{Scenario: s, Out: filepath.Join(parent, "r"), Mode: sim.ModeShards})
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "writing the run") {
		t.Fatalf("want a disk-full error naming the file, got %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestUnwritableOutput(t *testing.T) {
	s, err := scenarios.Load("tiny", []string{"ticks=5"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "plain-file")
	os.WriteFile(file, nil, 0o644)
	_, err = Run(context.Background(), Options{Scenario: s, Out: filepath.Join(file, "run")})
	if err == nil || !strings.Contains(err.Error(), "plain-file") {
		t.Fatalf("an output under a file must fail naming it, got %v", err)
	}
}

// TestOversizedScenarioIsRefusedUpFront checks the memory guard: a
// scenario whose estimate exceeds what is available is refused with both
// figures before anything is allocated; the forest fits.
func TestOversizedScenarioIsRefusedUpFront(t *testing.T) {
	defer func(old func() uint64) { availableMemory = old }(availableMemory)
	availableMemory = func() uint64 { return 1 << 30 }
	big, err := scenarios.Load("forest", []string{"world.width=4096", "world.height=4096", "trees.count=1900000"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r")
	_, err = Run(context.Background(), Options{Scenario: big, Out: out})
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "GiB in actors mode") || !strings.Contains(err.Error(), "1.0 GiB is available") {
		t.Fatalf("want a refusal naming estimate and limit, got %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("output written for a refused scenario")
	}
	forest, _ := scenarios.Load("forest", nil)
	if need := forest.MemoryEstimate(true); need > 1<<30 {
		t.Fatalf("the forest is estimated at %d bytes", need)
	}
}
