package agents

import (
	"context"
	"math"
	"testing"

	"github.com/ecosim/ecosim/sim"
)

// bareConfig is a world with nothing in it, to which a test adds what it
// needs.
func bareConfig(w, h int) Config {
	c := DefaultConfig()
	c.World.Width, c.World.Height = w, h
	c.Trees.Count, c.Fungi.Count = 0, 0
	c.Trees.Species = []Species{{Name: "a", Share: 1, Growth: 0.05, ShadeTolerance: 0.5, SeedRate: 0, MaxAge: 1 << 30}}
	c.Trees.Respiration = 0
	return c
}

func nodesConfig(topology string, n int, failures ...Failure) Config {
	c := bareConfig(40, 40)
	c.Network.Topology, c.Network.Nodes = topology, n
	c.Failures = failures
	return c
}

func build(t *testing.T, c Config, ticks int) (*Model, *sim.Engine) {
	t.Helper()
	m, e, err := Build(c, sim.Config{Seed: 5, Ticks: ticks, Mode: sim.ModeShards})
	if err != nil {
		t.Fatal(err)
	}
	return m, e
}

func advance(t *testing.T, e *sim.Engine, n int) {
	t.Helper()
	if err := e.Advance(context.Background(), n); err != nil {
		t.Fatal(err)
	}
}

func kill(target, sel string, frac float64) Failure {
	f := DefaultFailure()
	f.Kind, f.At, f.Target, f.Select, f.Fraction = FailKill, 1, target, sel, frac
	return f
}

func TestHubKillRemovesTheHighestDegreeNodes(t *testing.T) {
	c := nodesConfig("scale-free", 300)
	m, e := build(t, c, 0)
	type nd struct {
		id  int32
		deg int
	}
	var before []nd
	for _, id := range e.Live() {
		before = append(before, nd{id, e.Net.Degree(id)})
	}
	f := kill("nodes", "hubs", 0.05)
	rng := m.failureStream(0, 1)
	if hit := m.kill(&f, &rng); hit != 15 {
		t.Fatalf("5%% of 300 is 15, hit %d", hit)
	}
	minKilled, maxLeft := math.MaxInt, 0
	for _, x := range before {
		if e.Alive(x.id) {
			maxLeft = max(maxLeft, x.deg)
		} else {
			minKilled = min(minKilled, x.deg)
		}
	}
	if minKilled < maxLeft {
		t.Fatalf("a node of degree %d survived while one of degree %d was killed", maxLeft, minKilled)
	}
}

func TestStarHubKillShattersAndScaleFreeSurvivesRandomKills(t *testing.T) {
	star := nodesConfig("star", 200, kill("nodes", "hubs", 0))
	star.Failures[0].Count = 1
	_, e := build(t, star, 1)
	advance(t, e, 1)
	giant, _ := e.Net.Components()
	if float64(giant)/200 > 1.0/200 {
		t.Fatalf("killing the hub of a 200-node star leaves a giant component of %d", giant)
	}
	sf := nodesConfig("scale-free", 1000, kill("nodes", "random", 0.05))
	sf.World.Width, sf.World.Height = 40, 25
	_, e = build(t, sf, 1)
	advance(t, e, 1)
	giant, _ = e.Net.Components()
	if frac := float64(giant) / 1000; frac < 0.8 {
		t.Fatalf("5%% random kills on a 1000-node scale-free network left a giant component of %.2f", frac)
	}
	// The same number of hub kills does far more damage.
	sf.Failures[0].Select = "hubs"
	_, e = build(t, sf, 1)
	advance(t, e, 1)
	hubGiant, _ := e.Net.Components()
	if hubGiant >= giant {
		t.Fatalf("hub attack giant %d not below random-failure giant %d", hubGiant, giant)
	}
}

func TestAdaptiveAttackRecountsDegrees(t *testing.T) {
	c := nodesConfig("scale-free", 300)
	f := kill("nodes", "hubs", 0)
	f.Count, f.Adaptive = 10, true
	m, _ := build(t, c, 0)
	rng := m.failureStream(0, 1)
	m.kill(&f, &rng)
	if n := len(m.liveOfKind(KindNode, Region{})); n != 290 {
		t.Fatalf("adaptive attack of 10 left %d of 300", n)
	}
}

func TestPartitionCutsOnlyCrossingLinksAndRestores(t *testing.T) {
	f := DefaultFailure()
	f.Kind, f.At, f.Duration, f.Line = FailPartition, 2, 5, Line{Axis: "x", At: 20}
	c := nodesConfig("lattice", 1600, f)
	m, e := build(t, c, 0)
	crossing := func(l sim.Link) bool {
		ax, _, _ := m.position(l.A)
		bx, _, _ := m.position(l.B)
		return (ax < 20) != (bx < 20)
	}
	check := func(wantDown bool) {
		n := 0
		for _, l := range e.Net.Live() {
			want := wantDown && crossing(l)
			if l.Down != want {
				t.Fatalf("tick %d: link %d-%d down=%v, want %v", e.Tick(), l.A, l.B, l.Down, want)
			}
			if l.Down {
				n++
			}
		}
		if wantDown && n != 40 {
			t.Fatalf("a 40×40 lattice cut at x=20 has 40 crossing links, %d down", n)
		}
	}
	advance(t, e, 1)
	check(false)
	advance(t, e, 1) // tick 2: the partition starts
	check(true)
	advance(t, e, 4)
	check(true)
	advance(t, e, 1) // tick 7 = 2+5: restored
	check(false)
}

