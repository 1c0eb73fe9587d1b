package agents_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// transcript keeps every row and event an engine reports, as text.
type transcript struct{ rows, events []string }

func (t *transcript) Tick(tick int, row []float64) error {
	s := strconv.Itoa(tick)
	for _, v := range row {
		s += "," + strconv.FormatFloat(v, 'g', -1, 64)
	}
	t.rows = append(t.rows, s)
	return nil
}

func (t *transcript) Event(ev sim.Event) error {
	t.events = append(t.events, fmt.Sprintf("%+v", ev))
	return nil
}

// forkCases are scenarios whose failures strike after tick 40: every
// built-in, its failures moved into a 120-tick run, and the tiny world under
// each kind of failure the built-ins do not have (and one whose messages
// are in flight when it forks).
func forkCases(t *testing.T) map[string]*scenarios.Scenario {
	cases := map[string]*scenarios.Scenario{}
	for _, name := range scenarios.Builtins() {
		if s, n := failuresMoved(t, name, 120, 60, 20, 20); n > 0 {
			cases[name] = s
		}
	}
	tiny, _ := scenarios.BuiltinSource("tiny")
	for name, f := range map[string]string{
		"slow_network": "{kind: message_loss, at: 60, duration: 40, rate: 0.5}",
		"cut_links":    "{kind: cut_links, at: 60, fraction: 0.5, every: 20, duration: 60}",
		"partition":    "{kind: partition, at: 60, duration: 40, line: {axis: x, at: 8}}",
		"message_loss": "{kind: message_loss, at: 60, duration: 40, rate: 0.3}",
		"latency":      "{kind: latency, at: 60, duration: 40, extra: 2}",
		"pest":         "{kind: pest, at: 60, count: 3, spread: 0.3, damage: 0.1}",
		"blight":       "{kind: blight, at: 60, fraction: 0.5, severity: 0.5}",
		"kill_fungi":   "{kind: kill, at: 60, target: fungi, fraction: 0.5}",
		"kill_ants":    "{kind: kill, at: 60, target: ants, fraction: 0.5}",
		"kill_colony":  "{kind: kill, at: 60, target: colony, count: 1}",
		"fire":         "{kind: fire, at: 60, ignite: random, count: 2, spread: 0.6, neighbourhood: 8}",
	} {
		src := slices.Clone(tiny)
		if name == "slow_network" {
			src = bytes.Replace(src, []byte("latency: 1"), []byte("latency: 3"), 1)
		}
		s, err := scenarios.Parse(name+".yaml", append(src, "failures:\n  - "+f+"\n"...), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cases["tiny/"+name] = s
	}
	return cases
}

// TestForkIsTheRunItself forks each scenario's control at the tick before
// its first failure and runs the fork and the control on at once: the fork
// must report, row for row and event for event, what the failure run
// reports from its start, and the control what it reports alone. With the
// race detector on, any memory the two share and either writes is reported.
func TestForkIsTheRunItself(t *testing.T) {
	cases := forkCases(t)
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		s := cases[name]
		for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
			if mode == sim.ModeActors && name != "tiny/pest" && name != "tiny/slow_network" {
				continue
			}
			t.Run(name+"/"+mode.String(), func(t *testing.T) {
				t.Parallel()
				forkAndCompare(t, s, mode, s.FirstFailure()-1, runAll(t, s, mode), runAll(t, s.Control(), mode))
			})
		}
	}
}

