// Package sim is the deterministic kernel of ecosim: the two-phase tick, the
// schedulers that run agents' decide phase, the grid world, the network and its
// message transport, random streams and observers. It knows nothing of trees,
// fungi or ants; those live in package agents behind the interfaces here.
//
// Outline of the main types:
//
//   - Engine runs a Model tick by tick. Each tick has a decide phase, in which
//     every live Agent sees the world as it was at the start of the tick and
//     writes only its own state and outbox, and an apply phase, in which the
//     Model applies what agents decided in ascending ID order.
//   - Mode chooses how the decide phase runs: ModeActors backs each agent by
//     its own goroutine, ModeShards runs agents in fixed blocks on a worker
//     pool, and a Model that is a BlockDecider may decide a block a pass at a
//     time. All give bit-identical results because no outcome depends on
//     which goroutine ran first, nor on how the blocks were cut.
//   - Stream is a small counter-free random stream derived from (seed, ID), so
//     an agent's draws do not depend on scheduling.
//   - Grid holds named per-cell layers.
//   - Network is an undirected graph over agent IDs whose Links carry Messages
//     with latency, capacity and loss; Transport keeps the accounting
//     sent = delivered + lost + in flight.
//   - Observer receives indicator rows and Events as the run advances.
package sim
