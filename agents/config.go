package agents

// Config is every parameter of the forest model. The scenario file decodes
// into it; the doc and unit tags feed `ecosim scenarios schema`.
type Config struct {
	World    WorldConfig   `yaml:"world" doc:"the grid and its soil"`
	Trees    TreesConfig   `yaml:"trees" doc:"tree population and physiology"`
	Fungi    FungiConfig   `yaml:"fungi" doc:"mycorrhizal genets and carbon sharing"`
	Ants     AntsConfig    `yaml:"ants" doc:"ant colonies and their trails"`
	Network  NetworkConfig `yaml:"network" doc:"the network messages cross: fungal links, or a prescribed topology of nodes"`
	Failures []Failure     `yaml:"failures" doc:"faults injected during the run"`
}

// WorldConfig is the grid and its abiotic layers.
type WorldConfig struct {
	Width     int         `yaml:"width" doc:"grid width" unit:"cells"`
	Height    int         `yaml:"height" doc:"grid height" unit:"cells"`
	Water     WaterConfig `yaml:"water" doc:"rain and soil water"`
	Nutrients float64     `yaml:"nutrients" doc:"initial soil nutrients per cell" unit:"nu"`
	// Deposition is nutrient input per cell [nu/tick].
	Deposition  float64    `yaml:"deposition" doc:"nutrient deposition per cell" unit:"nu/tick"`
	LitterDecay float64    `yaml:"litter_decay" doc:"fraction of litter mineralised per tick" unit:"1/tick"`
	FoodPiles   []FoodPile `yaml:"food_piles" doc:"piles of food for ants, laid at tick 0"`
	FoodRot     float64    `yaml:"food_rot" doc:"fraction of uneaten food that rots per tick" unit:"1/tick"`
}

// FoodPile is a disc of cells each holding Amount food at tick 0.
type FoodPile struct {
	X      int     `yaml:"x" doc:"centre" unit:"cells"`
	Y      int     `yaml:"y" doc:"centre" unit:"cells"`
	R      int     `yaml:"r" doc:"radius" unit:"cells"`
	Amount float64 `yaml:"amount" doc:"food per cell" unit:"kg C"`
}

// WaterConfig is the rain regime.
type WaterConfig struct {
	Mean        float64 `yaml:"mean" doc:"mean rain per cell" unit:"mm/tick"`
	Seasonality float64 `yaml:"seasonality" doc:"relative amplitude of the seasonal cycle" unit:"0..1"`
	Period      int     `yaml:"period" doc:"length of the seasonal cycle" unit:"ticks"`
	Evaporation float64 `yaml:"evaporation" doc:"fraction of soil water lost per tick" unit:"1/tick"`
}

// TreesConfig is the tree population.
type TreesConfig struct {
	Count   int       `yaml:"count" doc:"trees planted at tick 0" unit:"trees"`
	Density float64   `yaml:"density" doc:"share of cells planted at tick 0; when above 0 it sets count" unit:"0..1"`
	Species []Species `yaml:"species" doc:"tree species; initial trees are split by their share"`
	// Respiration is the maintenance rate [1/tick] of structural biomass.
	Respiration     float64 `yaml:"respiration" doc:"maintenance respiration per unit biomass" unit:"1/tick"`
	Shading         float64 `yaml:"shading" doc:"how strongly taller neighbours shade" unit:"1"`
	ReserveFraction float64 `yaml:"reserve_fraction" doc:"reserve carbon kept per unit biomass before growing" unit:"kg C/kg C"`
	Allocation      float64 `yaml:"allocation" doc:"fraction of surplus reserve put into growth per tick" unit:"1/tick"`
	FruitFraction   float64 `yaml:"fruit_fraction" doc:"fraction of net production dropped as fruit (ant food)" unit:"0..1"`
	SeedCost        float64 `yaml:"seed_cost" doc:"carbon given to each seedling" unit:"kg C"`
	Dispersal       int     `yaml:"dispersal" doc:"maximum seed dispersal distance" unit:"cells"`
	MatureBiomass   float64 `yaml:"mature_biomass" doc:"biomass from which a tree fruits and seeds" unit:"kg C"`
	WaterUse        float64 `yaml:"water_use" doc:"water transpired per carbon fixed" unit:"mm/kg C"`
	NutrientUse     float64 `yaml:"nutrient_use" doc:"nutrients taken per carbon fixed" unit:"nu/kg C"`
}

