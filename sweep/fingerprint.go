package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// probes are short runs that go through every process of the models and
// every failure kind, with their paired controls: the work whose results
// ResultsFingerprint digests. A change to any rule, to the order of a
// random stream's draws or to a figure's arithmetic changes a probe's
// metrics, events or figures.
var probes = []struct{ name, yaml string }{
	{"forest", `name: probe-forest
seed: 11
ticks: 150
world: {width: 16, height: 16, water: {mean: 1.0, seasonality: 0.3, period: 100}}
trees:
  count: 40
  species:
    - {name: birch, share: 0.5, growth: 0.08, shade_tolerance: 0.2, seed_rate: 0.03, max_age: 300}
    - {name: fir, share: 0.5, growth: 0.04, shade_tolerance: 0.8, seed_rate: 0.01, max_age: 800}
fungi: {count: 4, reach: 4, share_rate: 0.1, fee: 0.05, max_count: 8}
ants:
  colonies:
    - {nest: [8, 8], workers: 12, food: 5}
  max_workers: 30
network: {topology: emergent, latency: 1, capacity: 5.0}
failures:
  - {kind: kill, at: 20, target: trees, select: hubs, fraction: 0.1}
  - {kind: cut_links, at: 30, select: central, fraction: 0.2}
  - {kind: partition, at: 40, duration: 15, line: {axis: x, at: 8}}
  - {kind: message_loss, at: 50, duration: 10, rate: 0.3}
  - {kind: latency, at: 55, duration: 10, extra: 2}
  - {kind: drought, at: 60, duration: 20, severity: 0.6}
  - {kind: pest, at: 70, region: {x: 0, y: 0, r: 5}, spread: 0.3, neighbourhood: 8, damage: 0.2}
  - {kind: blight, at: 80, select: random, fraction: 0.3, severity: 0.5}
  - {kind: barrier, at: 85, duration: 20, region: {x: 4, y: 4, w: 8, h: 2}}
  - {kind: kill, at: 90, target: ants, select: random, fraction: 0.5}
  - {kind: fire, at: 100, ignite: random, count: 3, spread: 0.5, neighbourhood: 4}
resilience: {indicators: [biomass, living_trees, giant_component], recovery_threshold: 0.95, settle: 10}
`},
	{"topology", `name: probe-topology
seed: 5
ticks: 80
world: {width: 12, height: 10}
trees: {count: 0}
fungi: {count: 0}
network: {topology: scale-free, nodes: 60, links_per_node: 2, production: 1.0, producers: 0.2, demand: 0.1, share_rate: 0.2, capacity: 5}
failures:
  - {kind: kill, at: 30, target: nodes, select: central, fraction: 0.1, adaptive: true}
resilience: {indicators: [giant_component, delivery_ratio], recovery_threshold: 0.95, settle: 10}
`},
}

var fingerprint struct {
	once sync.Once
	id   string
	err  error
}

// ResultsFingerprint digests what this build of ecosim computes for the
// probe runs: their metrics, events and figures, with and without their
// failures. A build that computes any of that otherwise (another version,
// a changed rule, another order of random draws, a processor that rounds
// otherwise) has another fingerprint. A broker sweep's runs are for
// workers of its coordinator's fingerprint only, and a sweep directory
// takes runs of the fingerprint that began it only, so no sweep mixes the
// numbers of two builds. It is worked out once a process, in 15–30 ms.
func ResultsFingerprint() (string, error) {
	fingerprint.once.Do(func() { fingerprint.id, fingerprint.err = probe(sim.ModeShards, 1) })
	return fingerprint.id, fingerprint.err
}

// fingerprintOr is override where a test gives one, or else this build's
// results fingerprint.
func fingerprintOr(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	return ResultsFingerprint()
}

// probe runs the probes in mode on a pool of workers, as a sweep's runs
// are run on 1.
func probe(mode sim.Mode, workers int) (string, error) {
	h := sha256.New()
	for _, p := range probes {
		s, err := scenarios.Parse("probe:"+p.name, []byte(p.yaml), nil)
		if err != nil {
			return "", fmt.Errorf("sweep: results fingerprint: %w", err)
		}
		sum, err := runner.Measure(context.Background(), runner.Options{Scenario: s, Mode: mode, Workers: workers})
		if err != nil {
			return "", fmt.Errorf("sweep: results fingerprint: probe %s: %w", p.name, err)
		}
		// Encoded as JSON, the figures are exact: shortest round trip.
		b, err := json.Marshal([]any{sum.Digests, sum.Final, sum.Resilience, sum.Control.Digests})
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}
