package agents

// Records returns how many records each kind holds, the dead included, for
// tests of their compaction.
func (m *Model) Records() (trees, fungi, ants, nodes int) {
	return m.trees.Len(), m.fungi.Len(), m.ants.Len(), m.nodes.Len()
}

// PreparedRows is how many rows used what PrepareRecord worked out beside
// delivery.
func (m *Model) PreparedRows() int { return m.prepUsed }
