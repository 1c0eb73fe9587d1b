package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// TestProbesCoverEveryFailureKind: the results fingerprint stands for the
// whole model only if its probes strike with every failure kind there is.
func TestProbesCoverEveryFailureKind(t *testing.T) {
	var kinds []string
	for _, p := range probes {
		s, err := scenarios.Parse("probe:"+p.name, []byte(p.yaml), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Failures {
			kinds = append(kinds, f.Kind)
		}
	}
	for _, k := range agents.FailureKinds {
		if !slices.Contains(kinds, k) {
			t.Errorf("no probe has a %s failure", k)
		}
	}
}

// TestFingerprintIgnoresModeAndCores: the fingerprint is of the results,
// which are the same in actors mode on 2 cores as in shards mode on 1.
func TestFingerprintIgnoresModeAndCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	fp, err := ResultsFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	actors, err := probe(sim.ModeActors, 2)
	if err != nil {
		t.Fatal(err)
	}
	if actors != fp || len(fp) != 12 {
		t.Fatalf("fingerprint %q in actors mode on 2 cores, %q in shards mode on 1", actors, fp)
	}
}

// TestSweepOfAnotherBuildIsRefused: a sweep records the results
// fingerprint of the build that began it, and a build of another may not
// add runs to it, nor merge its shards with that build's; the same build
// may, and a sweep recorded before fingerprints takes runs from any.
func TestSweepOfAnotherBuildIsRefused(t *testing.T) {
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.1"}}, Reps: 1}
	if _, err := runSweep(t, context.Background(), plan, Options{Out: dir, fingerprint: "aaaaaaaaaaaa"}); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil || m.ResultsFingerprint != "aaaaaaaaaaaa" {
		t.Fatalf("recorded fingerprint %q (%v)", m.ResultsFingerprint, err)
	}
	_, err = Prepare(plan, topologyBase(t), Options{Out: dir, fingerprint: "bbbbbbbbbbbb"})
	if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "begun by a build of ecosim with results fingerprint aaaaaaaaaaaa, and this build's is bbbbbbbbbbbb") {
		t.Fatalf("continued by another build: %v", err)
	}
	p, err := Prepare(plan, topologyBase(t), Options{Out: dir, fingerprint: "aaaaaaaaaaaa"})
	if err != nil {
		t.Fatalf("continued by the same build: %v", err)
	}
	p.Store.Close()

	// Shards of two builds.
	one, two := t.TempDir(), t.TempDir()
	for i, d := range []string{one, two} {
		fp := []string{"aaaaaaaaaaaa", "bbbbbbbbbbbb"}[i]
		if _, err := runSweep(t, context.Background(), plan, Options{Out: d, Shard: i, Shards: 2, fingerprint: fp}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Merge(t.TempDir(), []string{one, two}); !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "their runs do not match") {
		t.Fatalf("merged shards of two builds: %v", err)
	}

	// Recorded before fingerprints: nothing to check against.
	b, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	legacy := strings.Replace(string(b), `"results_fingerprint": "aaaaaaaaaaaa"`, `"version": "old"`, 1)
	if legacy == string(b) {
		t.Fatal("no fingerprint in sweep.json to take out")
	}
	if err := os.WriteFile(filepath.Join(dir, "sweep.json"), []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err = Prepare(plan, topologyBase(t), Options{Out: dir, fingerprint: "bbbbbbbbbbbb"}); err != nil {
		t.Fatalf("continued a sweep recorded without a fingerprint: %v", err)
	}
	p.Store.Close()
}
