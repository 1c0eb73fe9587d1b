package plots

import (
	"os"
	"strings"
	"testing"
)

// writeContrastSweep writes a sweep directory of one varied path, three
// points of three replicates, with its contrasts: x's resistance rises
// with the share rate, and x never recovered in both runs of any pair.
func writeContrastSweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"sweep.json": `{"scenario": "mycorrhiza", "seed": 11, "plan": {"vary": [{"path": "fungi.share_rate", "values": "0,0.1,0.3"}], "reps": 3, "design": "grid"}, "figures": ["final_x", "x_resistance", "x_recovery_time"], "runs": 9}`,
		"aggregate.csv": "point,fungi.share_rate,figure,n,mean,sd,ci_low,ci_high\n" +
			"0,0,final_x,3,10,1,7.5,12.5\n0,0,x_resistance,3,0.5,0.1,0.25,0.75\n0,0,x_recovery_time,0,,,,\n0,0,x_recovered,3,0,0,0,0.56\n" +
			"1,0.1,final_x,3,11,1,8.5,13.5\n1,0.1,x_resistance,3,0.55,0.1,0.3,0.8\n1,0.1,x_recovery_time,0,,,,\n1,0.1,x_recovered,3,0,0,0,0.56\n" +
			"2,0.3,final_x,3,12,1,9.5,14.5\n2,0.3,x_resistance,3,0.6,0.1,0.35,0.85\n2,0.3,x_recovery_time,1,40,,,\n2,0.3,x_recovered,3,0.333,0.577,0.06,0.79\n",
		"contrasts.csv": "point,fungi.share_rate,baseline,figure,pairs,mean_diff,sd_diff,ci_low,ci_high,p,p_holm\n" +
			"1,0.1,0,final_x,3,1,0.1,0.75,1.25,0.003,0.003\n1,0.1,0,x_resistance,3,0.05,0.01,0.025,0.075,0.04,0.08\n1,0.1,0,x_recovery_time,0,,,,,,\n1,0.1,0,x_recovered,3,0,0,-0.5,0.5,1,1\n" +
			"2,0.3,0,final_x,3,2,0.1,1.75,2.25,0.001,0.002\n2,0.3,0,x_resistance,3,0.1,0.01,0.075,0.125,0.003,0.006\n2,0.3,0,x_recovery_time,0,,,,,,\n2,0.3,0,x_recovered,3,0.333,0.577,-0.2,0.7,1,1\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// TestContrastChart: a sweep's paired differences are read from
// contrasts.csv and drawn against the first path, the baseline at no
// difference, with the figures without pairs named as not drawn.
func TestContrastChart(t *testing.T) {
	d, err := LoadSweep(writeContrastSweep(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Baseline != "fungi.share_rate=0" || len(d.Contrasts["x_resistance"]) != 2 || d.Contrasts["x_resistance"][1].Mean != 0.1 {
		t.Fatalf("baseline %q, contrasts %+v", d.Baseline, d.Contrasts)
	}
	if _, ok := d.Contrasts["x_recovery_time"]; ok {
		t.Error("a figure without pairs has contrasts")
	}
	charts := sweepCharts(d)
	if len(charts) != 2 || charts[0].name != "sweep" || charts[1].name != "contrasts" {
		t.Fatalf("charts: %+v", charts)
	}
	svg := svgText(t, charts[1].ch, charts[1].aspect)
	hasTexts(t, svg, "Difference from fungi.share_rate=0, paired by replicate", ">x_resistance<", ">final_x<",
		"dashed: no difference", "not drawn, defined in fewer than two points: x_recovery_time")
	if !strings.Contains(svg, ">x_recovered<") {
		t.Error("the share of replicates that recovered, paired too, has no panel")
	}

	h := ContrastHeadline(d, 0)
	// Point 1's interval leaves out 0, but not once Holm's adjustment
	// counts point 2's comparison in: only point 2 is marked.
	if h == nil || h.What != "difference in resistance from fungi.share_rate=0" || len(h.Rows) != 2 ||
		h.Rows[0][1] != "0.05 [0.025, 0.075]" || h.Rows[1][1] != "0.1 [0.075, 0.125] *" || !strings.HasPrefix(h.Note, "* the difference stands") {
		t.Errorf("headline: %+v", h)
	}
	out, err := Report(writeContrastSweep(t))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(out)
	if !strings.Contains(string(page), "Paired: difference in resistance from fungi.share_rate=0") ||
		!strings.Contains(string(page), "<td>0.1 [0.075, 0.125] *</td>") || !strings.Contains(string(page), "<p>* the difference stands") {
		t.Error("the report has no paired differences, or no mark and note")
	}
}

// TestNoDifferenceLineKeepsZeroInRange: differences all above 0 still show
// where no difference lies.
func TestNoDifferenceLineKeepsZeroInRange(t *testing.T) {
	p := newPlot("x", "a", "")
	lines := []SweepLine{{X: []float64{0.1, 0.3}, Mean: []float64{0.5, 0.9}, Lo: []float64{0.4, 0.8}, Hi: []float64{0.6, 1}}}
	drawBands(p, lines)
	noDifference(p, lines, nil)
	if p.Y.Min > 0 || p.X.Min != 0.1 || p.X.Max != 0.3 {
		t.Errorf("y from %v, x %v to %v", p.Y.Min, p.X.Min, p.X.Max)
	}
}

// TestBadContrastsNameTheFile: a contrasts.csv of the wrong shape is an
// error naming it, not a chart of wrong numbers.
func TestBadContrastsNameTheFile(t *testing.T) {
	for _, body := range []string{
		"point,fungi.share_rate,figure,n,mean\n1,0.1,x,3,1\n",
		"point,fungi.share_rate,baseline,figure,pairs,mean_diff,sd_diff,ci_low,ci_high,p,p_holm\n1,0.1,0,x,3,one,0.1,0.75,1.25,0.1,0.1\n",
	} {
		dir := writeContrastSweep(t)
		writeFiles(t, dir, map[string]string{"contrasts.csv": body})
		if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), "contrasts.csv") {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// TestContrastsOfAnEarlierVersionStillDraw: a contrasts.csv written before
// the p-values, two columns narrower, loads, with no marks; a width of
// neither version is an error naming the file.
func TestContrastsOfAnEarlierVersionStillDraw(t *testing.T) {
	dir := writeContrastSweep(t)
	writeFiles(t, dir, map[string]string{"contrasts.csv": "point,fungi.share_rate,baseline,figure,pairs,mean_diff,sd_diff,ci_low,ci_high\n" +
		"1,0.1,0,x_resistance,3,0.05,0.01,0.025,0.075\n2,0.3,0,x_resistance,3,0.1,0.01,0.075,0.125\n"})
	d, err := LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if h := ContrastHeadline(d, 0); h == nil || len(h.Rows) != 2 || h.Rows[1][1] != "0.1 [0.075, 0.125]" || h.Note != "" {
		t.Errorf("headline: %+v", h)
	}
	writeFiles(t, dir, map[string]string{"contrasts.csv": "point,fungi.share_rate,baseline,figure,pairs,mean_diff,sd_diff,ci_low,ci_high,p\n1,0.1,0,x,3,1,0.1,0.75,1.25,0.1\n"})
	if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), "contrasts.csv") || !strings.Contains(err.Error(), "want 11") {
		t.Errorf("a width of neither version: %v", err)
	}
}