func TestMessageLossRateIsAboutThirtyPercent(t *testing.T) {
	f := DefaultFailure()
	f.Kind, f.At, f.Rate = FailMessageLoss, 1, 0.3
	c := nodesConfig("random", 400, f)
	_, e := build(t, c, 0)
	advance(t, e, 1)
	before := e.Transport.Counts()
	advance(t, e, 60)
	after := e.Transport.Counts()
	// Messages resolved in the window (in flight at its ends are few with
	// latency 1: none).
	sent := float64(after.Sent - before.Sent)
	lost := float64(after.Lost - before.Lost)
	sd := math.Sqrt(sent * 0.3 * 0.7)
	if sent < 1000 || math.Abs(lost-0.3*sent) > 4*sd+1 {
		t.Fatalf("lost %v of %v sent; want 0.3 ± 4 sd (%v)", lost, sent, sd)
	}
}

func TestLatencyDelaysMessages(t *testing.T) {
	f := DefaultFailure()
	f.Kind, f.At, f.Duration, f.Extra = FailLatency, 1, 10, 3
	c := nodesConfig("ring", 50, f)
	_, e := build(t, c, 0)
	advance(t, e, 3)
	if got := e.Transport.Config.Latency; got != 4 {
		t.Fatalf("latency %d during the failure, want 1+3", got)
	}
	if e.Transport.Counts().InFlight == 0 {
		t.Fatal("with latency 4 messages must be in flight at a tick boundary")
	}
	advance(t, e, 10)
	if got := e.Transport.Config.Latency; got != 1 {
		t.Fatalf("latency %d after the failure, want 1", got)
	}
}

func TestDroughtScalesRain(t *testing.T) {
	f := DefaultFailure()
	f.Kind, f.At, f.Duration, f.Severity = FailDrought, 2, 3, 0.7
	c := bareConfig(10, 10)
	c.World.Water.Seasonality, c.World.Water.Evaporation = 0, 0
	c.Failures = []Failure{f}
	m, e := build(t, c, 0)
	levels := []float64{m.water[0]}
	for range 7 {
		advance(t, e, 1)
		levels = append(levels, m.water[0])
	}
	// Rain is 1 mm/tick, 0.3 during ticks 3..5 (the drought starts at the
	// end of tick 2 and lasts three ticks).
	want := []float64{1, 1, 0.3, 0.3, 0.3, 1, 1}
	for i, w := range want {
		if d := levels[i+1] - levels[i]; math.Abs(d-w) > 1e-12 {
			t.Fatalf("tick %d: rain %v, want %v (levels %v)", i+1, d, w, levels)
		}
	}
}

// TestFireNeverJumpsAGap plants two blocks of trees separated by an empty
// column; a 4-neighbourhood fire lit on the west edge burns the west block
// entirely and never reaches the east one, while an 8-neighbourhood fire
// crosses a diagonal gap of one cell but not a straight gap of two.
func TestFireNeverJumpsAGap(t *testing.T) {
	for _, nb := range []int{4, 8} {
		f := DefaultFailure()
		f.Kind, f.At, f.Ignite, f.Neighbourhood = FailFire, 1, "west", nb
		c := bareConfig(12, 6)
		c.Failures = []Failure{f}
		m, e := build(t, c, 0)
		for y := range 6 {
			for x := range 12 {
				if x != 5 && x != 6 {
					m.addTree(x, y, 0, 5, 1)
				}
			}
		}
		advance(t, e, 30)
		for y := range 6 {
			for x := range 12 {
				id := m.occ[m.grid.Index(x, y)]
				if x < 5 && id >= 0 {
					t.Fatalf("nbhd %d: tree at (%d,%d) west of the gap did not burn", nb, x, y)
				}
				if x > 6 && id < 0 {
					t.Fatalf("nbhd %d: fire jumped a two-cell gap to (%d,%d)", nb, x, y)
				}
			}
		}
		if got := m.BurnedFraction(); math.Abs(got-0.5) > 1e-12 {
			t.Fatalf("nbhd %d: burned fraction %v, want 0.5", nb, got)
		}
	}
}

