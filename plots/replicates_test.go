package plots

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeReplicatesSweep writes a sweep directory that varies nothing: four
// replicates in runs.csv, appended out of order as workers finish, one of
// them failed; x recovered in one of them.
func writeReplicatesSweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"sweep.json": `{"scenario": "tiny", "seed": 7, "plan": {"vary": null, "reps": 4, "design": "grid"}, "figures": ["a", "b", "x_recovery_time"], "runs": 4}`,
		"runs.csv": "key,point,replicate,seed,a,b,x_recovery_time,status,error,wall_seconds\n" +
			"k2,0,2,3,5,0.5,,ok,,0.1\n" +
			"k0,0,0,1,1,0.1,40,ok,,0.1\n" +
			"k3,0,3,4,,,,failed,boom,0.1\n" +
			"k1,0,1,2,3,0.3,,ok,,0.1\n",
		"aggregate.csv": "point,figure,n,mean,sd,ci_low,ci_high\n" +
			"0,a,3,3,2,-1.97,7.97\n0,b,3,0.3,0.2,-0.197,0.797\n0,x_recovery_time,1,40,,,\n0,x_recovered,3,0.333,0.577,0.0615,0.792\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// TestReplicatesChart: a sweep that varies nothing reads each figure's
// value replicate by replicate, failed runs left out, and draws one panel
// a figure defined in two replicates or more, naming the others.
func TestReplicatesChart(t *testing.T) {
	d, err := LoadSweep(writeReplicatesSweep(t))
	if err != nil {
		t.Fatal(err)
	}
	if a := d.Replicates["a"]; !slices.Equal(a, []float64{1, 3, 5}) {
		t.Errorf("replicates of a: %v, want 1, 3, 5 in replicate order", a)
	}
	if rec := d.Replicates["x_recovery_time"]; len(rec) != 3 || rec[0] != 40 || !math.IsNaN(rec[1]) {
		t.Errorf("replicates of x_recovery_time: %v", rec)
	}
	if got := d.Replicates["x_recovered"]; !slices.Equal(got, []float64{1, 0, 0}) {
		t.Errorf("x_recovered by replicate: %v, want 1, 0, 0", got)
	}
	charts := sweepCharts(d)
	if len(charts) != 1 || charts[0].name != "replicates" {
		t.Fatalf("%d charts", len(charts))
	}
	svg := svgText(t, charts[0].ch, charts[0].aspect)
	hasTexts(t, svg, "Replicates: each figure in 3 runs of the scenario", ">a<", ">b<", ">x_recovered<",
		"_recovered: 1 where the indicator recovered; line: the share, with its Wilson interval",
		"not drawn, defined in fewer than two replicates: x_recovery_time")
	if strings.Contains(svg, ">x_recovery_time<") {
		t.Error("a panel of x_recovery_time, defined in one replicate, was drawn")
	}
}

// TestSweepHeadline pivots a sweep's resistance, and with it the share
// recovered, a row a point; past the limit it counts what it left out.
func TestSweepHeadline(t *testing.T) {
	d := &SweepData{Paths: []string{"f"}, Figures: []string{"final_x", "x_resistance", "x_recovery_time", "x_recovered"},
		ByFig: map[string][]AggPoint{}}
	for i, v := range []string{"0", "0.1", "0.2"} {
		d.ByFig["x_resistance"] = append(d.ByFig["x_resistance"], AggPoint{Values: []string{v}, Mean: 1 - float64(i)/10, Low: 0.5, High: 1, N: 4})
		d.ByFig["x_recovered"] = append(d.ByFig["x_recovered"], AggPoint{Values: []string{v}, Mean: 0.25 * float64(i), Low: math.NaN(), High: math.NaN(), N: 1})
	}
	h := SweepHeadline(d, true, 2)
	if h.What != "resistance and share recovered" || !slices.Equal(h.Columns, []string{"f", "x_resistance", "x_recovered"}) ||
		len(h.Rows) != 2 || h.More != 1 || !h.Single || !slices.Equal(h.Rows[1], []string{"0.1", "0.9 [0.5, 1]", "0.25"}) {
		t.Errorf("with shares: %+v", h)
	}
	h = SweepHeadline(d, false, 0)
	if h.What != "resistance" || !slices.Equal(h.Columns, []string{"f", "x"}) || len(h.Rows) != 3 || h.More != 0 || h.Single {
		t.Errorf("resistance alone: %+v", h)
	}
	if h := SweepHeadline(&SweepData{Figures: []string{"a"}, ByFig: map[string][]AggPoint{}}, true, 0); h != nil {
		t.Errorf("a sweep of no headline figure: %+v", h)
	}
}

// writeFiles writes each file of files, by name, into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestShortValues(t *testing.T) {
	got := shortValues([]string{"0.451341947587", "0.05", "star", "100000", "-1.23456789012e-05", "7"})
	want := []string{"0.451342", "0.05", "star", "100000", "-1.23457e-05", "7"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