// Species is one tree species' traits.
type Species struct {
	Name           string  `yaml:"name" doc:"species name"`
	Share          float64 `yaml:"share" doc:"fraction of the initial trees" unit:"0..1"`
	Growth         float64 `yaml:"growth" doc:"photosynthesis per leaf area in full light" unit:"kg C/m²/tick"`
	ShadeTolerance float64 `yaml:"shade_tolerance" doc:"0: needs full sun; 1: thrives in shade" unit:"0..1"`
	SeedRate       float64 `yaml:"seed_rate" doc:"probability that a mature tree seeds in a tick" unit:"1/tick"`
	MaxAge         int     `yaml:"max_age" doc:"age around which trees die of old age" unit:"ticks"`
}

// FungiConfig is the mycorrhizal network.
type FungiConfig struct {
	Count         int     `yaml:"count" doc:"fungal genets at tick 0" unit:"genets"`
	Reach         int     `yaml:"reach" doc:"radius within which a genet links trees" unit:"cells"`
	ShareRate     float64 `yaml:"share_rate" doc:"fraction of a tree's surplus over its partners' mean offered per tick; 0 turns sharing off" unit:"1/tick"`
	Fee           float64 `yaml:"fee" doc:"fraction of photosynthesis a tree pays its fungi" unit:"0..1"`
	Preference    float64 `yaml:"preference" doc:"exponent of the preference for large trees when linking" unit:"1"`
	MaxLinks      int     `yaml:"max_links" doc:"most trees one genet links" unit:"links"`
	LinkCost      float64 `yaml:"link_cost" doc:"carbon a genet spends to make a link" unit:"kg C"`
	LinkUpkeep    float64 `yaml:"link_upkeep" doc:"carbon a genet spends per link per tick" unit:"kg C/tick"`
	LinkTurnover  float64 `yaml:"link_turnover" doc:"probability that a link lapses in a tick" unit:"1/tick"`
	Respiration   float64 `yaml:"respiration" doc:"maintenance respiration of fungal carbon" unit:"1/tick"`
	SpawnCarbon   float64 `yaml:"spawn_carbon" doc:"carbon above which a genet founds a new one nearby" unit:"kg C"`
	MaxCount      int     `yaml:"max_count" doc:"most genets alive at once" unit:"genets"`
	UptakeBonus   float64 `yaml:"uptake_bonus" doc:"extra water and nutrient access with three or more partners" unit:"0..1"`
	InitialCarbon float64 `yaml:"initial_carbon" doc:"carbon of each genet at tick 0" unit:"kg C"`
}

// AntsConfig is the ant colonies.
type AntsConfig struct {
	Colonies   []ColonyConfig  `yaml:"colonies" doc:"ant colonies"`
	Pheromone  PheromoneConfig `yaml:"pheromone" doc:"trail pheromone"`
	Load       float64         `yaml:"load" doc:"food one forager carries" unit:"kg C"`
	Upkeep     float64         `yaml:"upkeep" doc:"food a worker costs its colony per tick" unit:"kg C/tick"`
	WorkerCost float64         `yaml:"worker_cost" doc:"food to raise one worker" unit:"kg C"`
	Lifespan   int             `yaml:"lifespan" doc:"mean worker lifespan" unit:"ticks"`
	MaxWorkers int             `yaml:"max_workers" doc:"most workers one colony raises" unit:"ants"`
	Patience   int             `yaml:"patience" doc:"ticks a forager searches before it gives up and heads home" unit:"ticks"`
}

// ColonyConfig is one colony.
type ColonyConfig struct {
	Nest    []int   `yaml:"nest" doc:"nest cell as [x, y]" unit:"cells"`
	Workers int     `yaml:"workers" doc:"workers at tick 0" unit:"ants"`
	Food    float64 `yaml:"food" doc:"food store at tick 0" unit:"kg C"`
}

// PheromoneConfig is the trail chemistry.
type PheromoneConfig struct {
	Deposit     float64 `yaml:"deposit" doc:"pheromone a returning forager lays per cell" unit:"units"`
	Diffusion   float64 `yaml:"diffusion" doc:"fraction of a cell's pheromone spread to neighbours per tick" unit:"0..1"`
	Evaporation float64 `yaml:"evaporation" doc:"fraction of pheromone lost per tick" unit:"0..1"`
}

