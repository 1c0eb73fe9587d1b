package agents

// Config is every parameter of the forest model. The scenario file decodes
// into it; the doc and unit tags feed `ecosim scenarios schema`.
type Config struct {
	World   WorldConfig   `yaml:"world" doc:"the grid and its soil"`
	Trees   TreesConfig   `yaml:"trees" doc:"tree population and physiology"`
	Fungi   FungiConfig   `yaml:"fungi" doc:"mycorrhizal genets and carbon sharing"`
	Ants    AntsConfig    `yaml:"ants" doc:"ant colonies and their trails"`
	Network NetworkConfig `yaml:"network" doc:"how messages cross fungal links"`
}

// WorldConfig is the grid and its abiotic layers.
type WorldConfig struct {
	Width     int         `yaml:"width" doc:"grid width" unit:"cells"`
	Height    int         `yaml:"height" doc:"grid height" unit:"cells"`
	Water     WaterConfig `yaml:"water" doc:"rain and soil water"`
	Nutrients float64     `yaml:"nutrients" doc:"initial soil nutrients per cell" unit:"nu"`
	// Deposition is nutrient input per cell [nu/tick].
	Deposition  float64 `yaml:"deposition" doc:"nutrient deposition per cell" unit:"nu/tick"`
	LitterDecay float64 `yaml:"litter_decay" doc:"fraction of litter mineralised per tick" unit:"1/tick"`
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

// NetworkConfig is the transport over fungal links.
type NetworkConfig struct {
	Topology string  `yaml:"topology" doc:"network shape; emergent: links grow from the fungal linking rule"`
	Latency  int     `yaml:"latency" doc:"delay of a message" unit:"ticks"`
	Capacity float64 `yaml:"capacity" doc:"carbon one link carries per tick each way; 0 is unlimited" unit:"kg C/tick"`
	Loss     float64 `yaml:"loss" doc:"probability a message is lost" unit:"0..1"`
}

// DefaultConfig returns the defaults every scenario starts from.
func DefaultConfig() Config {
	return Config{
		World: WorldConfig{Width: 128, Height: 128, Nutrients: 2, Deposition: 0.004, LitterDecay: 0.01,
			Water: WaterConfig{Mean: 1, Seasonality: 0.3, Period: 365, Evaporation: 0.05}},
		Trees: TreesConfig{Count: 3000, Respiration: 0.005, Shading: 0.6, ReserveFraction: 0.2,
			Allocation: 0.1, FruitFraction: 0.1, SeedCost: 0.5, Dispersal: 4, MatureBiomass: 5,
			WaterUse: 2, NutrientUse: 0.05},
		Fungi: FungiConfig{Count: 150, Reach: 6, ShareRate: 0.1, Fee: 0.05, Preference: 2, MaxLinks: 16,
			LinkCost: 0.5, LinkUpkeep: 0.002, LinkTurnover: 0.002, Respiration: 0.005, SpawnCarbon: 30,
			MaxCount: 300, UptakeBonus: 0.5, InitialCarbon: 5},
		Ants: AntsConfig{Load: 0.05, Upkeep: 0.0005, WorkerCost: 0.2, Lifespan: 400, MaxWorkers: 400,
			Pheromone: PheromoneConfig{Deposit: 60, Diffusion: 0.5, Evaporation: 0.1}},
		Network: NetworkConfig{Topology: "emergent", Latency: 1, Capacity: 5},
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
