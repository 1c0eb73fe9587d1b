package sweep

import (
	"runtime"
	"slices"
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
