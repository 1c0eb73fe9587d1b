package sweep

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestMorrisDesignMovesOnePathAtATime: each trajectory is 1+k points, each
// after the first differing from the one before in one path only, by two
// thirds of its range, each path once; the levels are 0, 1/3, 2/3 and 1
// of the way along; the seed decides the design.
func TestMorrisDesignMovesOnePathAtATime(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "uniform(0,3)"}, {"b", "uniform(10,13)"}, {"shape", "star,ring"}}, Design: DesignMorris, Samples: 30}
	if err := plan.Check(); err != nil {
		t.Fatal(err)
	}
	specs, _ := plan.specs()
	pts, moves := morrisDesign(specs, 30, 0, 4)
	if len(pts) != 30*4 || len(moves) != 30*3 {
		t.Fatalf("%d points and %d moves, want 120 and 90", len(pts), len(moves))
	}
	levels := map[string]int{}
	for tr := range 30 {
		moved := map[int]bool{}
		for s := range 3 {
			from, to, m := pts[tr*4+s].Values, pts[tr*4+s+1].Values, moves[tr*3+s]
			for j := range 3 {
				if (from[j] != to[j]) != (j == m.path) {
					t.Fatalf("trajectory %d, step %d: %v to %v, moving path %d", tr, s, from, to, m.path)
				}
			}
			if math.Abs(math.Abs(m.to-m.from)-2.0/3) > 1e-15 && m.path < 2 {
				t.Errorf("trajectory %d, step %d: from %v to %v of the range", tr, s, m.from, m.to)
			}
			if m.path < 2 {
				x, _ := strconv.ParseFloat(from[m.path], 64)
				y, _ := strconv.ParseFloat(to[m.path], 64)
				if math.Abs((y-x)-3*(m.to-m.from)) > 1e-9 {
					t.Errorf("trajectory %d, step %d: %v to %v, want a step of %v", tr, s, x, y, 3*(m.to-m.from))
				}
			}
			moved[m.path] = true
		}
		if len(moved) != 3 {
			t.Errorf("trajectory %d moved %d paths", tr, len(moved))
		}
		for _, v := range pts[tr*4].Values[:1] {
			levels[v]++
		}
	}
	if !slices.Equal(slices.Sorted(maps.Keys(levels)), []string{"0", "1", "2", "3"}) {
		t.Errorf("a's starting values %v, want the levels 0, 1, 2, 3", levels)
	}
	again, _ := plan.Points(4)
	other, _ := plan.Points(5)
	if !slices.EqualFunc(pts, again, func(x, y Point) bool { return slices.Equal(x.Values, y.Values) }) || slices.Equal(pts[0].Values, other[0].Values) && slices.Equal(pts[4].Values, other[4].Values) {
		t.Error("the design does not follow the seed")
	}
	if err := (&Plan{Vary: plan.Vary, Design: DesignMorris, Samples: 1}).Check(); err == nil {
		t.Error("one trajectory accepted")
	}
}

// TestElementaryEffectsOfKnownFigures: x = 3a + b² with a and b over
// [0, 1], and y follows the path of names. Every effect of a on x is
// exactly 3; b's are 2/3 or 4/3, by where its step starts; the names have
// none on x and one of ±1 on y, from the first name to the last.
func TestElementaryEffectsOfKnownFigures(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(0,1)"}, {"shape", "star,ring"}}, Reps: 2, Design: DesignMorris, Samples: 40}
	rows, header := contrastRows(t, plan, 5, func(_ int, vals []string, rep int, fig string) string {
		a, _ := strconv.ParseFloat(vals[0], 64)
		b, _ := strconv.ParseFloat(vals[1], 64)
		if fig == "x" {
			return strconv.FormatFloat(3*a+b*b, 'g', -1, 64)
		}
		return strconv.FormatFloat(b2f(vals[2] == "ring")+float64(rep), 'g', -1, 64)
	})
	recs := ElementaryEffects(runsOnce(rows, header, plan), header, plan, 1, []string{"x", "y"})
	if len(recs) != 6 || !slices.Equal(MorrisHeader[:5], []string{"figure", "path", "effects", "mu", "mu_star"}) {
		t.Fatalf("%d records: %v", len(recs), recs)
	}
	v := func(r []string, c int) float64 { x, _ := strconv.ParseFloat(r[c], 64); return x }
	a, b, shape := recs[0], recs[1], recs[2]
	if a[2] != "40" || math.Abs(v(a, 3)-3) > 1e-9 || math.Abs(v(a, 4)-3) > 1e-9 || v(a, 7) > 1e-9 {
		t.Errorf("a on x: %v, want 40 effects of 3", a)
	}
	if !(v(b, 4) > 2.0/3 && v(b, 4) < 4.0/3 && v(b, 7) > 0.1) {
		t.Errorf("b on x: %v, want mu* between 2/3 and 4/3, with spread", b)
	}
	if v(shape, 4) != 0 || recs[3][4] != "0" {
		t.Errorf("no effect: shape on x %v, a on y %v", shape, recs[3])
	}
	if y := recs[5]; math.Abs(v(y, 4)-1) > 1e-9 || v(y, 7) > 1e-9 {
		t.Errorf("shape on y: %v, want every |effect| 1", y)
	}
	grid := &Plan{Vary: []Vary{{"a", "0,1"}}, Reps: 2}
	rows, header = contrastRows(t, grid, 1, func(int, []string, int, string) string { return "1" })
	if recs := ElementaryEffects(rows, header, grid, 1, []string{"x"}); recs != nil {
		t.Errorf("a grid design: %v", recs)
	}
}

