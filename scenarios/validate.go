package scenarios

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// check records a problem with the field at path when ok is false, at the
// place the field was written, or at its nearest written parent.
func (d *decoder) check(ok bool, path, format string, args ...any) {
	if ok || d.failed(path) {
		return
	}
	if _, set := d.places[path]; !set && strings.Contains(format, "got %") {
		// A message that quotes the value says it is the default, or a
		// user hunts the file for a value it never wrote: a grid made
		// smaller fails on the default tree count.
		format += " (the default; the scenario does not set %s)"
		args = append(args[:len(args):len(args)], path)
	}
	p := path
	for {
		if pl, found := d.places[p]; found {
			d.failAt(pl, path, format, args...)
			return
		}
		i := lastSep(p)
		if i < 0 {
			d.failAt(place{file: d.file}, path, format, args...)
			return
		}
		p = p[:i]
	}
}

// failed reports whether decoding already reported path; a field that did
// not decode keeps its default, which says nothing about the file.
func (d *decoder) failed(path string) bool {
	for _, e := range d.errs {
		if e.Path == path {
			return true
		}
	}
	return false
}

// sorted returns the errors in file order, overrides first.
func (d *decoder) sorted() Errors {
	es := append(Errors(nil), d.errs...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Col < es[j].Col
	})
	return es
}

func lastSep(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return i
		}
	}
	return -1
}

func (d *decoder) unit(v float64, path string) {
	d.check(v >= 0 && v <= 1, path, "must be between 0 and 1, got %g", v)
}

func (d *decoder) nonNeg(v float64, path string) {
	d.check(v >= 0, path, "must not be negative, got %g", v)
}

func (d *decoder) intRange(v, lo, hi int, path string) {
	d.check(v >= lo && v <= hi, path, "must be between %d and %d, got %d", lo, hi, v)
}

// validate is the one pass that checks a decoded scenario; defaults were
// filled before decoding, so every field has a value here.
func (d *decoder) validate(s *Scenario) {
	d.check(s.Name != "", "name", "must not be empty")
	d.check(s.Name == "" || plainName(s.Name), "name", "must be a plain file name, as it names the output directory results/NAME: no '/' or '\\', no leading '.', no control characters, at most %d bytes; got %q", maxNameLen, s.Name)
	d.intRange(s.Ticks, 1, MaxTicks, "ticks")
	w := &s.World
	d.intRange(w.Width, 1, MaxGridSide, "world.width")
	d.intRange(w.Height, 1, MaxGridSide, "world.height")
	d.nonNeg(w.Nutrients, "world.nutrients")
	d.nonNeg(w.Deposition, "world.deposition")
	d.unit(w.LitterDecay, "world.litter_decay")
	d.unit(w.FoodRot, "world.food_rot")
	d.nonNeg(w.Water.Mean, "world.water.mean")
	d.unit(w.Water.Seasonality, "world.water.seasonality")
	for i, p := range w.FoodPiles {
		pp := fmt.Sprintf("world.food_piles[%d]", i)
		d.check(p.X >= 0 && p.Y >= 0 && p.X < w.Width && p.Y < w.Height, pp, "centre (%d, %d) is outside the grid", p.X, p.Y)
		d.check(p.R >= 0, pp+".r", "must not be negative, got %d", p.R)
		d.nonNeg(p.Amount, pp+".amount")
	}
	d.check(w.Water.Period >= 0, "world.water.period", "must not be negative, got %d", w.Water.Period)
	d.unit(w.Water.Evaporation, "world.water.evaporation")
	d.validateTrees(s)
	d.validateFungi(s)
	d.validateAnts(s)
	d.validateNetwork(s)
	d.validateFailures(s)
	d.validateResilience(s)
	agentsN := s.Trees.Count + s.Fungi.Count + s.Network.Nodes
	for _, c := range s.Ants.Colonies {
		agentsN += c.Workers + 1
	}
	d.check(agentsN <= MaxAgents, "trees.count", "scenario starts %d agents; the limit is %d", agentsN, MaxAgents)
}

