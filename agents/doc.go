// Package agents is the forest model that runs on the sim kernel: trees,
// mycorrhizal fungi, ants and their colonies, and the environment processes
// (water, light, litter, pheromone, food). One file per kind.
//
// Outline:
//
//   - Model implements sim.Model. It owns the world state as plain data:
//     grid layers, the cell→tree occupancy, and one slice per agent kind
//     (Tree, Fungus, Ant, Colony) with an ID→index table.
//   - Each kind has a small adapter implementing sim.Agent; its Decide reads
//     only public state and writes only its own "next" fields and outbox,
//     but for a tree's crown and the water and nutrients it draws from its
//     own cell, which no other agent reads in the decide phase.
//     Model.ApplyLocal commits what touches only the agent and its own cell,
//     over fixed blocks at once; Model.ApplyAgent then commits births,
//     deaths, links and shared cells serially in ascending ID order.
//   - Ledger names every carbon source and sink, so the balance
//     Δ(carbon in trees, fungi and messages) = photosynthesis − sinks
//     can be checked every tick.
//   - Build places the initial agents from a Config and a seed.
package agents
