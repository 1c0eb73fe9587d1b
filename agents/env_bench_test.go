package agents

import (
	"testing"

	"github.com/ecosim/ecosim/sim"
)

// BenchmarkEnvironment measures each environment process on a 500×500
// grid planted at density 0.6, reported per cell-tick: each alone on one
// core, then all the cell processes together as a tick runs them, in bands
// on every core.
func BenchmarkEnvironment(b *testing.B) {
	c := DefaultConfig()
	c.World.Width, c.World.Height = 500, 500
	c.Trees.Count, c.Fungi.Count = 150_000, 0
	c.Trees.Species = []Species{DefaultSpecies()}
	c.Ants.Colonies = []ColonyConfig{{Nest: []int{250, 250}, Workers: 10, Food: 5}}
	m, _, err := Build(c, sim.Config{Seed: 1, Ticks: 1})
	if err != nil {
		b.Fatal(err)
	}
	for i := range m.pher[0] {
		if i%7 == 0 {
			m.pher[0][i] = 50 // a trail-strewn layer, not an empty one
		}
	}
	cells := float64(m.grid.Cells())
	procs := []struct {
		name string
		step func(t int)
	}{
		{"water-soil-food", func(int) { m.stepSoilCells(1, 0, len(m.water)) }},
		{"pheromone", func(int) {
			for b := range m.bands {
				m.diffusePiece(b)
			}
			m.pher[0], m.pherBuf[0] = m.pherBuf[0], m.pher[0]
		}},
		{"canopy", func(int) { m.stepCanopy() }},
		{"all-cell-processes", m.stepCells},
		{"fire", func(t int) {
			if len(m.fire.burning) == 0 {
				f := DefaultFailure()
				f.Ignite = "west"
				rng := m.failureStream(0, t)
				m.ignite(&f, &rng)
			}
			m.stepFire(t)
		}},
	}
	for _, p := range procs {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			m.e.WithHelpers(func() {
				for i := range b.N {
					p.step(i + 1)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/cells, "ns/cell-tick")
		})
	}
}
