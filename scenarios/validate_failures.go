package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecosim/ecosim/agents"
)

// Topologies lists the network shapes a scenario may name.
var Topologies = []string{"emergent", "star", "ring", "lattice", "random", "scale-free", "small-world"}

var (
	killTargets    = []string{"trees", "fungi", "ants", "colony", "nodes"}
	killSelectors  = []string{"random", "hubs", "central", "largest", "region"}
	cutSelectors   = []string{"random", "central"}
	igniteChoices  = []string{"west", "east", "north", "south", "random", "cells"}
	fractionsKinds = []string{agents.FailKill, agents.FailCutLinks, agents.FailPest, agents.FailBlight}
)

func oneOf(v string, set []string) bool { return slices.Contains(set, v) }

func (d *decoder) validateNetwork(s *Scenario) {
	n := &s.Network
	d.check(oneOf(n.Topology, Topologies), "network.topology", "unknown topology %q (known: %s)", n.Topology, strings.Join(Topologies, ", "))
	if n.Topology == "emergent" {
		d.check(n.Nodes >= 0, "network.nodes", "must not be negative, got %d", n.Nodes)
		d.check(n.Nodes <= 0, "network.nodes", "node agents need a prescribed topology; the emergent network is the fungal one")
	} else {
		cells := s.World.Width * s.World.Height
		d.check(n.Nodes >= 2 && n.Nodes <= cells, "network.nodes", "a %s topology needs between 2 and the %d grid cells of nodes, got %d", n.Topology, cells, n.Nodes)
	}
	d.nonNeg(n.MeanDegree, "network.mean_degree")
	d.check(n.Topology != "scale-free" || (n.LinksPerNode >= 1 && n.LinksPerNode < n.Nodes), "network.links_per_node", "must be at least 1 and below nodes, got %d", n.LinksPerNode)
	d.check(n.Topology != "small-world" || (n.Neighbours >= 1 && 2*n.Neighbours < n.Nodes), "network.neighbours", "must be at least 1 and below half the nodes, got %d", n.Neighbours)
	d.unit(n.Rewire, "network.rewire")
	d.nonNeg(n.Production, "network.production")
	d.unit(n.Producers, "network.producers")
	d.nonNeg(n.Demand, "network.demand")
	d.unit(n.ShareRate, "network.share_rate")
	d.intRange(n.Latency, 1, 1000, "network.latency")
	d.nonNeg(n.Capacity, "network.capacity")
	d.unit(n.Loss, "network.loss")
}

func (d *decoder) validateResilience(s *Scenario) {
	r := &s.Resilience
	known := agents.IndicatorNames()
	for i, name := range r.Indicators {
		d.check(oneOf(name, known), fmt.Sprintf("resilience.indicators[%d]", i), "unknown indicator %q (known: %s)", name, strings.Join(known, ", "))
	}
	d.check(r.RecoveryThreshold > 0 && r.RecoveryThreshold <= 1, "resilience.recovery_threshold", "must be above 0 and at most 1, got %g", r.RecoveryThreshold)
	d.check(r.Settle >= 1, "resilience.settle", "must be at least 1, got %d", r.Settle)
}

func (d *decoder) validateFailures(s *Scenario) {
	for i := range s.Failures {
		d.validateFailure(s, &s.Failures[i], fmt.Sprintf("failures[%d]", i))
	}
}

