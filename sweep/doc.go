// Package sweep runs batch parameter sweeps: a plan of varied scenario
// fields (grid, random, Latin-hypercube, Saltelli or Morris designs) with
// replicates, run by a local worker pool or by NATS JetStream workers,
// recorded in a resumable runs.csv and summarised in aggregate.csv with
// confidence intervals. It also writes paired differences from a baseline
// (contrasts.csv), where figures cross levels (crossings.csv), the paths'
// partial rank correlations with each figure (sensitivity.csv, for the
// random, Latin-hypercube and Saltelli designs), each figure's variance
// split among the paths by Sobol' indices (sobol.csv, Saltelli's design)
// and the paths' elementary effects (morris.csv, Morris's).
//
// Outline: Plan and Spec describe what varies; Plan.Runs expands it into
// RunSpecs, each keyed by its resolved scenario's digest and replicate, with
// common random numbers (replicate r uses the same seed at every point);
// Execute runs one RunSpec into a Row; Store appends rows to runs.csv so an
// interrupted sweep loses only the runs in flight; Local and the NATS
// Coordinator/Worker drive Execute; Prepared.Finish (and Analyse, from
// the recorded runs alone) writes the analysis files.
package sweep
