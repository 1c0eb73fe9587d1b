package sim

import "fmt"

// LayerID names a layer of a Grid by position, so hot loops index a slice
// instead of looking up a name.
type LayerID int

// Grid is a W×H world of cells with named float64 layers (soil water,
// nutrients, light, pheromone, ...). Cell (x, y) is at index y*W+x.
type Grid struct {
	W, H   int
	names  []string
	layers [][]float64
}

// NewGrid returns an empty grid; w and h must be positive.
func NewGrid(w, h int) (*Grid, error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("sim: grid size %dx%d must be positive", w, h)
	}
	return &Grid{W: w, H: h}, nil
}

// AddLayer adds a layer filled with init and returns its ID.
func (g *Grid) AddLayer(name string, init float64) LayerID {
	l := make([]float64, g.W*g.H)
	for i := range l {
		l[i] = init
	}
	g.names = append(g.names, name)
	g.layers = append(g.layers, l)
	return LayerID(len(g.layers) - 1)
}

// Layer returns the cells of layer id; the slice is shared, not copied.
func (g *Grid) Layer(id LayerID) []float64 { return g.layers[id] }

// SetLayer replaces layer id's storage with cells (of length Cells()), for
// processes that compute a layer's next state into a second buffer and swap.
func (g *Grid) SetLayer(id LayerID, cells []float64) { g.layers[id] = cells }

// LayerNames returns the layer names in ID order.
func (g *Grid) LayerNames() []string { return append([]string(nil), g.names...) }

// Cells returns W*H.
func (g *Grid) Cells() int { return g.W * g.H }

// Index returns the index of cell (x, y), which must be inside the grid.
func (g *Grid) Index(x, y int) int { return y*g.W + x }

// Inside reports whether (x, y) is a cell of the grid.
func (g *Grid) Inside(x, y int) bool { return x >= 0 && y >= 0 && x < g.W && y < g.H }
