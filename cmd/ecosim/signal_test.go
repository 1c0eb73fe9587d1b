package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGINTLeavesCompleteInterruptedRun sends SIGINT to a real child
// process in the middle of a long run: it must exit 130 and leave a complete
// run directory marked interrupted, with every tick it finished recorded.
func TestSIGINTLeavesCompleteInterruptedRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	cmd := exec.Command(os.Args[0], "simulate", "--scenario", "tiny", "--ticks", "10000000", "--out", out)
	cmd.Env = append(os.Environ(), "ECOSIM_TEST_AS_CLI=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the partial run has recorded some ticks.
	deadline := time.Now().Add(30 * time.Second)
	for {
		parts, _ := filepath.Glob(filepath.Join(dir, ".run.partial-*", "metrics.csv"))
		if len(parts) == 1 {
			if fi, err := os.Stat(parts[0]); err == nil && fi.Size() > 100_000 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("run never got going")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("want exit %d, got %v", exitInterrupted, err)
	}
	var sum struct {
		Status    string `json:"status"`
		TicksDone int    `json:"ticks_done"`
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil || sum.Status != "interrupted" || sum.TicksDone <= 0 {
		t.Fatalf("summary %s: %v", b, err)
	}
	m, _ := os.ReadFile(filepath.Join(out, "metrics.csv"))
	if lines := strings.Count(string(m), "\n"); lines != sum.TicksDone+2 {
		t.Fatalf("metrics.csv has %d lines for %d ticks", lines, sum.TicksDone)
	}
	if !strings.HasSuffix(string(m), "\n") {
		t.Fatal("metrics.csv ends in a torn row")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".run.partial-*")); len(left) != 0 {
		t.Fatalf("partial directory left behind: %v", left)
	}
}