// forkAndCompare runs s's control to tick at, forks s from it there and
// runs both on at once: the fork must report what s reports alone (whole)
// and the control what it reports alone.
func forkAndCompare(t *testing.T, s *scenarios.Scenario, mode sim.Mode, at int, whole, alone transcript) {
	t.Helper()
	cm, ce, err := s.Control().Build(mode, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ctl, fork transcript
	ce.Observe(&ctl)
	if err := ce.Advance(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	fm, err := cm.Fork(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	fe := fm.Engine()
	fe.Observe(&fork)
	fork.rows, fork.events = slices.Clone(ctl.rows), slices.Clone(ctl.events)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = ce.Advance(context.Background(), s.Ticks-at) })
	wg.Go(func() { errs[1] = fe.Advance(context.Background(), s.Ticks-at) })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	same(t, fmt.Sprintf("the fork at tick %d", at), fork, whole)
	same(t, fmt.Sprintf("the control after the fork at tick %d", at), ctl, alone)
	if fe.Tick() != s.Ticks {
		t.Fatalf("the fork ran to tick %d, not %d", fe.Tick(), s.Ticks)
	}
}

// TestForkAtAnyTick forks at ticks drawn at random before the failure, so
// that forks see the engine's tables in their other states: contexts of
// reaped agents waiting for a compaction, pages of links let go, messages
// in flight, a population growing or shrinking.
func TestForkAtAnyTick(t *testing.T) {
	cases := forkCases(t)
	rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	for _, name := range []string{"ants", "mycorrhiza", "tiny/slow_network", "tiny/blight"} {
		s := cases[name]
		whole, alone := runAll(t, s, sim.ModeShards), runAll(t, s.Control(), sim.ModeShards)
		for range 4 {
			at := 1 + rng.IntN(s.FirstFailure()-1)
			t.Run(fmt.Sprintf("%s/%d", name, at), func(t *testing.T) {
				forkAndCompare(t, s, sim.ModeShards, at, whole, alone)
			})
		}
	}
}

func runAll(t *testing.T, s *scenarios.Scenario, mode sim.Mode) transcript {
	t.Helper()
	_, e, err := s.Build(mode, 0)
	if err != nil {
		t.Fatal(err)
	}
	var tr transcript
	e.Observe(&tr)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tr
}

func same(t *testing.T, what string, got, want transcript) {
	t.Helper()
	if len(got.rows) != len(want.rows) || len(got.events) != len(want.events) {
		t.Fatalf("%s: %d rows and %d events, want %d and %d", what, len(got.rows), len(got.events), len(want.rows), len(want.events))
	}
	for i := range got.rows {
		if got.rows[i] != want.rows[i] {
			t.Fatalf("%s: row %d is\n%s\nwant\n%s", what, i, got.rows[i], want.rows[i])
		}
	}
	for i := range got.events {
		if got.events[i] != want.events[i] {
			t.Fatalf("%s: event %d is %s, want %s", what, i, got.events[i], want.events[i])
		}
	}
}

// TestForkSharesNothingWritable walks everything a fork reaches and checks
// that none of it lies in memory the original reaches, but for the
// configuration, which no run writes. The race detector finds shared memory
// only where a run writes it during the test; this finds it anywhere.
func TestForkSharesNothingWritable(t *testing.T) {
	s, err := scenarios.Load("forest", []string{"ticks=120", "failures[0].at=100", "failures[1].at=110"})
	if err != nil {
		t.Fatal(err)
	}
	m, e, err := s.Control().Build(sim.ModeShards, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(context.Background(), 90); err != nil {
		t.Fatal(err)
	}
	f, err := m.Fork(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	var orig spans
	w := walker{seen: map[walkKey]bool{}, skip: reflect.TypeFor[agents.Config]()}
	w.walk(reflect.ValueOf(m), "m", func(_ string, lo, hi uintptr) { orig = append(orig, span{lo, hi}) })
	if len(orig) < 100 {
		t.Fatalf("the walk found only %d pieces of memory", len(orig))
	}
	orig = orig.merged()
	shared := 0
	w.seen = map[walkKey]bool{}
	w.walk(reflect.ValueOf(f), "fork", func(path string, lo, hi uintptr) {
		if orig.overlaps(lo, hi) {
			if shared++; shared <= 10 {
				t.Errorf("%s lies in the original's memory", path)
			}
		}
	})
	if shared > 0 {
		t.Fatalf("the fork shares %d pieces of memory with the original", shared)
	}
}

type span struct{ lo, hi uintptr }

type spans []span

// merged returns the union of the spans as disjoint spans in order.
func (s spans) merged() spans {
	sort.Slice(s, func(i, j int) bool { return s[i].lo < s[j].lo })
	var out spans
	for _, sp := range s {
		if n := len(out); n > 0 && sp.lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, sp.hi)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// overlaps reports whether [lo, hi) meets any of the merged spans.
func (s spans) overlaps(lo, hi uintptr) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].hi > lo })
	return i < len(s) && s[i].lo < hi
}

type walkKey struct {
	p uintptr
	t reflect.Type
}

// walker visits every piece of memory a value reaches through pointers,
// slices, maps and interfaces, unexported fields included.
type walker struct {
	seen map[walkKey]bool
	skip reflect.Type
}

func (w *walker) walk(v reflect.Value, path string, f func(path string, lo, hi uintptr)) {
	if v.Type() == w.skip {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		p, size := v.Pointer(), v.Type().Elem().Size()
		if size > 0 {
			f(path, p, p+size)
		}
		if k := (walkKey{p, v.Type()}); !w.seen[k] {
			w.seen[k] = true
			w.walk(v.Elem(), path+".*", f)
		}
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 {
			return
		}
		p, size := v.Pointer(), uintptr(v.Cap())*v.Type().Elem().Size()
		if size > 0 {
			f(path, p, p+size)
		}
		if k := (walkKey{p, v.Type()}); !w.seen[k] {
			w.seen[k] = true
			for i := range v.Len() {
				w.walk(v.Index(i), path+"["+strconv.Itoa(i)+"]", f)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			w.walk(v.Index(i), path+"["+strconv.Itoa(i)+"]", f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			w.walk(v.Field(i), path+"."+v.Type().Field(i).Name, f)
		}
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem(), path+".(iface)", f)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		f(path, v.Pointer(), v.Pointer()+1)
		it := v.MapRange()
		for it.Next() {
			w.walk(it.Key(), path+"{key}", f)
			w.walk(it.Value(), path+"{value}", f)
		}
	case reflect.Chan:
		if !v.IsNil() {
			f(path, v.Pointer(), v.Pointer()+1)
		}
	}
}

// TestForkRefusesAnotherExperiment: a fork is the failure run only when the
// two configurations differ in their failures alone and none has struck.
func TestForkRefusesAnotherExperiment(t *testing.T) {
	s, err := scenarios.Load("tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	m, e, err := s.Build(sim.ModeShards, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	at := func(tick int) agents.Config {
		c := s.Config
		c.Failures = []agents.Failure{{Kind: "drought", At: tick, Severity: 0.5}}
		return c
	}
	if _, err := m.Fork(at(11)); err != nil {
		t.Fatalf("a drought at tick 11, forked at tick 10: %v", err)
	}
	if _, err := m.Fork(at(10)); err == nil || !strings.Contains(err.Error(), "strikes at tick 10") {
		t.Fatalf("a drought at tick 10, forked at tick 10: %v", err)
	}
	other := at(11)
	other.Fungi.ShareRate *= 2
	if _, err := m.Fork(other); err == nil || !strings.Contains(err.Error(), "more than their failures") {
		t.Fatalf("another share rate: %v", err)
	}
	f, err := m.Fork(at(20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Fork(at(30)); err == nil || !strings.Contains(err.Error(), "has failures") {
		t.Fatalf("forking a model with failures: %v", err)
	}
}
