// Package rules holds the local rules of the ecosim model as pure functions:
// photosynthesis, shading, respiration, growth allocation, mortality hazards,
// dispersal, establishment, carbon sharing, fungal link preference, pheromone
// diffusion and ant heading. No state, no I/O, no imports of ecosim's own
// packages: each rule can be read, tested and replaced on its own.
//
// Units follow the model: carbon in kilograms of carbon [kg C], water in
// millimetres [mm], nutrients in arbitrary nutrient units [nu], light as the
// fraction of full sunlight [0..1], time in ticks (one tick is one day).
//
// Products that feed sums are written float64(x*y) where a fused
// multiply-add on another machine could round differently.
package rules