// NetworkConfig is the network and its transport. With the emergent
// topology the network is the fungal one; any other topology builds Nodes
// node agents linked in that shape, a pure network experiment.
type NetworkConfig struct {
	Topology string `yaml:"topology" doc:"emergent (links grow from the fungal linking rule), star, ring, lattice, random, scale-free or small-world"`
	Nodes    int    `yaml:"nodes" doc:"prescribed topologies: number of node agents, laid out row by row on the grid" unit:"nodes"`
	// MeanDegree is the expected degree of the random (Erdős–Rényi) topology.
	MeanDegree   float64 `yaml:"mean_degree" doc:"random: expected links per node" unit:"links"`
	LinksPerNode int     `yaml:"links_per_node" doc:"scale-free: links each new node makes (Barabási–Albert m)" unit:"links"`
	Neighbours   int     `yaml:"neighbours" doc:"small-world: ring neighbours on each side before rewiring (Watts–Strogatz k/2)" unit:"nodes"`
	Rewire       float64 `yaml:"rewire" doc:"small-world: probability each ring link is rewired" unit:"0..1"`
	Production   float64 `yaml:"production" doc:"nodes: mean carbon a producer node makes per tick" unit:"kg C/tick"`
	Producers    float64 `yaml:"producers" doc:"nodes: share of nodes that produce" unit:"0..1"`
	Demand       float64 `yaml:"demand" doc:"nodes: carbon every node consumes per tick; a node with none left dies" unit:"kg C/tick"`
	ShareRate    float64 `yaml:"share_rate" doc:"nodes: fraction of the difference to a poorer neighbour sent per tick" unit:"1/tick"`
	Latency      int     `yaml:"latency" doc:"delay of a message" unit:"ticks"`
	Capacity     float64 `yaml:"capacity" doc:"carbon one link carries per tick each way; 0 is unlimited" unit:"kg C/tick"`
	Loss         float64 `yaml:"loss" doc:"probability a message is lost" unit:"0..1"`
}

// DefaultConfig returns the defaults every scenario starts from.
func DefaultConfig() Config {
	return Config{
		World: WorldConfig{Width: 128, Height: 128, Nutrients: 2, Deposition: 0.004, LitterDecay: 0.01, FoodRot: 0.01,
			Water: WaterConfig{Mean: 1, Seasonality: 0.3, Period: 365, Evaporation: 0.05}},
		Trees: TreesConfig{Count: 3000, Respiration: 0.005, Shading: 0.6, ReserveFraction: 0.2,
			Allocation: 0.1, FruitFraction: 0.1, SeedCost: 0.5, Dispersal: 4, MatureBiomass: 5,
			WaterUse: 2, NutrientUse: 0.05},
		Fungi: FungiConfig{Count: 150, Reach: 6, ShareRate: 0.1, Fee: 0.05, Preference: 2, MaxLinks: 16,
			LinkCost: 0.5, LinkUpkeep: 0.002, LinkTurnover: 0.002, Respiration: 0.005, SpawnCarbon: 30,
			MaxCount: 300, UptakeBonus: 0.5, InitialCarbon: 5},
		Ants: AntsConfig{Load: 0.05, Upkeep: 0.0005, WorkerCost: 0.2, Lifespan: 400, MaxWorkers: 400, Patience: 150,
			Pheromone: PheromoneConfig{Deposit: 60, Diffusion: 0.5, Evaporation: 0.1}},
		Network: NetworkConfig{Topology: "emergent", Latency: 1, Capacity: 5, MeanDegree: 4, LinksPerNode: 2,
			Neighbours: 2, Rewire: 0.1, Production: 1, Producers: 0.2, Demand: 0.1, ShareRate: 0.2},
	}
}

// DefaultSpecies fills fields a species entry leaves out.
func DefaultSpecies() Species {
	return Species{Share: 1, Growth: 0.06, ShadeTolerance: 0.5, SeedRate: 0.02, MaxAge: 1000}
}

// DefaultColony fills fields a colony entry leaves out.
func DefaultColony() ColonyConfig {
	return ColonyConfig{Workers: 100, Food: 10}
}
