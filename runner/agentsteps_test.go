package runner

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// TestAgentStepsCountTheLiveAgents checks summary.json's agent_steps
// against metrics.csv: each tick, every agent alive as it starts (the
// trees, fungi, ants and nodes of the row before, and the colonies, which
// live as long as the run) decides once. The tiny
// world is born into and dies, so a count that took the agents at the start
// or the end alone would miss.
func TestAgentStepsCountTheLiveAgents(t *testing.T) {
	s, err := scenarios.Load("tiny", []string{"ticks=120"})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
		out := filepath.Join(t.TempDir(), mode.String())
		sum, err := Run(context.Background(), Options{Scenario: s, Out: out, NoControl: true, Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(out, "metrics.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		var cols []int
		for _, name := range []string{"living_trees", "fungi", "ants", "nodes"} {
			i := slices.Index(rows[0], name)
			if i < 0 {
				t.Fatalf("metrics.csv has no %s", name)
			}
			cols = append(cols, i)
		}
		colonies := int64(sum.Agents.ByKind["colony"])
		if colonies != int64(len(s.Config.Ants.Colonies)) {
			t.Fatalf("%d colonies at the end, %d in the scenario", colonies, len(s.Config.Ants.Colonies))
		}
		var want int64
		sizes := map[int64]bool{}
		for _, row := range rows[1 : len(rows)-1] { // ticks 0 to 119: the starts of ticks 1 to 120
			live := colonies
			for _, i := range cols {
				n, err := strconv.ParseFloat(row[i], 64)
				if err != nil {
					t.Fatal(err)
				}
				live += int64(n)
			}
			want += live
			sizes[live] = true
		}
		if len(sizes) < 2 {
			t.Fatalf("the population never changed in %d ticks; the test needs one that does", len(rows)-2)
		}
		if sum.AgentSteps != want {
			t.Errorf("%s: agent_steps %d, the live agents summed over the ticks %d", mode, sum.AgentSteps, want)
		}
	}
}
