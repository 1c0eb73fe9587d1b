package plots

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/resilience"
	"github.com/ecosim/ecosim/runner"
)

// writeFixture makes a small run directory with known numbers: 101 ticks;
// the control holds 100 living trees throughout; the run drops to 60 at
// tick 50 and recovers linearly to 100 by tick 60. A hub kill strikes at
// tick 50 and a drought lasts from 70 to 80. One snapshot at tick 100.
func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	trees := func(tick int, control bool) float64 {
		if control || tick < 50 || tick >= 60 {
			return 100
		}
		return 60 + 4*float64(tick-50)
	}
	metrics := func(control bool) string {
		var b strings.Builder
		b.WriteString("tick,living_trees,giant_component,nodes,links,ants\n")
		for tick := 0; tick <= 100; tick++ {
			g := 1.0
			nodes := 200.0
			if !control && tick >= 50 {
				g, nodes = 0.5, 190
			}
			fmt.Fprintf(&b, "%d,%g,%g,%g,%d,0\n", tick, trees(tick, control), g, nodes, 300+tick)
		}
		return b.String()
	}
	write("metrics.csv", metrics(false))
	write("control/metrics.csv", metrics(true))
	write("events.jsonl", `{"tick":3,"type":"birth","agent":9,"kind":"tree"}
{"tick":50,"type":"failure","agent":0,"kind":"kill","cause":"nodes by hubs","value":10}
{"tick":70,"type":"failure","agent":0,"kind":"drought","cause":"start","other":1}
{"tick":80,"type":"restore","agent":0,"kind":"drought","other":1}
`)
	p, c := make([]float64, 101), make([]float64, 101)
	for i := range p {
		p[i], c[i] = trees(i, false), trees(i, true)
	}
	f, err := resilience.Analyze(p, c, 50, 0.95, 5)
	if err != nil {
		t.Fatal(err)
	}
	res := runner.Resilience{Scenario: "fixture", Seed: 1, FirstFailure: 50, RecoveryThreshold: 0.95, Settle: 5,
		Indicators: []runner.IndicatorFigure{{Name: "living_trees", Figures: f}}}
	js, _ := json.Marshal(res)
	write("resilience.json", string(js))
	sum := runner.Summary{Scenario: "fixture", Seed: 1, Ticks: 100, TicksDone: 100, Status: "complete"}
	js, _ = json.Marshal(sum)
	write("summary.json", string(js))
	snap := agents.Snapshot{Tick: 100, Width: 10, Height: 8, Species: []string{"birch", "fir"},
		Trees: [][5]float64{{1, 1, 0, 5, 2}, {3, 2, 1, 9, 1}, {5, 5, 0, 2, 0}, {7, 6, 1, 4, 3}},
		Fungi: [][4]float64{{2, 2, 3, 3}}, Links: [][5]float64{{2, 2, 1, 1, 0}, {2, 2, 3, 2, 1}, {2, 2, 7, 6, 0}},
		Ants: [][3]float64{{4, 4, 0}, {4, 5, 1}}, Nests: [][2]float64{{4, 4}}, Burnt: [][2]float64{{0, 7}},
		Degrees: []int{2, 1, 0, 3, 3}}
	js, _ = json.Marshal(snap)
	write(runner.SnapshotFile(100), string(js))
	write("scenario.yaml", "name: fixture\nseed: 1\n")
	return dir
}