// pestRun plants a full 20×20 grid, infests one tree and returns how many
// are infested after ticks; prep may warn trees or add ants first.
func pestRun(t *testing.T, ticks int, ants bool, prep func(m *Model)) int {
	f := DefaultFailure()
	f.Kind, f.At, f.Count, f.Spread, f.Damage, f.Neighbourhood = FailPest, 1, 1, 0.5, 0.01, 8
	c := bareConfig(20, 20)
	if ants {
		c.Ants.Colonies = []ColonyConfig{{Nest: []int{10, 10}, Workers: 300, Food: 100}}
	}
	c.Failures = []Failure{f}
	m, e := build(t, c, 0)
	for y := range 20 {
		for x := range 20 {
			m.addTree(x, y, 0, 5, 1)
		}
	}
	if prep != nil {
		prep(m)
	}
	advance(t, e, ticks)
	return m.stocks().infested
}

func TestPestSpreadsAndWarningsAndAntsResist(t *testing.T) {
	plain := pestRun(t, 12, false, nil)
	if plain <= 5 {
		t.Fatalf("pest with spread 0.5 reached only %d trees in 12 ticks", plain)
	}
	warned := pestRun(t, 12, false, func(m *Model) {
		for i := range int32(m.trees.Len()) {
			m.trees.At(i).WarnedUntil = 1 << 30
		}
	})
	if warned >= plain/2 {
		t.Fatalf("warned trees should resist: %d infested, %d without warnings", warned, plain)
	}
	withAnts := pestRun(t, 12, true, nil)
	if withAnts >= plain {
		t.Fatalf("ant patrols should slow the pest: %d infested, %d without ants", withAnts, plain)
	}
}

func TestInfestedTreesWarnTheirNeighboursThroughFungi(t *testing.T) {
	f := DefaultFailure()
	f.Kind, f.At, f.Fraction, f.Spread = FailPest, 30, 0.3, 0
	c := DefaultConfig()
	c.World.Width, c.World.Height = 30, 30
	c.Trees.Count, c.Fungi.Count = 300, 10
	c.Trees.Species = []Species{DefaultSpecies()}
	c.Failures = []Failure{f}
	m, e := build(t, c, 0)
	advance(t, e, 29)
	if m.stocks().warned != 0 {
		t.Fatal("trees warned before any pest")
	}
	before := e.Transport.Counts().Sent
	advance(t, e, 5)
	if m.stocks().warned == 0 {
		t.Fatal("no tree was warned through the fungal network")
	}
	if e.Transport.Counts().Sent == before {
		t.Fatal("signals must travel as messages")
	}
}

func TestBlightAndCutLinks(t *testing.T) {
	c := DefaultConfig()
	c.World.Width, c.World.Height = 40, 40
	c.Trees.Count, c.Fungi.Count = 400, 20
	c.Trees.Species = []Species{DefaultSpecies()}
	m, e := build(t, c, 0)
	advance(t, e, 60)
	links := e.Net.LiveLinks()
	if links < 20 {
		t.Fatalf("only %d links formed", links)
	}
	cut := DefaultFailure()
	cut.Kind, cut.Select, cut.Fraction = FailCutLinks, "central", 0.25
	rng := m.failureStream(0, 60)
	_, eb := e.Net.Betweenness()
	top := ranked(liveLinks(e), func(li int32) float64 { return eb[li] })[:int(math.Round(0.25*float64(links)))]
	if hit := m.cutLinks(&cut, &rng); hit != len(top) {
		t.Fatalf("cut %d links, want %d", hit, len(top))
	}
	for _, li := range top {
		if !e.Net.Link(li).Removed {
			t.Fatalf("link %d, among the most central, was not cut", li)
		}
	}
	bl := DefaultFailure()
	bl.Kind, bl.Fraction, bl.Severity = FailBlight, 0.5, 1
	before := m.nFungi
	m.blight(&bl, &rng)
	if m.nFungi != before-int(math.Round(0.5*float64(before))) {
		t.Fatalf("blight of half the %d genets left %d", before, m.nFungi)
	}
}

func liveLinks(e *sim.Engine) []int32 {
	var ids []int32
	for li := range e.Net.Live() {
		ids = append(ids, li)
	}
	return ids
}

func TestBarrierBlocksAntsAndWipesTrail(t *testing.T) {
	f := DefaultFailure()
	// The nest is 13 cells from the barrier, too far for any ant to be
	// inside when it goes up at tick 5.
	f.Kind, f.At, f.Duration, f.Region = FailBarrier, 5, 20, Region{X: 0, Y: 15, W: 20, H: 2}
	c := bareConfig(20, 20)
	c.Ants.Colonies = []ColonyConfig{{Nest: []int{10, 2}, Workers: 50, Food: 50}}
	c.Failures = []Failure{f}
	m, e := build(t, c, 0)
	m.pher[0][m.grid.Index(3, 15)] = 100
	advance(t, e, 5)
	if m.pher[0][m.grid.Index(3, 15)] != 0 {
		t.Fatal("pheromone under the barrier was not wiped")
	}
	for range 19 {
		advance(t, e, 1)
		for _, id := range e.Live() {
			if m.kind[id] == KindAnt {
				if a := m.ant(id); f.Region.Contains(a.X, a.Y) {
					t.Fatalf("tick %d: ant %d inside the barrier at (%d,%d)", e.Tick(), id, a.X, a.Y)
				}
			}
		}
	}
}
