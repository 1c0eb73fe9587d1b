package plots

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestMorrisChartAndTable: a morris sweep's elementary effects are read,
// pivoted for the headline figures a path a row, drawn a panel a figure
// with every path named, and tabled in the report.
func TestMorrisChartAndTable(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"sweep.json": `{"scenario": "tiny", "seed": 3, "plan": {"vary": [{"path": "a", "values": "uniform(0,1)"}, {"path": "shape", "values": "star,ring"}], "reps": 1, "design": "morris", "samples": 6}, "figures": ["final_x", "x_resistance", "x_recovery_time"], "runs": 18}`,
		"aggregate.csv": "point,a,shape,figure,n,mean,sd,ci_low,ci_high\n" +
			"0,0,star,final_x,1,10,,,\n0,0,star,x_resistance,1,0.5,,,\n0,0,star,x_recovery_time,0,,,,\n0,0,star,x_recovered,1,0,,,\n",
		"morris.csv": "figure,path,effects,mu,mu_star,mu_star_low,mu_star_high,sigma\n" +
			"final_x,a,6,-3,3,2.5,3.5,0.4\nfinal_x,shape,6,0,0.2,0.1,0.3,0.25\n" +
			"x_resistance,a,6,0.1,0.45,0.3,0.6,0.5\nx_resistance,shape,5,0.01,0.02,0.01,0.03,0.01\n" +
			"x_recovery_time,a,0,,,,,\nx_recovery_time,shape,0,,,,,\n",
	})
	d, err := LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := MorrisHeadline(d)
	if h == nil || h.What != "elementary effects on resistance" || !slices.Equal(h.Columns, []string{"varied path", "x"}) || len(h.Rows) != 2 ||
		!slices.Equal(h.Rows[0], []string{"a", "0.45 [0.3, 0.6] σ 0.5"}) || !slices.Equal(h.Rows[1], []string{"shape", "0.02 [0.01, 0.03] σ 0.01"}) {
		t.Fatalf("table: %+v", h)
	}
	charts := sweepCharts(d)
	svg := namedSVG(t, charts, "morris")
	hasTexts(t, svg, "over 6 trajectories", ">x_resistance<", ">final_x<", ">shape<", ">a<", "mu* (mean |effect|)",
		"not drawn, no effect defined, or none but 0: x_recovery_time")
	out, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := os.ReadFile(out); !strings.Contains(string(page), "<td>0.45 [0.3, 0.6] σ 0.5</td>") || !strings.Contains(string(page), "Morris screening") {
		t.Error("the report has no morris table")
	}
	writeFiles(t, dir, map[string]string{"morris.csv": "figure,path,effects,mu,mu_star,mu_star_low,mu_star_high,sigma\nx,a,6,1,1,nope,1,1\n"})
	if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), "morris.csv") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a malformed morris.csv: %v", err)
	}
}

// TestPlaceLabelsApart: names of points that crowd together are stacked
// so none covers another, and a point in the panel's right half has its
// name to its left.
func TestPlaceLabelsApart(t *testing.T) {
	pts := plotter.XYs{{X: 0.01, Y: 0.01}, {X: 0.012, Y: 0.008}, {X: 0.02, Y: 0.015}, {X: 0.9, Y: 0.3}}
	names := []string{"fungi.share_rate", "fungi.fee", "trees.count", "failures[0].severity"}
	at, right, top := placeLabels(pts, names, 1)
	for i := range 3 {
		for j := i + 1; j < 3; j++ {
			if d := at[i].Y - at[j].Y; d > -0.065 && d < 0.065 {
				t.Errorf("labels %d and %d at heights %v and %v overlap", i, j, at[i].Y, at[j].Y)
			}
		}
	}
	if !slices.Equal(right, []bool{false, false, false, true}) || !(at[3].X < 0.9) || !(top > at[2].Y) {
		t.Errorf("right %v, the last at %v, top %v", right, at[3], top)
	}
}