// TestPositionAlongARange: where a level's value lies along its path's
// range, which an elementary effect is taken per.
func TestPositionAlongARange(t *testing.T) {
	for _, c := range []struct {
		spec string
		want [4]float64 // at the levels 0, 1/3, 2/3 and 1
	}{
		{"uniform(5,8)", [4]float64{0, 1.0 / 3, 2.0 / 3, 1}},
		{"20,40,60,80", [4]float64{0, 1.0 / 3, 2.0 / 3, 1}},
		{"0,0.1,0.5", [4]float64{0, 0.2, 1, 1}}, // by value, not by place
		{"star,ring", [4]float64{0, 0, 1, 1}},
		{"a,b,c", [4]float64{0, 0.5, 1, 1}},
		{"7", [4]float64{0, 0, 0, 0}},
	} {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		for l, want := range c.want {
			if got := position(s, float64(l)/3); math.Abs(got-want) > 1e-15 {
				t.Errorf("%s at level %d: %v, want %v", c.spec, l, got, want)
			}
		}
	}
}

// TestMorrisOnMoreLevels: with --levels 6, every value lies on the six
// levels of its range (0, 1/5, ..., 1), all six are used, and each step
// moves a path by three of them, 3/5 of its range, so that every effect
// of a on x = 3a + b² is still exactly 3. 4, the default, is kept as 0;
// an odd number, or levels for another design, is refused.
func TestMorrisOnMoreLevels(t *testing.T) {
	plan := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}, {"b", "uniform(0,1)"}}, Reps: 2, Design: DesignMorris, Samples: 60, Levels: 6}
	rows, header := contrastRows(t, plan, 5, func(_ int, vals []string, _ int, fig string) string {
		a, _ := strconv.ParseFloat(vals[0], 64)
		b, _ := strconv.ParseFloat(vals[1], 64)
		return strconv.FormatFloat(3*a+b*b, 'g', -1, 64)
	})
	pts, err := plan.Points(1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pts {
		for _, v := range p.Values {
			x, _ := strconv.ParseFloat(v, 64)
			if math.Abs(x*5-math.Round(x*5)) > 1e-9 {
				t.Fatalf("%v is not on a level of fifths", p.Values)
			}
			seen[v] = true
		}
	}
	if len(seen) != 6 {
		t.Errorf("values used: %v, want the six levels", slices.Sorted(maps.Keys(seen)))
	}
	specs, _ := plan.specs()
	if _, moves := morrisDesign(specs, 60, 6, 1); math.Abs(math.Abs(moves[0].to-moves[0].from)-0.6) > 1e-15 {
		t.Errorf("a step of %v of the range, want 3/5", moves[0].to-moves[0].from)
	}
	recs := ElementaryEffects(runsOnce(rows, header, plan), header, plan, 1, []string{"x"})
	v := func(r []string, c int) float64 { x, _ := strconv.ParseFloat(r[c], 64); return x }
	if a, b := recs[0], recs[1]; a[2] != "60" || math.Abs(v(a, 4)-3) > 1e-9 || v(a, 7) > 1e-9 || !(v(b, 4) > 0.6 && v(b, 4) < 1.4) {
		t.Errorf("a %v, want 60 effects of 3; b %v, want mu* between 0.6 and 1.4", a, b)
	}
	four := &Plan{Vary: []Vary{{"a", "uniform(0,1)"}}, Design: DesignMorris, Samples: 4, Levels: 4}
	if err := four.Check(); err != nil || four.Levels != 0 {
		t.Errorf("--levels 4: %d (%v), want it kept as 0", four.Levels, err)
	}
	for _, c := range []struct {
		plan Plan
		want string
	}{
		{Plan{Vary: []Vary{{"a", "uniform(0,1)"}}, Design: DesignMorris, Samples: 4, Levels: 5}, "an even number of --levels from 2 to 100, got 5"},
		{Plan{Vary: []Vary{{"a", "uniform(0,1)"}}, Design: DesignLHS, Samples: 4, Levels: 6}, "--levels 6 is for the morris design, and this is the lhs design"},
	} {
		if err := c.plan.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.plan, err, c.want)
		}
	}
}