func (d *decoder) validateFailure(s *Scenario, f *agents.Failure, p string) {
	if !oneOf(f.Kind, agents.FailureKinds) {
		d.check(false, p+".kind", "unknown failure kind %q (known: %s)", f.Kind, strings.Join(agents.FailureKinds, ", "))
		return
	}
	d.check(f.At >= 1 && f.At <= s.Ticks, p+".at", "must be a tick of the run, 1 to %d, got %d (move it with --set %s.at=N, or run longer)", s.Ticks, f.At, p)
	d.check(f.Duration >= 0, p+".duration", "must not be negative, got %d", f.Duration)
	d.check(f.Every >= 0, p+".every", "must not be negative, got %d", f.Every)
	d.unit(f.Fraction, p+".fraction")
	d.check(f.Count >= 0, p+".count", "must not be negative, got %d", f.Count)
	if oneOf(f.Kind, fractionsKinds) && f.Kind != agents.FailPest {
		// A fraction written as 0 is a deliberate no-op (the first point of
		// a degradation sweep); one never written is a mistake.
		_, wrote := d.places[p+".fraction"]
		_, wroteCount := d.places[p+".count"]
		needAmount := !(f.Kind == agents.FailKill && f.Select == "region")
		d.check(!needAmount || wrote || wroteCount, p+".fraction", "give a fraction or a count of targets to hit")
	}
	d.check(f.Every == 0 || oneOf(f.Kind, []string{agents.FailKill, agents.FailCutLinks, agents.FailBlight}), p+".every", "only kill, cut_links and blight repeat")
	if f.Region.Set() {
		d.checkRegion(s, f.Region, p+".region")
	}
	switch f.Kind {
	case agents.FailKill:
		d.check(oneOf(f.Target, killTargets), p+".target", "kill needs a target: %s; got %q", strings.Join(killTargets, ", "), f.Target)
		d.check(oneOf(f.Select, killSelectors), p+".select", "unknown selector %q (known: %s)", f.Select, strings.Join(killSelectors, ", "))
		d.check(f.Select != "region" || f.Region.Set(), p+".region", "select region needs a region")
		d.check(f.Target != "colony" || (f.Colony >= 0 && f.Colony < len(s.Ants.Colonies)), p+".colony", "no colony %d; the scenario has %d", f.Colony, len(s.Ants.Colonies))
		d.check(f.Target != "nodes" || s.Network.Nodes > 0, p+".target", "the scenario has no node agents")
		d.check(!(f.Target == "ants" || f.Target == "colony") || f.Select == "random" || f.Select == "region" || f.Select == "largest", p+".select", "ants are not network nodes; select random, largest or region")
	case agents.FailBlight:
		d.check(f.Severity > 0 && f.Severity <= 1, p+".severity", "must be above 0 and at most 1, got %g", f.Severity)
		d.check(f.Select == "random", p+".select", "blight hits genets at random (within the region, if given), got %q", f.Select)
	case agents.FailCutLinks:
		d.check(oneOf(f.Select, cutSelectors), p+".select", "cut_links selects random or central, got %q", f.Select)
	case agents.FailPartition:
		okAxis := f.Line.Axis == "x" || f.Line.Axis == "y"
		okLine := okAxis && f.Line.At > 0
		switch {
		case f.Line.Axis != "" && !okAxis:
			// A line was meant; name what is wrong in it.
			d.check(false, p+".line.axis", "must be x or y, got %q", f.Line.Axis)
		case okAxis && !okLine:
			d.check(false, p+".line.at", "must be above 0, so that the line has cells on both sides; got %d", f.Line.At)
		default:
			d.check(okLine || f.Region.Set(), p+".line", "partition needs a line {axis: x|y, at: N} or a region")
		}
		d.check(!okLine || (f.Line.Axis == "x" && f.Line.At < s.World.Width) || (f.Line.Axis == "y" && f.Line.At < s.World.Height), p+".line.at", "line at %d is outside the grid", f.Line.At)
	case agents.FailMessageLoss:
		d.unit(f.Rate, p+".rate")
	case agents.FailLatency:
		d.intRange(f.Extra, 1, 1000, p+".extra")
	case agents.FailDrought:
		d.check(f.Severity > 0 && f.Severity <= 1, p+".severity", "must be above 0 and at most 1, got %g", f.Severity)
	case agents.FailFire:
		d.validateFire(s, f, p)
	case agents.FailBarrier:
		d.check(f.Region.Set(), p+".region", "barrier needs a region")
	case agents.FailPest:
		d.check(f.Fraction > 0 || f.Count > 0 || f.Region.Set(), p+".count", "pest needs a count, a fraction or a region of trees to infest")
		d.unit(f.Spread, p+".spread")
		d.unit(f.Damage, p+".damage")
		d.check(f.Neighbourhood == 4 || f.Neighbourhood == 8, p+".neighbourhood", "must be 4 or 8, got %d", f.Neighbourhood)
	}
}

func (d *decoder) validateFire(s *Scenario, f *agents.Failure, p string) {
	d.check(oneOf(f.Ignite, igniteChoices), p+".ignite", "fire needs ignite: %s; got %q", strings.Join(igniteChoices, ", "), f.Ignite)
	d.check(f.Ignite != "random" || f.Count > 0, p+".count", "ignite random needs a count of trees")
	d.check(f.Ignite != "cells" || len(f.Cells) > 0, p+".cells", "ignite cells needs a list of [x, y] cells")
	for j, c := range f.Cells {
		ok := len(c) == 2 && c[0] >= 0 && c[1] >= 0 && c[0] < s.World.Width && c[1] < s.World.Height
		d.check(ok, fmt.Sprintf("%s.cells[%d]", p, j), "must be [x, y] inside the %dx%d grid, got %v", s.World.Width, s.World.Height, c)
	}
	d.unit(f.Spread, p+".spread")
	d.check(f.Neighbourhood == 4 || f.Neighbourhood == 8, p+".neighbourhood", "must be 4 or 8, got %d", f.Neighbourhood)
}

func (d *decoder) checkRegion(s *Scenario, r agents.Region, p string) {
	d.check(r.W >= 0 && r.H >= 0 && r.R >= 0, p, "sizes must not be negative")
	d.check(r.R == 0 || (r.W == 0 && r.H == 0), p, "give either w and h (a rectangle) or r (a circle), not both")
	d.check(r.R > 0 || (r.W > 0 && r.H > 0), p, "a rectangle needs both w and h")
	inside := r.X >= 0 && r.Y >= 0 && r.X < s.World.Width && r.Y < s.World.Height
	d.check(inside, p, "region at (%d, %d) is outside the %dx%d grid", r.X, r.Y, s.World.Width, s.World.Height)
}