func (d *decoder) validateTrees(s *Scenario) {
	t := &s.Trees
	cells := s.World.Width * s.World.Height
	d.unit(t.Density, "trees.density")
	d.check(cells <= 0 || (t.Count >= 0 && t.Count <= cells), "trees.count", "must be between 0 and the %d cells of the grid, got %d", cells, t.Count)
	d.check(len(t.Species) > 0, "trees.species", "at least one species is needed")
	names := map[string]bool{}
	share := 0.0
	for i, sp := range t.Species {
		p := fmt.Sprintf("trees.species[%d]", i)
		d.check(sp.Name != "" && !names[sp.Name], p+".name", "must be a non-empty name not used by another species, got %q", sp.Name)
		names[sp.Name] = true
		d.nonNeg(sp.Share, p+".share")
		share += sp.Share
		d.nonNeg(sp.Growth, p+".growth")
		d.unit(sp.ShadeTolerance, p+".shade_tolerance")
		d.unit(sp.SeedRate, p+".seed_rate")
		d.intRange(sp.MaxAge, 1, MaxTicks, p+".max_age")
	}
	d.check(len(t.Species) == 0 || share > 0, "trees.species", "shares must not all be zero")
	d.nonNeg(t.Respiration, "trees.respiration")
	d.nonNeg(t.Shading, "trees.shading")
	d.nonNeg(t.ReserveFraction, "trees.reserve_fraction")
	d.unit(t.Allocation, "trees.allocation")
	d.unit(t.FruitFraction, "trees.fruit_fraction")
	d.nonNeg(t.SeedCost, "trees.seed_cost")
	d.intRange(t.Dispersal, 1, 1000, "trees.dispersal")
	d.nonNeg(t.MatureBiomass, "trees.mature_biomass")
	d.nonNeg(t.WaterUse, "trees.water_use")
	d.nonNeg(t.NutrientUse, "trees.nutrient_use")
}

func (d *decoder) validateFungi(s *Scenario) {
	f := &s.Fungi
	d.check(f.Count >= 0, "fungi.count", "must not be negative, got %d", f.Count)
	d.intRange(f.Reach, 1, 1000, "fungi.reach")
	d.unit(f.ShareRate, "fungi.share_rate")
	d.unit(f.Fee, "fungi.fee")
	d.nonNeg(f.Preference, "fungi.preference")
	d.intRange(f.MaxLinks, 0, 100000, "fungi.max_links")
	d.nonNeg(f.LinkCost, "fungi.link_cost")
	d.nonNeg(f.LinkUpkeep, "fungi.link_upkeep")
	d.unit(f.LinkTurnover, "fungi.link_turnover")
	d.unit(f.Respiration, "fungi.respiration")
	d.nonNeg(f.SpawnCarbon, "fungi.spawn_carbon")
	d.check(f.MaxCount >= f.Count, "fungi.max_count", "must be at least fungi.count (%d), got %d", f.Count, f.MaxCount)
	d.nonNeg(f.UptakeBonus, "fungi.uptake_bonus")
	d.nonNeg(f.InitialCarbon, "fungi.initial_carbon")
}

func (d *decoder) validateAnts(s *Scenario) {
	a := &s.Ants
	for i, c := range a.Colonies {
		p := fmt.Sprintf("ants.colonies[%d]", i)
		ok := len(c.Nest) == 2 && c.Nest[0] >= 0 && c.Nest[1] >= 0 && c.Nest[0] < s.World.Width && c.Nest[1] < s.World.Height
		d.check(ok, p+".nest", "must be [x, y] inside the %dx%d grid, got %v", s.World.Width, s.World.Height, c.Nest)
		d.check(c.Workers >= 0, p+".workers", "must not be negative, got %d", c.Workers)
		d.nonNeg(c.Food, p+".food")
	}
	d.nonNeg(a.Pheromone.Deposit, "ants.pheromone.deposit")
	d.unit(a.Pheromone.Diffusion, "ants.pheromone.diffusion")
	d.unit(a.Pheromone.Evaporation, "ants.pheromone.evaporation")
	d.nonNeg(a.Load, "ants.load")
	d.nonNeg(a.Upkeep, "ants.upkeep")
	d.nonNeg(a.WorkerCost, "ants.worker_cost")
	d.intRange(a.Lifespan, 1, MaxTicks, "ants.lifespan")
	d.intRange(a.Patience, 1, MaxTicks, "ants.patience")
	d.check(a.MaxWorkers >= 0, "ants.max_workers", "must not be negative, got %d", a.MaxWorkers)
}

// maxNameLen is the longest scenario name: a file name with room for the
// suffixes added to it ("-sweep", ".partial-…").
const maxNameLen = 200

// plainName reports whether name can stand as one directory name under
// results/ and nowhere else: "../x" would put a run beside the project,
// and ".x" would hide it.
func plainName(name string) bool {
	if len(name) > maxNameLen || name[0] == '.' || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}
