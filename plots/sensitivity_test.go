package plots

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// writeLHSSweep writes a Latin-hypercube sweep directory of two paths
// with its sensitivity.csv: x's resistance falls with b, and its recovery
// time is defined in too few runs.
func writeLHSSweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"sweep.json": `{"scenario": "tiny", "seed": 3, "plan": {"vary": [{"path": "a", "values": "uniform(0,1)"}, {"path": "b", "values": "uniform(0,1)"}], "reps": 1, "design": "lhs", "samples": 30}, "figures": ["final_x", "x_resistance", "x_recovery_time"], "runs": 30}`,
		"aggregate.csv": "point,a,b,figure,n,mean,sd,ci_low,ci_high\n" +
			"0,0.1,0.7,final_x,1,10,,,\n0,0.1,0.7,x_resistance,1,0.5,,,\n0,0.1,0.7,x_recovery_time,0,,,,\n0,0.1,0.7,x_recovered,1,0,,,\n" +
			"1,0.6,0.2,final_x,1,12,,,\n1,0.6,0.2,x_resistance,1,0.9,,,\n1,0.6,0.2,x_recovery_time,1,40,,,\n1,0.6,0.2,x_recovered,1,1,,,\n",
		"sensitivity.csv": "figure,path,runs,spearman,prcc,ci_low,ci_high\n" +
			"final_x,a,30,0.2,0.25,-0.12,0.56\nfinal_x,b,30,0.1,0.05,-0.3,0.4\n" +
			"x_resistance,a,30,0.01,0.02,-0.35,0.38\nx_resistance,b,30,-0.9,-0.93,-0.97,-0.86\n" +
			"x_recovery_time,a,2,,,,\nx_recovery_time,b,2,,,,\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// TestSensitivityChartAndTable: a Latin-hypercube sweep's partial rank
// correlations are read, pivoted for the headline figures a path a row,
// and drawn a panel a figure, naming the figure too sparse to have any;
// its headline figure is drawn against each path, a dot a point.
func TestSensitivityChartAndTable(t *testing.T) {
	d, err := LoadSweep(writeLHSSweep(t))
	if err != nil {
		t.Fatal(err)
	}
	h := SensitivityHeadline(d)
	if h == nil || h.What != "sensitivity of resistance" || !slices.Equal(h.Columns, []string{"varied path", "x"}) ||
		len(h.Rows) != 2 || !slices.Equal(h.Rows[1], []string{"b", "-0.93 [-0.97, -0.86]"}) {
		t.Fatalf("table: %+v", h)
	}
	charts := sweepCharts(d)
	svg := namedSVG(t, charts, "sensitivity")
	hasTexts(t, svg, "Sensitivity: each figure against each varied path, over 30 runs", ">x_resistance<", ">final_x<",
		"partial rank correlation (PRCC", "not drawn, too few runs where the figure is defined: x_recovery_time")
	if strings.Contains(svg, ">x_recovered<") {
		t.Error("a share of replicates has a sensitivity panel")
	}
	svg = namedSVG(t, charts, "scatter")
	hasTexts(t, svg, "Scatter: resistance against each varied path", ">x_resistance<", ">a<", ">b<")
	if strings.Contains(svg, ">final_x<") {
		t.Error("the scatter chart has a panel of a figure other than the headline's")
	}
	out, err := Report(writeLHSSweep(t))
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := os.ReadFile(out); !strings.Contains(string(page), "<td>-0.93 [-0.97, -0.86]</td>") {
		t.Error("the report has no sensitivity table")
	}

	dir := writeLHSSweep(t)
	writeFiles(t, dir, map[string]string{"sensitivity.csv": "figure,path\nx,a\n"})
	if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), "sensitivity.csv") {
		t.Errorf("a malformed sensitivity.csv: %v", err)
	}
}
