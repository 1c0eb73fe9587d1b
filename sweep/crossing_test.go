package sweep

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFirstCrossing(t *testing.T) {
	for _, c := range []struct {
		name  string
		xy    [][2]float64
		level float64
		want  float64
		ok    bool
	}{
		{"falls through between points", [][2]float64{{0, 1}, {0.1, 0.8}, {0.2, 0.4}}, 0.5, 0.175, true},
		{"rises through", [][2]float64{{1, 0}, {3, 10}}, 2.5, 1.5, true},
		{"equal at a point", [][2]float64{{0, 1}, {0.1, 0.5}, {0.2, 0.1}}, 0.5, 0.1, true},
		{"starts at the level", [][2]float64{{0, 0.5}, {0.1, 0.2}}, 0.5, 0, true},
		{"the first of two", [][2]float64{{0, 1}, {1, 0}, {2, 1}, {3, 0}}, 0.5, 0.5, true},
		{"never reaches it", [][2]float64{{0, 1}, {1, 0.9}}, 0.5, 0, false},
		{"no points", nil, 0.5, 0, false},
	} {
		got, ok := FirstCrossing(c.xy, c.level)
		if ok != c.ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestCrossingsFollowEachReplicate: replicate r's figure falls in a
// straight line, 1 − (1 + r/4)·x, so each replicate reaches 0.5 at
// 0.5/(1 + r/4), found exactly between the grid's values, and the summary
// is over those places; a replicate that stays above the level is counted
// as not crossing, and a failed run leaves its replicate's other points.
func TestCrossingsFollowEachReplicate(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"f", "0:0.5:0.1"}, {"topology", "ring,star"}}, Reps: 4}
	fall := func(vals []string, rep int) float64 {
		x, _ := strconv.ParseFloat(vals[0], 64)
		slope := 1 + float64(rep)/4
		if vals[1] == "star" {
			slope *= 2
		}
		if vals[1] == "ring" && rep == 3 {
			slope = 0.5 // stays above 0.5 up to f = 0.5
		}
		return 1 - slope*x
	}
	rows, header := contrastRows(t, plan, 5, func(_ int, vals []string, rep int, fig string) string {
		if fig == "y" {
			return ""
		}
		return strconv.FormatFloat(fall(vals, rep), 'g', -1, 64)
	})
	for _, r := range rows {
		if r[4] == "0.3" && r[5] == "star" && r[2] == "0" {
			r[len(r)-3] = StatusFailed
		}
	}
	recs := Crossings(rows, header, plan, []Crossing{{"x", 0.5}, {"y", 0.5}})
	if len(recs) != 4 {
		t.Fatalf("%d records, want 2 topologies x 2 crossings: %v", len(recs), recs)
	}
	mean := func(xs ...float64) string {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return strconv.FormatFloat(s/float64(len(xs)), 'g', -1, 64)
	}
	want := [][]string{
		{"ring", "x", "0.5", "4", "3", mean(0.5, 0.5/1.25, 0.5/1.5)},
		{"ring", "y", "0.5", "0", "0", ""},
		{"star", "x", "0.5", "4", "4", mean(0.25, 0.25/1.25, 0.25/1.5, 0.25/1.75)},
		{"star", "y", "0.5", "0", "0", ""},
	}
	for i, w := range want {
		got := recs[i][:6]
		if !slices.Equal(got[:5], w[:5]) {
			t.Errorf("record %d: %v, want %v", i, recs[i], w)
			continue
		}
		if w[5] == "" {
			if got[5] != "" {
				t.Errorf("record %d: a mean where no replicate crosses: %v", i, recs[i])
			}
			continue
		}
		g, _ := strconv.ParseFloat(got[5], 64)
		e, _ := strconv.ParseFloat(w[5], 64)
		if math.Abs(g-e) > 1e-12 {
			t.Errorf("record %d: mean %v, want %v", i, g, e)
		}
	}
	// The ring's three places, 0.5, 0.4 and 0.33, have a t-interval
	// reaching to 0.62, past the last value varied; it is cut there.
	if lo, _ := strconv.ParseFloat(recs[0][7], 64); recs[0][8] != "0.5" || lo >= 0.4 {
		t.Errorf("the ring's interval [%s, %s], want it cut at 0.5", recs[0][7], recs[0][8])
	}
}

