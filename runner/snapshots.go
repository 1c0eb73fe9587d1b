package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/sim"
)

// SnapshotDir is the run subdirectory holding world snapshots.
const SnapshotDir = "snapshots"

// SnapshotFile names the snapshot of tick within a run directory.
func SnapshotFile(tick int) string {
	return filepath.Join(SnapshotDir, fmt.Sprintf("tick-%07d.json", tick))
}

// SnapshotTicks returns the ticks to snapshot: the given ones, or, when
// none are given, n evenly spaced from 0 to ticks inclusive; ticks outside
// the run are dropped, duplicates removed.
func SnapshotTicks(given []int, n, ticks int) []int {
	var out []int
	if len(given) > 0 {
		out = append(out, given...)
	} else if n > 1 {
		for i := range n {
			out = append(out, i*ticks/(n-1))
		}
	}
	sort.Ints(out)
	uniq := out[:0]
	for i, t := range out {
		if t >= 0 && t <= ticks && (i == 0 || t != out[i-1]) {
			uniq = append(uniq, t)
		}
	}
	return uniq
}

// snapshotter is the observer that writes snapshots at chosen ticks.
type snapshotter struct {
	m     *agents.Model
	dir   string
	ticks map[int]bool
}

func newSnapshotter(m *agents.Model, dir string, ticks []int) (*snapshotter, error) {
	s := &snapshotter{m: m, dir: dir, ticks: map[int]bool{}}
	for _, t := range ticks {
		s.ticks[t] = true
	}
	if len(ticks) > 0 {
		if err := os.MkdirAll(filepath.Join(dir, SnapshotDir), 0o755); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *snapshotter) Tick(tick int, _ []float64) error {
	if !s.ticks[tick] {
		return nil
	}
	b, err := json.Marshal(s.m.Snapshot())
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(s.dir, SnapshotFile(tick)), b)
}

func (s *snapshotter) Event(sim.Event) error { return nil }
