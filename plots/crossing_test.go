package plots

import (
	"slices"
	"strings"
	"testing"
)

// TestCrossingsAreReadAndMarked: crossings.csv becomes a table of where
// each figure first reaches its level, "-" where no replicate does, and
// marks on the sweep chart's panel of that figure.
func TestCrossingsAreReadAndMarked(t *testing.T) {
	dir := writeContrastSweep(t)
	body := "figure,level,replicates,crossed,mean,sd,ci_low,ci_high\n" +
		"x_resistance,0.57,3,3,0.18,0.02,0.13,0.23\n" +
		"final_x,20,3,0,,,,\n" +
		"final_x,10.5,3,1,0.05,,,\n"
	writeFiles(t, dir, map[string]string{"crossings.csv": body})
	d, err := LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := d.Crossings
	if h == nil || !slices.Equal(h.Columns, []string{"figure", "level", "fungi.share_rate", "replicates"}) || len(h.Rows) != 3 ||
		!slices.Equal(h.Rows[0], []string{"x_resistance", "0.57", "0.18 [0.13, 0.23]", "3 of 3"}) ||
		!slices.Equal(h.Rows[1], []string{"final_x", "20", "-", "0 of 3"}) || h.Rows[2][2] != "0.05" || !h.Single {
		t.Fatalf("crossings: %+v", h)
	}
	if m := d.Marks; len(m) != 2 || len(m[0].Others) != 0 || m[0].Figure != "x_resistance" || m[0].Level != 0.57 ||
		m[0].Mean != 0.18 || m[0].Low != 0.13 || m[0].High != 0.23 || m[1].Level != 10.5 {
		t.Errorf("marks: %+v", d.Marks)
	}
	svg := svgText(t, sweepCharts(d)[0].ch, sweepCharts(d)[0].aspect)
	if !strings.Contains(svg, "triangles: where a replicate first reaches the dotted level") {
		t.Error("the sweep chart's key does not explain the crossings' marks")
	}
	d.Marks = nil
	if svg := svgText(t, sweepCharts(d)[0].ch, sweepCharts(d)[0].aspect); strings.Contains(svg, "triangles:") {
		t.Error("a chart without crossings explains their marks")
	}

	writeFiles(t, dir, map[string]string{"crossings.csv": "figure,level\nx,1\n"})
	if _, err := LoadSweep(dir); err == nil || !strings.Contains(err.Error(), "crossings.csv") {
		t.Errorf("a malformed crossings.csv: %v", err)
	}
}