// TestCrossingsAreChecked: a crossing must name a recorded figure and the
// first path must be a grid of numbers; ParseCrossing wants FIGURE=LEVEL.
func TestCrossingsAreChecked(t *testing.T) {
	figs := []string{"final_nodes", "nodes_resistance"}
	num := &Plan{Vary: []Vary{{"f", "0,0.1"}}, Reps: 2, Design: DesignGrid}
	for _, c := range []struct {
		plan *Plan
		cs   []Crossing
		want string
	}{
		{num, []Crossing{{"nodes_resilience", 0.5}}, "records no figure nodes_resilience"},
		{&Plan{Vary: []Vary{{"topology", "star,ring"}}, Reps: 2, Design: DesignGrid}, []Crossing{{"final_nodes", 1}}, "first --vary takes two or more numbers"},
		{&Plan{Vary: []Vary{{"f", "uniform(0,1)"}}, Reps: 2, Design: DesignLHS, Samples: 4}, []Crossing{{"final_nodes", 1}}, "grid design"},
	} {
		if err := CheckCrossings(c.cs, c.plan, figs); err == nil || !IsPlanError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a plan error with %q", c.cs, err, c.want)
		}
	}
	if err := CheckCrossings([]Crossing{{"final_nodes", 100}}, num, figs); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"final_nodes", "=0.5", "final_nodes=half", "final_nodes=NaN", "final_nodes=Inf"} {
		if _, err := ParseCrossing(bad); err == nil || !IsPlanError(err) {
			t.Errorf("ParseCrossing(%q): %v", bad, err)
		}
	}
	if c, err := ParseCrossing("nodes_resistance=0.5"); err != nil || c != (Crossing{"nodes_resistance", 0.5}) {
		t.Errorf("ParseCrossing: %+v, %v", c, err)
	}
}

// TestCrossingsAreKeptWithTheSweep: a rerun that asks for no crossing
// keeps those recorded in sweep.json; one that asks for others records
// them, as they change no run.
func TestCrossingsAreKeptWithTheSweep(t *testing.T) {
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.1"}}, Reps: 2}
	open := func(cs []Crossing) []Crossing {
		t.Helper()
		uses, saved := reopen(t, plan, Options{Out: dir, Crossings: cs})
		if !slices.Equal(saved.Crossings, uses.Crossings) {
			t.Fatalf("sweep.json has %v, the sweep uses %v", saved.Crossings, uses.Crossings)
		}
		return saved.Crossings
	}
	a := []Crossing{{"nodes_resistance", 0.5}}
	b := []Crossing{{"final_nodes", 60}, {"nodes_resistance", 0.8}}
	if got := open(a); !slices.Equal(got, a) {
		t.Errorf("first: %v", got)
	}
	if got := open(nil); !slices.Equal(got, a) {
		t.Errorf("rerun without: %v, want %v kept", got, a)
	}
	if got := open(b); !slices.Equal(got, b) {
		t.Errorf("rerun with others: %v", got)
	}
	if _, err := Prepare(plan, topologyBase(t), Options{Out: filepath.Join(dir, "new"), Crossings: []Crossing{{"nope", 1}}}); err == nil {
		t.Error("an unknown figure was taken")
	} else if _, serr := os.Stat(filepath.Join(dir, "new")); serr == nil {
		t.Error("a refused sweep made its directory")
	}
}

// reopen prepares plan over the topology scenario with o, as a sweep (or
// its rerun) does, and closes it: it returns the manifest the sweep uses
// and the one sweep.json then holds.
func reopen(t *testing.T, plan *Plan, o Options) (uses, saved *Manifest) {
	t.Helper()
	p, err := Prepare(plan, topologyBase(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Store.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	return p.Manifest, m
}

// TestAnalyseWorksFromTheRunsAlone: a sweep's analysis files are worked
// out anew from runs.csv and sweep.json, the same as the sweep wrote them,
// with the crossings asked for recorded; not while a sweep writes there.
func TestAnalyseWorksFromTheRunsAlone(t *testing.T) {
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.1,0.2"}}, Reps: 2}
	if _, err := runSweep(t, context.Background(), plan, Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	agg, con := read("aggregate.csv"), read("contrasts.csv")
	for _, f := range []string{"aggregate.csv", "contrasts.csv"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	cs := []Crossing{{"final_nodes", 100}}
	if err := Analyse(dir, cs, ""); err != nil {
		t.Fatal(err)
	}
	if read("aggregate.csv") != agg || read("contrasts.csv") != con {
		t.Error("the analysis differs from the sweep's own")
	}
	if !strings.HasPrefix(read("crossings.csv"), "figure,level,replicates,crossed,") {
		t.Errorf("crossings.csv:\n%s", read("crossings.csv"))
	}
	if m, err := ReadManifest(dir); err != nil || !slices.Equal(m.Crossings, cs) {
		t.Errorf("sweep.json's crossings: %+v, %v", m, err)
	}
	if err := Analyse(dir, []Crossing{{"final_node", 1}}, ""); err == nil || !IsPlanError(err) {
		t.Errorf("an unknown figure: %v", err)
	}
	st, err := OpenStore(dir, Header(plan, Figures(topologyBase(t))), Figures(topologyBase(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := Analyse(dir, nil, ""); !errors.Is(err, ErrBusy) {
		t.Errorf("analysing a sweep being written: %v", err)
	}
}
