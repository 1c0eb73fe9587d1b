package plots

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares v, as indented JSON, with testdata/golden/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: chart data differs from %s; rerun with -update after checking the change", name, p)
	}
}

// TestChartDataGolden pins the series, bands and markers of every chart
// drawn from the fixture run.
func TestChartDataGolden(t *testing.T) {
	r, err := Load(writeFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "timeseries", TimeSeries(r))
	golden(t, "resilience", Resilience(r))
	golden(t, "giant", Giant(r))
	golden(t, "degrees", Degrees(r))
}

// TestChartDataMeaning checks the fixture's charts say what the numbers
// mean, independently of the golden files.
func TestChartDataMeaning(t *testing.T) {
	r, err := Load(writeFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	rs := Resilience(r)
	if len(rs) != 1 {
		t.Fatalf("want one resilience chart, got %d", len(rs))
	}
	d := rs[0]
	if d.ResistanceTick != 50 || d.ResistanceY != 60 || d.RecoveryTick == nil || *d.RecoveryTick != 59 {
		t.Errorf("markers: resistance at %v (%v), recovery %v", d.ResistanceTick, d.ResistanceY, d.RecoveryTick)
	}
	if d.BandX[0] != 50 || d.BandUpper[0] != 100 || d.BandLower[0] != 60 {
		t.Errorf("band starts at (%v, %v..%v)", d.BandX[0], d.BandLower[0], d.BandUpper[0])
	}
	ws := r.Windows
	if len(ws) != 2 || ws[0] != (Window{50, 50, "kill: nodes by hubs"}) || ws[1] != (Window{70, 80, "drought"}) {
		t.Errorf("windows %+v", ws)
	}
	g := Giant(r)
	if g.Removed == nil || math.Abs(g.Removed.X[len(g.Removed.X)-1]-0.05) > 1e-12 {
		t.Errorf("giant against removed: %+v", g.Removed)
	}
	deg := Degrees(r)
	if len(deg.Series) != 2 || deg.Series[0].Kind != "trees" || deg.Series[0].Isolated != 0.25 {
		t.Errorf("degrees %+v", deg)
	}
}

func TestDownsampleKeepsExtremesAndEnds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 5000).Draw(t, "n")
		max := rapid.IntRange(4, 600).Draw(t, "max")
		x, y := make([]float64, n), make([]float64, n)
		for i := range n {
			x[i] = float64(i)
			y[i] = rapid.Float64Range(-1e6, 1e6).Draw(t, "y")
		}
		ox, oy := Downsample(x, y, max)
		if len(ox) != len(oy) || (n > max && len(ox) > max) || (n <= max && len(ox) != n) {
			t.Fatalf("n %d max %d gave %d points", n, max, len(ox))
		}
		if n == 0 {
			return
		}
		if ox[0] != x[0] || ox[len(ox)-1] != x[n-1] {
			t.Fatal("first or last point dropped")
		}
		lo, hi, olo, ohi := y[0], y[0], oy[0], oy[0]
		for _, v := range y {
			lo, hi = min(lo, v), max2(hi, v)
		}
		for i, v := range oy {
			olo, ohi = min(olo, v), max2(ohi, v)
			if i > 0 && ox[i] <= ox[i-1] {
				t.Fatal("points out of order")
			}
		}
		if lo != olo || hi != ohi {
			t.Fatalf("extremes %v..%v became %v..%v", lo, hi, olo, ohi)
		}
	})
}

func max2(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
