package agents

// Failure kinds.
const (
	FailKill        = "kill"
	FailCutLinks    = "cut_links"
	FailPartition   = "partition"
	FailMessageLoss = "message_loss"
	FailLatency     = "latency"
	FailDrought     = "drought"
	FailFire        = "fire"
	FailPest        = "pest"
	FailBlight      = "blight"
	// FailBarrier makes a region impassable to ants and wipes its
	// pheromone for the duration: a trail cut.
	FailBarrier = "barrier"
)

// FailureKinds lists every failure kind.
var FailureKinds = []string{FailKill, FailCutLinks, FailPartition, FailMessageLoss, FailLatency, FailDrought, FailFire, FailPest, FailBlight, FailBarrier}

// Failure is one injected fault. Which fields matter depends on Kind; the
// scenario validator rejects fields a kind does not use only where they
// would be silently ignored in a misleading way, and checks every field a
// kind needs.
type Failure struct {
	Kind     string `yaml:"kind" doc:"kill, cut_links, partition, message_loss, latency, drought, fire, pest, blight or barrier"`
	At       int    `yaml:"at" doc:"tick at which it strikes" unit:"ticks"`
	Duration int    `yaml:"duration,omitempty" doc:"how long it lasts (partition, message_loss, latency, drought, barrier), or the window in which a kill repeats; 0: to the end of the run" unit:"ticks"`
	Every    int    `yaml:"every,omitempty" doc:"kill, cut_links, blight: strike again every so many ticks within the duration (churn); 0: once" unit:"ticks"`
	Target   string `yaml:"target,omitempty" doc:"kill: trees, fungi, ants, colony or nodes"`
	Select   string `yaml:"select" doc:"which are hit: random, hubs (highest degree), central (highest betweenness), largest (biomass, carbon or workers), region; cut_links: random or central (edge betweenness)"`
	// Fraction is the share of the current targets hit [0..1].
	Fraction float64 `yaml:"fraction,omitempty" doc:"share of the current targets hit" unit:"0..1"`
	Count    int     `yaml:"count,omitempty" doc:"number of targets hit, instead of a fraction; fire: random ignitions"`
	Adaptive bool    `yaml:"adaptive,omitempty" doc:"hubs or central: recount after each removal (adaptive attack)"`
	Region   Region  `yaml:"region,omitempty" doc:"kill, pest, blight, partition, barrier: a rectangle (x, y, w, h) or a circle (x, y, r) in cells"`
	Line     Line    `yaml:"line,omitempty" doc:"partition: the straight line links may not cross"`
	Colony   int     `yaml:"colony,omitempty" doc:"kill with target colony: which colony (0-based)"`
	Rate     float64 `yaml:"rate,omitempty" doc:"message_loss: probability a message is lost while it lasts" unit:"0..1"`
	Extra    int     `yaml:"extra,omitempty" doc:"latency: ticks added to every message while it lasts" unit:"ticks"`
	Severity float64 `yaml:"severity,omitempty" doc:"drought: rain is scaled by 1-severity; blight: share of carbon each hit genet loses (1 kills)" unit:"0..1"`
	Ignite   string  `yaml:"ignite,omitempty" doc:"fire: where it starts: west, east, north, south (a whole grid edge), random (count trees) or cells"`
	Cells    [][]int `yaml:"cells,omitempty" doc:"fire with ignite cells: the [x, y] cells set alight"`
	Spread   float64 `yaml:"spread" doc:"fire, pest: probability of spreading to each neighbouring tree per tick" unit:"0..1"`
	// Neighbourhood is 4 (von Neumann) or 8 (Moore).
	Neighbourhood int     `yaml:"neighbourhood" doc:"fire, pest: 4 or 8 neighbouring cells"`
	Damage        float64 `yaml:"damage,omitempty" doc:"pest: share of its reserve carbon an infested tree loses per tick" unit:"1/tick"`
}

// Region is a rectangle (W, H > 0) or a circle (R > 0) of cells.
type Region struct {
	X int `yaml:"x" doc:"left edge, or centre" unit:"cells"`
	Y int `yaml:"y" doc:"top edge, or centre" unit:"cells"`
	W int `yaml:"w" doc:"rectangle width" unit:"cells"`
	H int `yaml:"h" doc:"rectangle height" unit:"cells"`
	R int `yaml:"r" doc:"circle radius" unit:"cells"`
}

// Set reports whether a region was given.
func (r Region) Set() bool { return r.W > 0 || r.H > 0 || r.R > 0 }

// Contains reports whether cell (x, y) is in the region.
func (r Region) Contains(x, y int) bool {
	if r.R > 0 {
		dx, dy := x-r.X, y-r.Y
		return dx*dx+dy*dy <= r.R*r.R
	}
	return x >= r.X && y >= r.Y && x < r.X+r.W && y < r.Y+r.H
}

// Line is a vertical (axis x) or horizontal (axis y) line at coordinate At;
// cells with coordinate below At are on one side, the rest on the other.
type Line struct {
	Axis string `yaml:"axis" doc:"x: a vertical line; y: a horizontal one"`
	At   int    `yaml:"at" doc:"coordinate of the line" unit:"cells"`
}

// DefaultFailure fills fields a failure entry leaves out.
func DefaultFailure() Failure {
	return Failure{Select: "random", Spread: 1, Neighbourhood: 4}
}
