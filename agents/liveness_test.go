package agents_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

type series struct {
	names []string
	rows  [][]float64
}

func (s *series) Tick(_ int, row []float64) error {
	s.rows = append(s.rows, append([]float64(nil), row...))
	return nil
}
func (s *series) Event(sim.Event) error { return nil }

func (s *series) col(name string) []float64 {
	for i, n := range s.names {
		if n == name {
			out := make([]float64, len(s.rows))
			for t, r := range s.rows {
				out[t] = r[i]
			}
			return out
		}
	}
	panic("no indicator " + name)
}

// runSeries runs s in shards mode on workers (0: one per core) and
// returns every row it recorded, its model and its engine.
func runSeries(t *testing.T, s *scenarios.Scenario, workers int) (*series, *agents.Model, *sim.Engine) {
	t.Helper()
	m, e, err := s.Build(sim.ModeShards, workers)
	if err != nil {
		t.Fatal(err)
	}
	rec := &series{names: m.IndicatorNames()}
	e.Observe(rec)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rec, m, e
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// TestForestIsAlive runs the forest for 1,000 ticks and checks that the
// model does what it claims: turnover of trees, an emergent fungal network
// whose hubs are the largest trees, carbon moving over it, ant trails and
// food deliveries, and no indicator NaN or stuck at zero. In those 1,000
// ticks more trees and ants die than live at the end, so the same run
// checks that the records of the dead are dropped (checkRecordsDropped):
// under the race detector a run of it took 27–67 s here.
func TestForestIsAlive(t *testing.T) {
	s, err := scenarios.Load("forest", nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, m, e := runSeries(t, s.Control(), 0)
	if b, d := sum(rec.col("tree_births")), sum(rec.col("tree_deaths")); b < 100 || d < 100 {
		t.Errorf("trees born %v and died %v over 1000 ticks; expected turnover", b, d)
	}
	if moved := sum(rec.col("carbon_moved")); moved <= 0 {
		t.Errorf("no carbon moved over the network")
	}
	if food := sum(rec.col("food_delivered")); food <= 0 {
		t.Errorf("ants delivered no food")
	}
	// Losses, nodes, fire and pests need failures or a node topology, which
	// the failure-free forest does not have.
	alwaysZeroOK := map[string]bool{"messages_lost": true, "messages_in_flight": true, "carbon_in_flight": true,
		"node_carbon": true, "nodes": true, "carbon_removed": true, "burned_fraction": true,
		"infested_trees": true, "warned_trees": true}
	for _, n := range rec.names {
		c := rec.col(n)
		nonzero := false
		for tick, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s is %v at tick %d", n, v, tick)
			}
			nonzero = nonzero || v != 0
		}
		if !nonzero && !alwaysZeroOK[n] {
			t.Errorf("indicator %s is zero throughout", n)
		}
	}
	if trail := rec.col("trail_strength"); trail[len(trail)-1] <= 0 {
		t.Errorf("no pheromone trail at the end")
	}
	checkHubs(t, m, e)
	checkRecordsDropped(t, m, e)
}

// checkHubs asserts that degree follows size: the largest trees hold the
// most fungal links, and the maximum tree degree is at least twice the mean.
func checkHubs(t *testing.T, m *agents.Model, e *sim.Engine) {
	type td struct {
		biomass float64
		degree  int
	}
	var trees []td
	for _, id := range e.Live() {
		if tr, ok := m.TreeOf(id); ok {
			trees = append(trees, td{tr.Biomass, e.Net.Degree(id)})
		}
	}
	sort.Slice(trees, func(i, j int) bool { return trees[i].biomass > trees[j].biomass })
	meanDeg := func(ts []td) float64 {
		s := 0
		for _, x := range ts {
			s += x.degree
		}
		return float64(s) / float64(len(ts))
	}
	all, top, bottom := meanDeg(trees), meanDeg(trees[:len(trees)/10]), meanDeg(trees[len(trees)/2:])
	maxDeg := 0
	for _, x := range trees {
		maxDeg = max(maxDeg, x.degree)
	}
	t.Logf("trees %d: mean degree %.3f, largest 10%% %.3f, smallest half %.3f, max %d", len(trees), all, top, bottom, maxDeg)
	if top < 2*bottom || top <= all {
		t.Errorf("largest trees should hold the most links: top decile %.3f, bottom half %.3f, all %.3f", top, bottom, all)
	}
	if float64(maxDeg) < 2*all || maxDeg < 3 {
		t.Errorf("max tree degree %d is not at least twice the mean %.3f", maxDeg, all)
	}
}

// checkRecordsDropped asserts that a run in which more trees and ants
// died than live at its end left each kind with at most about a third more
// records than it has living agents, and that every living agent's index
// still finds its own record (Audit).
func checkRecordsDropped(t *testing.T, m *agents.Model, e *sim.Engine) {
	t.Helper()
	if err := m.Audit(); err != nil {
		t.Fatal(err)
	}
	made, live := map[agents.Kind]int{}, map[agents.Kind]int{}
	for id := range e.NumAgents() {
		made[m.KindOf(int32(id))]++
	}
	for _, id := range e.Live() {
		live[m.KindOf(id)]++
	}
	trees, _, ants, _ := m.Records()
	for _, k := range []struct {
		kind    agents.Kind
		records int
	}{{agents.KindTree, trees}, {agents.KindAnt, ants}} {
		if made[k.kind] <= 2*live[k.kind] {
			t.Fatalf("%s: %d made, %d living: too few deaths to test anything", k.kind, made[k.kind], live[k.kind])
		}
		if k.records > live[k.kind]*4/3+1 {
			t.Errorf("%s: %d records for %d living (%d made)", k.kind, k.records, live[k.kind], made[k.kind])
		}
	}
}

// TestIndicatorsWithinBounds: every indicator of every built-in scenario,
// failures and all, stays within its IndicatorBounds at every tick, since
// confidence intervals are cut at them.
func TestIndicatorsWithinBounds(t *testing.T) {
	for _, name := range scenarios.Builtins() {
		t.Run(name, func(t *testing.T) {
			s, err := scenarios.Load(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Until 50 ticks after the last failure has ended, which
			// keeps the race detector's run of the forest short.
			end := 0
			for _, f := range s.Failures {
				end = max(end, f.At+f.Duration+50)
			}
			if end > 0 && end < s.Ticks {
				if s, err = scenarios.Load(name, []string{fmt.Sprintf("ticks=%d", end)}); err != nil {
					t.Fatal(err)
				}
			}
			rec, _, _ := runSeries(t, s, 0)
			for i, n := range rec.names {
				lo, hi := agents.IndicatorBounds(n)
				if math.IsInf(lo, -1) {
					t.Errorf("%s has no bounds", n)
				}
				for tick, r := range rec.rows {
					if !(r[i] >= lo && r[i] <= hi) {
						t.Errorf("%s is %v at tick %d, outside [%v, %v]", n, r[i], tick, lo, hi)
						break
					}
				}
			}
		})
	}
}
