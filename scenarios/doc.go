// Package scenarios reads, checks and builds ecosim scenarios.
//
// A scenario is a YAML file (schema: Scenario and the agents.Config it
// inlines). Decoding is strict: an unknown field, a wrong type or a value out
// of range is an error naming file:line:column and the field path, and every
// problem in a file is reported at once (Errors). Missing fields take the
// defaults of agents.DefaultConfig. Overrides given as path=value (--set)
// are applied to the YAML tree before decoding, so they are checked like the
// file itself. The built-in scenarios are the *.yaml files of this directory,
// embedded in the binary.
//
// Outline: Load finds and decodes a scenario; Parse decodes bytes; Validate
// is the single pass that checks everything; Scenario.Build makes the model.
package scenarios
