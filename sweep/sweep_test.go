package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/nats-io/nats-server/v2/server.(*Server).Start.func1"))
}

// topologyBase is the topology scenario cut to 120 ticks: hubs die at 100.
func topologyBase(t *testing.T) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Load("topology", []string{"ticks=120", "network.nodes=120", "world.width=12", "world.height=10"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// prepared is Prepare into dir, failing the test on an error.
func prepared(t *testing.T, plan *Plan, base *scenarios.Scenario, dir string) *Prepared {
	t.Helper()
	p, err := Prepare(plan, base, Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func smallPlan() *Plan {
	return &Plan{Vary: []Vary{{"network.topology", "star,random"}, {"failures[0].fraction", "0,0.1"}}, Reps: 2}
}

func runSweep(t *testing.T, ctx context.Context, plan *Plan, o Options) (Progress, error) {
	t.Helper()
	p, err := Prepare(plan, topologyBase(t), o)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := RunLocal(ctx, p, o)
	if ferr := p.Finish(o.Out); ferr != nil {
		t.Fatal(ferr)
	}
	return prog, err
}

// rowsByKey reads runs.csv, drops the wall-time column and sorts by key.
func rowsByKey(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	out := make([]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		out = append(out, l[:strings.LastIndexByte(l, ',')])
	}
	sort.Strings(out)
	return out
}

func TestLocalSweepIsTheSameWithOneOrFourWorkers(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: a, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: b, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	ra, rb := rowsByKey(t, a), rowsByKey(t, b)
	if len(ra) != 8 || !slices.Equal(ra, rb) {
		t.Fatalf("1 worker:\n%s\n4 workers:\n%s", strings.Join(ra, "\n"), strings.Join(rb, "\n"))
	}
	for _, f := range []string{"aggregate.csv", "sweep.json"} {
		if _, err := os.Stat(filepath.Join(a, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
}

// TestSweepSharesControls: the 8 runs of smallPlan have 4 controls, one
// per topology and seed, whatever the failure's fraction; a sweep runs
// each once, whether it keeps its runs or not, with the same rows. A kept
// run's control is links to the files its sharers have, the same bytes as
// the control of that run made alone, and the files kept to share are
// gone when the sweep ends.
func TestSweepSharesControls(t *testing.T) {
	mem, kept := t.TempDir(), t.TempDir()
	for _, o := range []Options{{Out: mem, Workers: 3}, {Out: kept, Workers: 3, KeepRuns: true}} {
		prog, err := runSweep(t, context.Background(), smallPlan(), o)
		if err != nil {
			t.Fatal(err)
		}
		if prog.ControlsRun != 4 || prog.ControlsShared != 4 || prog.Forked != 8 {
			t.Errorf("keep %v: %d controls run, %d shared, %d runs forked from one; want 4, 4 and 8", o.KeepRuns, prog.ControlsRun, prog.ControlsShared, prog.Forked)
		}
	}
	if a, b := rowsByKey(t, mem), rowsByKey(t, kept); len(a) != 8 || !slices.Equal(a, b) {
		t.Fatalf("in memory:\n%s\nkept:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if _, err := os.Stat(filepath.Join(kept, ".controls")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the controls kept to share are still there: %v", err)
	}
	// Runs by control: the same topology and seed.
	byControl := map[string][]string{}
	for _, r := range readRuns(t, kept) {
		k := r["network.topology"] + "/" + r["seed"]
		byControl[k] = append(byControl[k], r["key"])
	}
	if len(byControl) != 4 {
		t.Fatalf("%d controls among the runs, want 4", len(byControl))
	}
	for _, keys := range byControl {
		a, b := filepath.Join(kept, "runs", keys[0], "control"), filepath.Join(kept, "runs", keys[1], "control")
		for _, f := range []string{"metrics.csv", "events.jsonl", "scenario.yaml"} {
			fa, err1 := os.Stat(filepath.Join(a, f))
			fb, err2 := os.Stat(filepath.Join(b, f))
			if err1 != nil || err2 != nil || !os.SameFile(fa, fb) {
				t.Errorf("%s of runs %s and %s: not one file (%v, %v)", f, keys[0], keys[1], err1, err2)
			}
		}
	}
	// One run again, by itself: its control's files are those kept.
	key := byControl[slices.Sorted(maps.Keys(byControl))[0]][1]
	s, err := scenarios.Parse("kept", mustRead(t, filepath.Join(kept, "runs", key, "scenario.yaml")), nil)
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "alone")
	if _, err := runner.Run(context.Background(), runner.Options{Scenario: s, Out: alone, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"metrics.csv", "events.jsonl", "scenario.yaml"} {
		if !bytes.Equal(mustRead(t, filepath.Join(alone, "control", f)), mustRead(t, filepath.Join(kept, "runs", key, "control", f))) {
			t.Errorf("control/%s of run %s differs from the run's own", f, key)
		}
	}
}

// TestCommonRandomNumbersAreVisible varies a field the topology scenario
// does not use (it has no ants): both points' rows must be identical apart
// from key, point and the varied value.
func TestCommonRandomNumbersAreVisible(t *testing.T) {
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"ants.upkeep", "0.001,0.002"}}, Reps: 2}
	if _, err := runSweep(t, context.Background(), plan, Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(dir, Header(plan, Figures(topologyBase(t))), Figures(topologyBase(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	byRep := map[string][][]string{}
	for _, r := range st.Rows() {
		byRep[r[2]] = append(byRep[r[2]], r)
	}
	for rep, rs := range byRep {
		if len(rs) != 2 {
			t.Fatalf("replicate %s has %d rows", rep, len(rs))
		}
		a, b := rs[0][5:len(rs[0])-1], rs[1][5:len(rs[1])-1]
		if !slices.Equal(a, b) || rs[0][3] != rs[1][3] {
			t.Errorf("replicate %s differs between points:\n%v\n%v", rep, rs[0], rs[1])
		}
	}
	if byRep["0"][0][3] == byRep["1"][0][3] {
		t.Error("replicates 0 and 1 share a seed")
	}
}

// TestInterruptedSweepResumesWithEveryRunOnce stops a sweep after three
// runs, then reruns it into the same directory.
func TestInterruptedSweepResumesWithEveryRunOnce(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	o := Options{Out: dir, Workers: 2, Progress: func(p Progress) {
		if p.Done == 3 {
			cancel()
		}
	}}
	_, err := runSweep(t, ctx, smallPlan(), o)
	if !errors.Is(err, sim.ErrInterrupted) {
		t.Fatalf("want interrupted, got %v", err)
	}
	first := rowsByKey(t, dir)
	if len(first) < 3 || len(first) >= 8 {
		t.Fatalf("%d runs recorded before the stop", len(first))
	}
	// A torn last line, as a crash mid-write would leave, is cut off.
	f, _ := os.OpenFile(filepath.Join(dir, "runs.csv"), os.O_APPEND|os.O_WRONLY, 0o644)
	f.WriteString("deadbeef,0,0,1,star")
	f.Close()
	prog, err := runSweep(t, context.Background(), smallPlan(), Options{Out: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if prog.Skipped != len(first) || prog.Done != 8-len(first) {
		t.Fatalf("resume ran %d and skipped %d", prog.Done, prog.Skipped)
	}
	all := rowsByKey(t, dir)
	keys := map[string]bool{}
	for _, r := range all {
		keys[r[:strings.IndexByte(r, ',')]] = true
	}
	if len(all) != 8 || len(keys) != 8 {
		t.Fatalf("%d rows, %d distinct keys; want 8 and 8", len(all), len(keys))
	}
}

func TestShardsMergeIntoTheWholeSweep(t *testing.T) {
	whole, s0, s1, merged := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: whole, Workers: 2, KeepRuns: true}); err != nil {
		t.Fatal(err)
	}
	for i, d := range []string{s0, s1} {
		if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: d, Workers: 2, Shard: i, Shards: 2, KeepRuns: true}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rowsByKey(t, s0)); n != 4 {
		t.Fatalf("shard 0/2 ran %d of 8", n)
	}
	n, err := Merge(merged, []string{s0, s1})
	if err != nil || n != 8 {
		t.Fatalf("merge: %d, %v", n, err)
	}
	if !slices.Equal(rowsByKey(t, whole), rowsByKey(t, merged)) {
		t.Fatal("merged shards differ from the whole sweep")
	}
	agg := func(d string) string { b, _ := os.ReadFile(filepath.Join(d, "aggregate.csv")); return string(b) }
	if agg(whole) != agg(merged) {
		t.Fatal("aggregates differ")
	}
	// The runs the shards kept are the merged sweep's, as the whole
	// sweep's are its own, and stay when the shards go.
	if err := os.RemoveAll(s0); err != nil {
		t.Fatal(err)
	}
	files := func(d string) map[string]string {
		out := map[string]string{}
		filepath.WalkDir(filepath.Join(d, "runs"), func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(d, p)
				if filepath.Base(p) == "summary.json" {
					b = nil // it holds the run's wall times
				}
				out[rel] = string(b)
			}
			return nil
		})
		return out
	}
	if w, m := files(whole), files(merged); len(w) < 8*4 || !maps.Equal(w, m) {
		t.Errorf("the whole sweep kept %d files, the merged one %d, or they differ", len(w), len(m))
	}
}

func TestInvalidPlansFailBeforeAnyRun(t *testing.T) {
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.5,1.5"}}}
	_, err := Prepare(plan, topologyBase(t), Options{Out: dir})
	if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "point 2 (failures[0].fraction=1.5)") {
		t.Fatalf("want the bad point named, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.csv")); !os.IsNotExist(err) {
		t.Fatal("runs.csv written for an invalid plan")
	}
	other := &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.5"}}}
	if _, err := runSweep(t, context.Background(), other, Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	_, err = Prepare(smallPlan(), topologyBase(t), Options{Out: dir})
	if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "different sweep") {
		t.Fatalf("a different sweep into the same directory must be refused: %v", err)
	}
	// A directory that holds files but no sweep, such as a run's, is
	// refused and left as it was.
	run := t.TempDir()
	for _, f := range []string{"summary.json", "plots/timeseries.png"} {
		os.MkdirAll(filepath.Join(run, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(run, f), []byte("x"), 0o644)
	}
	_, err = Prepare(smallPlan(), topologyBase(t), Options{Out: run})
	if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "holds files but no sweep (no sweep.json)") {
		t.Fatalf("a directory without a sweep must be refused: %v", err)
	}
	entries, _ := os.ReadDir(run)
	if _, perr := os.Stat(filepath.Join(run, "plots/timeseries.png")); len(entries) != 2 || perr != nil {
		t.Fatalf("the directory was changed: %d entries, %v", len(entries), perr)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "sweep.json"), []byte("{"), 0o644)
	if _, err := Prepare(smallPlan(), topologyBase(t), Options{Out: bad}); err == nil || !strings.Contains(err.Error(), "sweep.json") {
		t.Fatalf("a corrupt sweep.json must be an error naming it, not replaced: %v", err)
	}
}

// TestFailingRunDoesNotStopTheSweep makes one point's photosynthesis
// overflow: its runs are recorded as failed with the agent, tick and rule,
// and the other point's runs complete.
func TestFailingRunDoesNotStopTheSweep(t *testing.T) {
	dir := t.TempDir()
	base, err := scenarios.Load("tiny", []string{"ticks=30"})
	if err != nil {
		t.Fatal(err)
	}
	plan := &Plan{Vary: []Vary{{"trees.species[0].growth", "0.05,1e308"}}, Reps: 2}
	p := prepared(t, plan, base, dir)
	prog, err := RunLocal(context.Background(), p, Options{Out: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p.Finish(dir)
	if prog.Done != 4 || prog.Failed != 2 {
		t.Fatalf("progress %+v; want 4 done, 2 failed", prog)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		failed := strings.Contains(l, ",failed,")
		if failed != strings.Contains(l, ",1e308,") {
			t.Errorf("row %s", l)
		}
		if failed && !strings.Contains(l, "rules.Photosynthesis returned +Inf") {
			t.Errorf("failed row does not say why: %s", l)
		}
	}
}

// TestSecondSweepIntoABusyDirectoryIsRefused holds a sweep directory's
// store open, as a running sweep does, and starts the same sweep into it:
// it must be refused before any run, and go ahead once the first is done.
func TestSecondSweepIntoABusyDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	plan := smallPlan()
	first, err := Prepare(plan, topologyBase(t), Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	_, err = Prepare(smallPlan(), topologyBase(t), Options{Out: dir, Workers: 2})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "another sweep or merge is writing into") {
		t.Fatalf("want the busy directory refused, got %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if !bytes.Equal(before, after) {
		t.Fatalf("the refused sweep wrote runs.csv:\n%s", after)
	}
	if err := first.Store.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: dir, Workers: 2}); err != nil {
		t.Fatalf("once the first let go: %v", err)
	}
}

// TestReplicatesOfOneScenario: a plan that varies nothing runs the
// scenario's replicates as one point, and aggregates them like any point's;
// one replicate of nothing, or a drawn design of nothing, is refused.
func TestReplicatesOfOneScenario(t *testing.T) {
	dir := t.TempDir()
	prog, err := runSweep(t, context.Background(), &Plan{Reps: 3}, Options{Out: dir, Workers: 2})
	if err != nil || prog.Done != 3 {
		t.Fatalf("%+v, %v", prog, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "aggregate.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "point,figure,n,mean,sd,ci_low,ci_high" || !strings.HasPrefix(lines[1], "0,final_giant_component,3,") {
		t.Errorf("aggregate.csv:\n%s", b)
	}
	seeds := map[string]bool{}
	for _, r := range rowsByKey(t, dir) {
		seeds[strings.Split(r, ",")[3]] = true
	}
	if len(seeds) != 3 {
		t.Errorf("%d seeds among 3 replicates", len(seeds))
	}
	for _, p := range []*Plan{{Reps: 1}, {Reps: 3, Design: DesignLHS, Samples: 4}} {
		if err := p.Check(); !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "nothing varies") {
			t.Errorf("%+v: %v", p, err)
		}
	}
}

// TestSobolSweepRecordedBeforeTheSampler: a sobol sweep.json without a
// sampler, as ecosim wrote it before there was one, is read as the Latin
// hypercubes it was drawn from: its analysis redraws that design and gives
// the same sobol.csv, and a rerun with the default sampler is refused with
// the flag that continues it, which then does.
func TestSobolSweepRecordedBeforeTheSampler(t *testing.T) {
	dir := t.TempDir()
	plan := func(sampler string) *Plan {
		p := &Plan{Vary: []Vary{{"failures[0].fraction", "uniform(0,0.3)"}, {"network.mean_degree", "uniform(2,6)"}}, Design: DesignSobol, Samples: 4, Sampler: sampler}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := runSweep(t, context.Background(), plan(SamplerLHS), Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	sobol := func() string {
		t.Helper()
		if err := Analyse(dir, nil, ""); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "sobol.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := sobol()
	path := filepath.Join(dir, "sweep.json")
	b, _ := os.ReadFile(path)
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if p, _ := doc["plan"].(map[string]any); p["sampler"] != SamplerLHS {
		t.Fatalf("sweep.json names no sampler to take out:\n%s", b)
	} else {
		delete(p, "sampler")
	}
	if b, _ = json.Marshal(doc); bytes.Contains(b, []byte("sampler")) {
		t.Fatalf("the sampler is still there: %s", b)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadManifest(dir); err != nil || m.Plan.Sampler != SamplerLHS {
		t.Fatalf("an old sobol sweep.json reads as another sampler (%v): %+v", err, m)
	}
	if after := sobol(); after != before {
		t.Errorf("sobol.csv of the old sweep.json:\n%s\nwas:\n%s", after, before)
	}
	_, err := Prepare(plan(""), topologyBase(t), Options{Out: dir})
	if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "drawn with --sampler lhs; give --sampler lhs to continue it") {
		t.Fatalf("a rerun with the default sampler: %v", err)
	}
	if _, err := Prepare(plan(SamplerLHS), topologyBase(t), Options{Out: dir}); err != nil {
		t.Fatalf("a rerun with --sampler lhs: %v", err)
	}
}

// readRuns reads dir's runs.csv, a map from column to value a run.
func readRuns(t *testing.T, dir string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(mustRead(t, filepath.Join(dir, "runs.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
