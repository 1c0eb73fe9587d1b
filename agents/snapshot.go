package agents

// Snapshot is the state of the world at one tick, as the map charts draw it:
// compact rows of numbers, so a run can keep dozens of them.
type Snapshot struct {
	Tick    int      `json:"tick"`
	Width   int      `json:"width"`
	Height  int      `json:"height"`
	Species []string `json:"species"`
	// Trees are [x, y, species, carbon + biomass, degree].
	Trees [][5]float64 `json:"trees"`
	// Fungi are [x, y, carbon, degree].
	Fungi [][4]float64 `json:"fungi"`
	// Nodes are [x, y, carbon, degree].
	Nodes [][4]float64 `json:"nodes"`
	// Links are [x1, y1, x2, y2, down (0 or 1)].
	Links [][5]float64 `json:"links"`
	// Ants are [x, y, carrying (0 or 1)].
	Ants [][3]float64 `json:"ants"`
	// Nests are [x, y].
	Nests [][2]float64 `json:"nests"`
	// Burnt and Burning are cells as [x, y]; Infested trees as [x, y].
	Burnt    [][2]float64 `json:"burnt"`
	Burning  [][2]float64 `json:"burning"`
	Infested [][2]float64 `json:"infested"`
	// Degrees is the degree of every live network node, in ID order.
	Degrees []int `json:"degrees"`
}

// Snapshot records the current state of the world.
func (m *Model) Snapshot() Snapshot {
	s := Snapshot{Tick: m.e.Tick(), Width: m.grid.W, Height: m.grid.H}
	for _, sp := range m.cfg.Trees.Species {
		s.Species = append(s.Species, sp.Name)
	}
	net := m.e.Net
	for _, id := range m.e.Live() {
		if !m.e.Alive(id) {
			continue
		}
		deg := float64(net.Degree(id))
		if net.IsNode(id) {
			s.Degrees = append(s.Degrees, net.Degree(id))
		}
		switch m.kind[id] {
		case KindTree:
			t := m.tree(id)
			s.Trees = append(s.Trees, [5]float64{float64(t.X), float64(t.Y), float64(t.Species), t.Carbon + t.Biomass, deg})
			if t.Infested {
				s.Infested = append(s.Infested, [2]float64{float64(t.X), float64(t.Y)})
			}
		case KindFungus:
			f := m.fungus(id)
			s.Fungi = append(s.Fungi, [4]float64{float64(f.X), float64(f.Y), f.Carbon, deg})
		case KindNode:
			n := m.node(id)
			s.Nodes = append(s.Nodes, [4]float64{float64(n.X), float64(n.Y), n.Carbon, deg})
		case KindAnt:
			a := m.ant(id)
			s.Ants = append(s.Ants, [3]float64{float64(a.X), float64(a.Y), b2f(a.Load > 0)})
		case KindColony:
			c := m.colony(id)
			s.Nests = append(s.Nests, [2]float64{float64(c.X), float64(c.Y)})
		}
	}
	for _, l := range net.Live() {
		ax, ay, _ := m.position(l.A)
		bx, by, _ := m.position(l.B)
		s.Links = append(s.Links, [5]float64{float64(ax), float64(ay), float64(bx), float64(by), b2f(l.Down)})
	}
	for c, st := range m.fire.cell {
		xy := [2]float64{float64(c % m.grid.W), float64(c / m.grid.W)}
		switch st {
		case burnt:
			s.Burnt = append(s.Burnt, xy)
		case burning:
			s.Burning = append(s.Burning, xy)
		}
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
