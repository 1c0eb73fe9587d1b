package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Manifest is sweep.json: what a sweep directory holds, so a rerun can
// check it continues the same sweep and charts know what varied.
type Manifest struct {
	Version        string   `json:"version"`
	Scenario       string   `json:"scenario"`
	ScenarioDigest string   `json:"scenario_digest"`
	Seed           uint64   `json:"seed"`
	Plan           Plan     `json:"plan"`
	Figures        []string `json:"figures"`
	Runs           int      `json:"runs"`
	// Shard is "i/N" when this directory holds one static shard.
	Shard string `json:"shard,omitempty"`
	// Crossings are the analysis crossings.csv holds. They change no run,
	// so a rerun may ask for others; one that asks for none keeps these.
	Crossings []Crossing `json:"crossings,omitempty"`
	// ResultsFingerprint is that of the build that began the sweep
	// (ResultsFingerprint); empty in a sweep recorded before it was. A
	// build of another fingerprint may not add runs to it, which would not
	// match those recorded.
	ResultsFingerprint string `json:"results_fingerprint,omitempty"`
}

// ReadManifest reads dir/sweep.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", filepath.Join(dir, "sweep.json"), err)
	}
	if m.Plan.Design == DesignSobol && m.Plan.Sampler == "" {
		// Recorded before the sampler was: its A and B were Latin
		// hypercubes, and are drawn again as such.
		m.Plan.Sampler = SamplerLHS
	}
	return &m, nil
}

// same reports whether two manifests describe the same sweep.
func (m *Manifest) same(o *Manifest) bool {
	return m.ScenarioDigest == o.ScenarioDigest && m.Seed == o.Seed && m.Plan.Reps == o.Plan.Reps &&
		m.Plan.Design == o.Plan.Design && m.Plan.Samples == o.Plan.Samples && m.Plan.Sampler == o.Plan.Sampler && m.Plan.Levels == o.Plan.Levels &&
		slices.Equal(m.Plan.Vary, o.Plan.Vary) && slices.Equal(m.Figures, o.Figures)
}

// makeOut makes a sweep's output directory; a file in its place is a
// usage error, not the operating system's "not a directory".
func makeOut(dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%w: --out %s is a file, not a directory", ErrPlan, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sweep: output %s: %w", dir, err)
	}
	return nil
}

// writeManifest writes dir/sweep.json into an empty dir, or checks that
// the one there describes the same sweep. Continuing a sweep, m takes the
// recorded crossings and baseline unless it asks for its own, which are
// then recorded.
func writeManifest(dir string, m *Manifest) error {
	old, err := ReadManifest(dir)
	switch {
	case err == nil:
		if !old.same(m) {
			if o := *old; o.Plan.Sampler != m.Plan.Sampler {
				if o.Plan.Sampler = m.Plan.Sampler; o.same(m) {
					return fmt.Errorf("%w: %s holds this sobol sweep drawn with --sampler %s; give --sampler %s to continue it, or use another --out",
						ErrPlan, dir, old.Plan.Sampler, old.Plan.Sampler)
				}
			}
			return fmt.Errorf("%w: %s holds a different sweep (scenario, seed or plan differ); use another --out", ErrPlan, dir)
		}
		if err := sameBuild(dir, old, m); err != nil {
			return err
		}
		if len(m.Crossings) == 0 {
			m.Crossings = old.Crossings
		}
		if m.Plan.Baseline == "" {
			m.Plan.Baseline = old.Plan.Baseline
		}
		if slices.Equal(m.Crossings, old.Crossings) && m.Plan.Baseline == old.Plan.Baseline {
			return nil
		}
		up := *old
		up.Crossings, up.Plan.Baseline = m.Crossings, m.Plan.Baseline
		return saveManifest(dir, &up)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	// A sweep replaces its plots/ and writes its own files: in a run's
	// directory, or any other that holds files, it would take or mix
	// with them.
	if entries, err := os.ReadDir(dir); err != nil {
		return err
	} else if len(entries) > 0 {
		return fmt.Errorf("%w: %s holds files but no sweep (no sweep.json); use another --out", ErrPlan, dir)
	}
	return saveManifest(dir, m)
}

// otherBuild reports whether manifests a and b were recorded by builds of
// different results fingerprints, whose runs do not match. A sweep
// recorded without a fingerprint cannot be checked.
func otherBuild(a, b *Manifest) bool {
	return a.ResultsFingerprint != "" && b.ResultsFingerprint != "" && a.ResultsFingerprint != b.ResultsFingerprint
}

// sameBuild refuses to add runs of manifest m to the sweep old recorded in
// dir when they are of another build (otherBuild).
func sameBuild(dir string, old, m *Manifest) error {
	if !otherBuild(old, m) {
		return nil
	}
	return fmt.Errorf("%w: %s holds a sweep begun by a build of ecosim with results fingerprint %s, and this build's is %s (ecosim version): its runs would not match the recorded ones; finish it with that build, or use another --out",
		ErrPlan, dir, old.ResultsFingerprint, m.ResultsFingerprint)
}

// saveManifest writes dir/sweep.json through a temporary file.
func saveManifest(dir string, m *Manifest) error {
	b, _ := json.MarshalIndent(m, "", "  ")
	p := filepath.Join(dir, "sweep.json")
	if err := os.WriteFile(p+".tmp", append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(p+".tmp", p)
}
