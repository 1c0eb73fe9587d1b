package scenarios

// Per-agent memory [bytes], rounded up from measurements: a 1-million-agent
// forest took 1.7 GB in shards mode (grid included) and 4.5 GB in actors
// mode, so an actor's goroutine, stack and channel cost about 3 KiB more.
const (
	bytesPerAgent = 600
	bytesPerActor = 4 << 10
	// bytesPerCell covers the grid layers, occupancy and scratch buffers.
	bytesPerCell = 80
)

// MemoryEstimate is a generous estimate of the memory one run of s needs
// [bytes]: the grid, and the agents it may reach (trees up to twice their
// initial number but no more than the cells, fungi and ant workers up to
// their caps, nodes as given). actors adds a goroutine stack per agent. A
// scenario with failures runs with its control, so it counts twice.
func (s *Scenario) MemoryEstimate(actors bool) uint64 {
	cells := uint64(s.World.Width) * uint64(s.World.Height)
	trees := uint64(s.Trees.Count)
	if s.Trees.Density > 0 {
		trees = uint64(s.Trees.Density * float64(cells))
	}
	trees = min(2*trees, cells)
	agents := trees + uint64(max(s.Fungi.MaxCount, s.Fungi.Count)) + uint64(s.Network.Nodes)
	for _, c := range s.Ants.Colonies {
		agents += 1 + uint64(max(s.Ants.MaxWorkers, c.Workers))
	}
	layers := uint64(len(s.Ants.Colonies))
	per := uint64(bytesPerAgent)
	if actors {
		per += bytesPerActor
	}
	total := cells*(bytesPerCell+8*layers) + agents*per
	if len(s.Failures) > 0 {
		total *= 2
	}
	return total
}
