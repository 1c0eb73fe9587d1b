package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ecosim/ecosim/internal/atomicfile"
)

// Merge joins the runs of shard directories into out, each run once, and
// writes its aggregate. Every shard must come from the same sweep.
func Merge(out string, shards []string) (int, error) {
	if len(shards) == 0 {
		return 0, fmt.Errorf("%w: merge needs shard directories", ErrPlan)
	}
	var first *Manifest
	total := 0
	for _, d := range shards {
		m, err := ReadManifest(d)
		if err != nil {
			return 0, fmt.Errorf("sweep: %s is not a sweep directory: %w", d, err)
		}
		if first == nil {
			first = m
		} else if !first.same(m) {
			return 0, fmt.Errorf("%w: %s comes from a different sweep than %s", ErrPlan, d, shards[0])
		} else if otherBuild(first, m) {
			return 0, fmt.Errorf("%w: %s was run by a build of ecosim with results fingerprint %s, %s by one with %s: their runs do not match",
				ErrPlan, d, m.ResultsFingerprint, shards[0], first.ResultsFingerprint)
		}
		total += m.Runs
	}
	merged := *first
	merged.Shard, merged.Runs = "", total
	if err := makeOut(out); err != nil {
		return 0, err
	}
	if err := writeManifest(out, &merged); err != nil {
		return 0, err
	}
	var paths []string
	for _, v := range first.Plan.Vary {
		paths = append(paths, v.Path)
	}
	header := Header(&first.Plan, first.Figures)
	st, err := OpenStore(out, header, first.Figures)
	if err != nil {
		return 0, err
	}
	for _, d := range shards {
		src, err := OpenStore(d, header, first.Figures)
		if err != nil {
			st.Close()
			return 0, err
		}
		for _, rec := range src.Rows() {
			if !st.Has(rec[0]) {
				err := st.addRecord(rec)
				if err == nil {
					err = keepRun(d, out, rec[0])
				}
				if err != nil {
					src.Close()
					st.Close()
					return 0, err
				}
			}
		}
		src.Close()
	}
	p := &Prepared{Store: st, Manifest: &merged, Paths: paths, Header: header}
	n := st.Len()
	return n, p.Finish(out)
}

// keepRun gives out the directory shard kept for run key (--keep-runs),
// if it kept one, so the merged sweep has its runs as the whole sweep
// would: each file hard-linked, which costs no room and outlives the
// shard's directory, or copied where a link cannot be made (another file
// system).
func keepRun(shard, out, key string) error {
	src := filepath.Join(shard, "runs", key)
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	dst := filepath.Join(out, "runs", key)
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if err := atomicfile.Link(p, to); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		return nil
	})
}

// addRecord appends an already formatted record.
func (s *Store) addRecord(rec []string) error {
	if err := s.writeLine(rec); err != nil {
		return err
	}
	s.done[rec[0]] = rec
	s.order = append(s.order, rec[0])
	return nil
}

// Analyse works out dir's analysis files (Prepared.Finish) anew from its
// runs.csv, with crossings and a baseline, when given, recorded in
// sweep.json in place of those there. The analysis changes no run, so it
// needs neither the scenario nor the flags the sweep was run with.
func Analyse(dir string, crossings []Crossing, baseline string) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return fmt.Errorf("sweep: %s is not a sweep directory: %w", dir, err)
	}
	if err := CheckCrossings(crossings, &m.Plan, m.Figures); err != nil {
		return err
	}
	if baseline != "" {
		m.Plan.Baseline = baseline
		if err := m.Plan.checkBaseline(); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err != nil {
		return fmt.Errorf("sweep: %s holds no runs.csv to analyse: %w", dir, err)
	}
	header := Header(&m.Plan, m.Figures)
	st, err := OpenStore(dir, header, m.Figures)
	if err != nil {
		return err
	}
	if len(crossings) > 0 || baseline != "" {
		if len(crossings) > 0 {
			m.Crossings = crossings
		}
		if err := saveManifest(dir, m); err != nil {
			st.Close()
			return err
		}
	}
	var paths []string
	for _, v := range m.Plan.Vary {
		paths = append(paths, v.Path)
	}
	p := &Prepared{Store: st, Manifest: m, Paths: paths, Header: header}
	return p.Finish(dir)
}
