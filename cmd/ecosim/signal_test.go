package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecosim/ecosim/internal/racebuild"
)

// TestSignalLeavesCompleteInterruptedRun sends SIGINT, then SIGTERM, to a
// real child process in the middle of a long run: it must exit 130 and
// leave a complete run directory marked interrupted, with every tick it
// finished recorded.
func TestSignalLeavesCompleteInterruptedRun(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { interruptRun(t, sig) })
	}
}

func interruptRun(t *testing.T, sig syscall.Signal) {
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
	if err := cmd.Process.Signal(sig); err != nil {
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

// TestInterruptedSweepCompletesOnRerun interrupts a real sweep process
// once some runs are recorded, then reruns it: the sweep completes with
// every run exactly once.
func TestInterruptedSweepCompletesOnRerun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sw")
	args := []string{"sweep", "--scenario", "topology", "--set", "ticks=110", "--set", "network.nodes=100",
		"--set", "world.width=10", "--set", "world.height=10", "--vary", "failures[0].fraction=0:0.5:0.05",
		"--reps", "6", "--workers", "2", "--no-plots", "--out", out}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ECOSIM_TEST_AS_CLI=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
		if strings.Count(string(b), "\n") > 10 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("sweep never got going")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("want exit %d, got %v", exitInterrupted, err)
	}
	b, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	before := strings.Count(string(b), "\n") - 1
	if before >= 66 {
		t.Skipf("the sweep finished (%d runs) before the signal arrived", before)
	}
	again := exec.Command(os.Args[0], args...)
	again.Env = cmd.Env
	if outb, err := again.CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, outb)
	}
	b, _ = os.ReadFile(filepath.Join(out, "runs.csv"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")[1:]
	keys := map[string]bool{}
	for _, l := range lines {
		keys[l[:strings.IndexByte(l, ',')]] = true
	}
	if len(lines) != 66 || len(keys) != 66 {
		t.Fatalf("after the rerun: %d rows, %d distinct runs; want 66 and 66 (%d before the signal)", len(lines), len(keys), before)
	}
}

// TestSecondSignalExitsAtOnce interrupts a forest run, then signals again
// while it is still finishing (writing its files and drawing its charts):
// the second signal ends the process at once, and the finished run
// directory, already renamed into place, is intact.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	cmd := exec.Command(os.Args[0], "simulate", "--scenario", "forest", "--ticks", "100000", "--no-control",
		"--set", "failures[0].at=50000", "--set", "failures[1].at=60000", "--format", "png,svg,pdf", "--dpi", "600", "--width", "120", "--out", out)
	cmd.Env = append(os.Environ(), "ECOSIM_TEST_AS_CLI=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		parts, _ := filepath.Glob(filepath.Join(dir, ".run.partial-*", "metrics.csv"))
		if len(parts) == 1 {
			if fi, err := os.Stat(parts[0]); err == nil && fi.Size() > 50_000 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("run never got going")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	// Wait for the run directory: the simulation has stopped and the charts
	// (very large ones here, seconds of work) are being drawn.
	for !exists(filepath.Join(out, "summary.json")) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the first signal did not stop the run")
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("want the process ended by the second signal, got %v", err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		if ee.ExitCode() == exitInterrupted {
			t.Skip("the charts were drawn before the second signal arrived")
		}
		t.Fatalf("want death by SIGINT, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the second signal took %v", d)
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil || !strings.Contains(string(b), `"status": "interrupted"`) {
		t.Fatalf("run directory damaged: %v %s", err, b)
	}
}

// TestInterruptedBenchKeepsItsFinishedRuns interrupts a real bench process
// part way through its rounds: it must exit 130, print the table of the
// runs that finished, and say in which round it stopped and how many runs
// the table holds, which must be the runs the table's header counts.
func TestInterruptedBenchKeepsItsFinishedRuns(t *testing.T) {
	// A run of 5,000 ticks of the 57-agent world takes about 0.1 s here,
	// of 1,000 ticks under the race detector about 0.5 s, so after 3 s
	// some have finished and the bench is far from its 100th.
	ticks := 5000
	if racebuild.Enabled {
		ticks = 1000
	}
	cmd := exec.Command(os.Args[0], "bench", "--scenario", "tiny", "--ticks", fmt.Sprint(ticks), "--modes", "shards",
		"--cores", "1", "--auto=false", "--count", "100")
	cmd.Env = append(os.Environ(), "ECOSIM_TEST_AS_CLI=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("want exit %d, got %v; stderr %s", exitInterrupted, err, stderr.String())
	}
	var round, finished int
	msg := stderr.String()
	i := strings.Index(msg, "bench stopped in round ")
	if i < 0 {
		t.Fatalf("stderr does not say where the bench stopped: %s", msg)
	}
	if _, err := fmt.Sscanf(msg[i:], "bench stopped in round %d of 100, during shards on 1 core:", &round); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	j := strings.Index(msg, "the table above holds the ")
	if j < 0 {
		t.Fatalf("stderr does not say what the table holds (no run finished in 3 s?): %s", msg)
	}
	fmt.Sscanf(msg[j:], "the table above holds the %d", &finished)
	var medians int
	if _, err := fmt.Sscanf(stdout.String(), "tiny: "+fmt.Sprint(ticks)+" ticks, 57 agents at the start; medians of %d", &medians); err != nil {
		t.Fatalf("no table before the error (%v): %s", err, stdout.String())
	}
	if finished < 1 || finished != medians || round != finished+1 {
		t.Fatalf("stopped in round %d, %d runs said finished, table of %d runs", round, finished, medians)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
