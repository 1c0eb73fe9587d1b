package plots

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/sweep"
)

// TestSobolChartAndTable: a sobol sweep's indices are read, pivoted for
// the headline figures a path a row (first-order and total-effect apart),
// drawn a panel a figure with both kinds, naming the figure that has
// none, and tabled in the report.
func TestSobolChartAndTable(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"sweep.json": `{"scenario": "tiny", "seed": 3, "plan": {"vary": [{"path": "a", "values": "uniform(0,1)"}, {"path": "shape", "values": "star,ring"}], "reps": 2, "design": "sobol", "samples": 10}, "figures": ["final_x", "x_resistance", "x_recovery_time"], "runs": 80}`,
		"aggregate.csv": "point,a,shape,figure,n,mean,sd,ci_low,ci_high\n" +
			"0,0.1,star,final_x,2,10,1,1,19\n0,0.1,star,x_resistance,2,0.5,0,0.5,0.5\n0,0.1,star,x_recovery_time,0,,,,\n0,0.1,star,x_recovered,2,0,0,0,0.66\n",
		"sobol.csv": "figure,path,rows,first,first_low,first_high,total,total_low,total_high\n" +
			"final_x,a,10,0.6,0.3,0.9,0.7,0.4,1.1\nfinal_x,shape,10,0.2,-0.1,0.5,0.25,0.1,0.4\n" +
			"x_resistance,a,10,0.012,-0.05,0.07,0.3,0.1,0.5\nx_resistance,shape,9,0.55,0.2,0.8,0.8,0.6,1.3\n" +
			"x_recovery_time,a,1,,,,,,\nx_recovery_time,shape,1,,,,,,\n",
	})
	d, err := LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	first, total := SobolHeadline(d, false), SobolHeadline(d, true)
	if first == nil || total == nil || first.What != "first-order index of resistance" || total.What != "total-effect index of resistance" ||
		!slices.Equal(first.Columns, []string{"varied path", "x"}) || len(first.Rows) != 2 ||
		!slices.Equal(first.Rows[0], []string{"a", "0.01 [-0.05, 0.07]"}) || !slices.Equal(total.Rows[1], []string{"shape", "0.80 [0.60, 1.30]"}) {
		t.Fatalf("tables: %+v %+v", first, total)
	}
	charts := sweepCharts(d)
	svg := namedSVG(t, charts, "sobol")
	hasTexts(t, svg, "variance by varied path, over 10 rows of the design",
		">x_resistance<", ">final_x<", ">shape<", "first-order index", "not drawn, too few rows where the figure is defined, or it never varies: x_recovery_time")
	if strings.Contains(svg, ">x_recovered<") || strings.Contains(svg, "grey strip") {
		t.Error("a share of replicates has a panel, or a noise strip is keyed without a noise share")
	}
	out, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(out)
	for _, want := range []string{"<h3>first-order index of resistance</h3>", "<td>0.55 [0.20, 0.80]</td>", "<td>0.30 [0.10, 0.50]</td>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the report has no %q", want)
		}
	}
	if _, _, known := SobolNoise(d); known {
		t.Error("a sobol.csv without a noise column has a noise share")
	}
	writeFiles(t, dir, map[string]string{"sobol.csv": "figure,path,rows,first,first_low,first_high,total,total_low,total_high\nx,a,10,0.1,0.1,oops,0.1,0.1,0.1\n"})
	if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), "sobol.csv") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a malformed sobol.csv: %v", err)
	}
	// The noise column, as sweeps write it now: a row of its own under
	// the first-order indices, and the largest share named.
	writeFiles(t, dir, map[string]string{"sobol.csv": strings.Join(sweep.SobolHeader, ",") + "\n" +
		"final_x,a,10,0.6,0.3,0.9,0.7,0.4,1.1,0.3\nfinal_x,shape,10,0.2,-0.1,0.5,0.25,0.1,0.4,0.3\n" +
		"x_resistance,a,10,0.012,-0.05,0.07,0.3,0.1,0.5,0.234\nx_resistance,shape,9,0.55,0.2,0.8,0.8,0.6,1.3,0.234\n" +
		"x_recovery_time,a,1,,,,,,,\nx_recovery_time,shape,1,,,,,,,\n"})
	if d, err = LoadSweep(dir); err != nil {
		t.Fatal(err)
	}
	first, total = SobolHeadline(d, false), SobolHeadline(d, true)
	if len(first.Rows) != 3 || !slices.Equal(first.Rows[2], []string{NoiseRow, "0.23"}) || len(total.Rows) != 2 {
		t.Errorf("tables with noise: %+v %+v", first.Rows, total.Rows)
	}
	hasTexts(t, namedSVG(t, sweepCharts(d), "sobol"), "grey strip: the share")
	if share, fig, known := SobolNoise(d); !known || share != 0.3 || fig != "final_x" {
		t.Errorf("the largest noise share: %v of %s (%v)", share, fig, known)
	}
	out, err = Report(dir)
	if page, _ = os.ReadFile(out); err != nil || !strings.Contains(string(page), "<td>(replicate noise)</td>") {
		t.Errorf("the report has no noise row (%v)", err)
	}
}

// TestIndexPanelWidensForIntervals: the panel's scale takes in every dot
// and bar, so an interval past 1 is drawn whole.
func TestIndexPanelWidensForIntervals(t *testing.T) {
	p := indexPanel("f", "share", []string{"a", "b"}, []indexSeries{
		{[]intervalDot{{0.5, 0.2, 1.4}, {0.1, -0.3, 0.2}}, blue, nil}}, 0, 1)
	if !(p.X.Min < -0.3 && p.X.Max > 1.4 && p.Y.Min == -0.5 && p.Y.Max == 1.5) {
		t.Errorf("x from %v to %v, y from %v to %v", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
}

func TestDesignText(t *testing.T) {
	for _, c := range []struct {
		plan sweep.Plan
		want string
	}{
		{sweep.Plan{Design: "sobol", Samples: 64, Reps: 2, Vary: make([]sweep.Vary, 3), Sampler: "halton"}, "sobol, 64 rows of 5 points drawn from one scrambled Halton sequence, 2 replicates per point"},
		{sweep.Plan{Design: "sobol", Samples: 64, Reps: 2, Vary: make([]sweep.Vary, 3), Sampler: "lhs"}, "sobol, 64 rows of 5 points drawn from two Latin hypercubes, 2 replicates per point"},
		{sweep.Plan{Design: "morris", Samples: 20, Reps: 1, Vary: make([]sweep.Vary, 3)}, "morris, 20 trajectories of 4 points, 1 replicate per point"},
		{sweep.Plan{Design: "morris", Samples: 20, Reps: 1, Vary: make([]sweep.Vary, 3), Levels: 8}, "morris, 20 trajectories of 4 points on 8 levels, 1 replicate per point"},
		{sweep.Plan{Design: "lhs", Samples: 30, Reps: 2, Vary: make([]sweep.Vary, 2)}, "lhs, 30 samples, 2 replicates per point"},
		{sweep.Plan{Design: "grid", Reps: 10, Vary: make([]sweep.Vary, 1)}, "grid, 10 replicates per point"},
	} {
		if got := designText(&c.plan); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
