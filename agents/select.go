package agents

import (
	"math"
	"sort"

	"github.com/ecosim/ecosim/sim"
)

// failureStream is the random stream of failure i striking at tick: keyed by
// both, so adding a failure does not change what another one hits.
func (m *Model) failureStream(i, tick int) sim.Stream {
	return sim.Stream{State: sim.Hash(m.seed, 0xfa11, uint64(i), uint64(tick))}
}

// position returns where agent id stands; ok is false for agents without a
// place on the grid that matters to failures (ants, colonies).
func (m *Model) position(id int32) (x, y int, ok bool) {
	switch m.kind[id] {
	case KindTree:
		t := m.tree(id)
		x, y := t.at()
		return x, y, true
	case KindFungus:
		f := m.fungus(id)
		return f.X, f.Y, true
	case KindNode:
		n := m.node(id)
		return n.X, n.Y, true
	case KindAnt:
		a := m.ant(id)
		return a.X, a.Y, true
	}
	return 0, 0, false
}

// targets lists the live agents a kill of target can hit, in ID order.
func (m *Model) targets(f *Failure) []int32 {
	var want Kind
	switch f.Target {
	case "trees":
		want = KindTree
	case "fungi":
		want = KindFungus
	case "ants":
		want = KindAnt
	case "nodes":
		want = KindNode
	case "colony":
		for i := range m.colonies {
			if c := &m.colonies[i]; c.Index == f.Colony && m.e.Alive(c.ID) {
				return []int32{c.ID}
			}
		}
		return nil
	}
	return m.liveOfKind(want, f.Region)
}

// liveOfKind lists live agents of kind k (inside region r, if set).
func (m *Model) liveOfKind(k Kind, r Region) []int32 {
	var ids []int32
	for _, id := range m.e.Live() {
		// Agents killed earlier in this apply phase are still listed.
		if m.kind[id] != k || !m.e.Alive(id) {
			continue
		}
		if r.Set() {
			if x, y, ok := m.position(id); !ok || !r.Contains(x, y) {
				continue
			}
		}
		ids = append(ids, id)
	}
	return ids
}

// howMany is the number of the n candidates a failure hits: its count, or
// its fraction of them (0 hits none), or, for a region given with neither,
// all of them.
func howMany(f *Failure, n int) int {
	switch {
	case f.Count > 0:
		return min(f.Count, n)
	case f.Fraction == 0 && f.Region.Set():
		return n
	}
	return min(n, int(math.Round(f.Fraction*float64(n))))
}

// shuffled returns k of ids chosen uniformly (partial Fisher–Yates).
func shuffled(ids []int32, k int, rng *sim.Stream) []int32 {
	ids = append([]int32(nil), ids...)
	for i := range k {
		j := i + rng.Intn(len(ids)-i)
		ids[i], ids[j] = ids[j], ids[i]
	}
	return ids[:k]
}

// ranked orders ids by score, highest first, ties by ascending ID.
func ranked(ids []int32, score func(int32) float64) []int32 {
	out := append([]int32(nil), ids...)
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := score(out[i]), score(out[j])
		if si != sj {
			return si > sj
		}
		return out[i] < out[j]
	})
	return out
}

// size is what "largest" ranks by: biomass, carbon or workers.
func (m *Model) size(id int32) float64 {
	switch m.kind[id] {
	case KindTree:
		return m.tree(id).Biomass
	case KindFungus:
		return m.fungus(id).Carbon
	case KindNode:
		return m.node(id).Carbon
	case KindColony:
		return float64(m.colony(id).Workers)
	}
	return 0
}

// score is the ranking a selector uses; centrality is computed afresh.
func (m *Model) score(sel string) func(int32) float64 {
	switch sel {
	case "hubs":
		return func(id int32) float64 { return float64(m.e.Net.Degree(id)) }
	case "central":
		bc, _ := m.e.Net.Betweenness()
		return func(id int32) float64 {
			if int(id) < len(bc) {
				return bc[id]
			}
			return 0 // not a network node
		}
	case "largest":
		return m.size
	}
	return nil
}
