package plots

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/internal/atomicfile"
)

// DrawOptions say which charts to draw for a run, and how.
type DrawOptions struct {
	Options
	// MapTicks picks the snapshots drawn as maps (the nearest recorded
	// tick to each); default: up to five spread over those recorded.
	MapTicks []int
	// Animate also writes map.gif from every recorded snapshot.
	Animate bool
	// Note, when set, is told what was drawn other than as asked: a map
	// tick with no snapshot of its own, or maps or an animation asked of a
	// run that recorded too few snapshots. Without it a user who asked for
	// tick 250 of a run recorded every 100 ticks would be shown tick 200 and
	// not know.
	Note func(msg string)
}

func (o DrawOptions) note(format string, args ...any) {
	if o.Note != nil {
		o.Note(fmt.Sprintf(format, args...))
	}
}

// DrawRun draws every chart the run's data allows into dir/plots, replacing
// what was there only once all are drawn, and returns the files written.
func DrawRun(dir string, o DrawOptions) ([]string, error) {
	o.Options = o.Options.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := Load(dir)
	if err != nil {
		return nil, err
	}
	tmp, err := atomicfile.TempDir(dir, ".plots.partial-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	files, err := drawAll(r, tmp, o)
	if err != nil {
		return nil, err
	}
	final := filepath.Join(dir, "plots")
	if err := os.RemoveAll(final); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, err
	}
	for i, f := range files {
		files[i] = filepath.Join(final, filepath.Base(f))
	}
	return files, nil
}

func drawAll(r *Run, out string, o DrawOptions) ([]string, error) {
	var charts []namedChart
	add := func(ch chart, aspect float64, name string) {
		charts = append(charts, namedChart{name: name, ch: ch, aspect: aspect})
	}
	if d := TimeSeries(r); len(d.Panels) > 0 {
		ch, a := drawTimeSeries(d)
		add(ch, a, "timeseries")
	}
	for _, d := range Resilience(r) {
		ch, a := drawResilience(d)
		add(ch, a, "resilience-"+d.Indicator)
	}
	if d := Giant(r); d != nil {
		ch, a := drawGiant(*d)
		add(ch, a, "giant")
		if d.Removed != nil {
			ch, a := drawRemoved(*d.Removed)
			add(ch, a, "giant-vs-removed")
		}
	}
	if d := Degrees(r); d != nil {
		ch, a := drawDegrees(*d)
		add(ch, a, "degree")
	}
	noteSubstitutes(r.Snapshots, o)
	for _, s := range PickSnapshots(r.Snapshots, o.MapTicks) {
		ch, a := drawMap(s)
		add(ch, a, fmt.Sprintf("map-tick-%07d", s.Tick))
	}
	files, err := saveAll(charts, out, o.Options)
	if err != nil {
		return nil, err
	}
	if o.Animate && len(r.Snapshots) > 1 {
		p := filepath.Join(out, "map.gif")
		if err := writeGIF(r.Snapshots, p); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	return files, nil
}

// noteSubstitutes tells o.Note where the maps or the animation drawn from
// snaps differ from what o asks for.
func noteSubstitutes(snaps []agents.Snapshot, o DrawOptions) {
	switch {
	case len(snaps) == 0 && (len(o.MapTicks) > 0 || o.Animate):
		o.note("the run recorded no snapshots, so no maps are drawn")
		return
	case len(snaps) == 1 && o.Animate:
		o.note("the run recorded one snapshot, at tick %d, so no animation is drawn", snaps[0].Tick)
	}
	for _, t := range o.MapTicks {
		if got := snaps[nearest(snaps, t)].Tick; got != t {
			o.note("no snapshot at tick %d; the map drawn is tick %d's, the nearest recorded", t, got)
		}
	}
}

// defaultMaps is how many maps are drawn when no ticks are chosen.
const defaultMaps = 5

// PickSnapshots returns the snapshot nearest to each wanted tick (no
// repeats), or up to five spread evenly over those recorded.
func PickSnapshots(snaps []agents.Snapshot, ticks []int) []agents.Snapshot {
	if len(snaps) == 0 {
		return nil
	}
	var idx []int
	if len(ticks) == 0 {
		n := min(defaultMaps, len(snaps))
		for i := range n {
			if n == 1 {
				idx = append(idx, len(snaps)-1)
				break
			}
			idx = append(idx, i*(len(snaps)-1)/(n-1))
		}
	} else {
		for _, t := range ticks {
			idx = append(idx, nearest(snaps, t))
		}
	}
	sort.Ints(idx)
	var out []agents.Snapshot
	for i, k := range idx {
		if i == 0 || k != idx[i-1] {
			out = append(out, snaps[k])
		}
	}
	return out
}

// nearest is the index of the snapshot nearest to tick t, the earlier of
// two as near; snaps is not empty.
func nearest(snaps []agents.Snapshot, t int) int {
	best := 0
	for i, s := range snaps {
		if abs(s.Tick-t) < abs(snaps[best].Tick-t) {
			best = i
		}
	}
	return best
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
