package sweep

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPlanFileReads checks a well-formed plan file, with values given both
// as --vary's text and as a YAML list.
func TestPlanFileReads(t *testing.T) {
	doc := "sweep:\n  vary:\n    - {path: \"failures[0].fraction\", values: \"0:0.5:0.25\"}\n    - {path: fungi.fee, values: [0, 0.1]}\n  reps: 3\n  design: grid\n"
	p, err := ParsePlanFile("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Vary{{"failures[0].fraction", "0:0.5:0.25"}, {"fungi.fee", "0,0.1"}}
	if !slices.Equal(p.Vary, want) || p.Reps != 3 || p.Design != "grid" || len(p.Crossings) != 0 {
		t.Fatalf("got %+v", p)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	p, err = ParsePlanFile("p.yaml", []byte(doc+"  crossings:\n    - {figure: final_biomass, level: 2e3}\n    - figure: biomass_resistance\n      level: 0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Crossings, []Crossing{{"final_biomass", 2000}, {"biomass_resistance", 0.5}}) {
		t.Errorf("crossings: %+v", p.Crossings)
	}
	for _, design := range []string{DesignSobol, DesignMorris} {
		doc := "sweep:\n  vary:\n    - {path: fungi.fee, values: \"uniform(0,0.1)\"}\n    - {path: network.topology, values: [star, ring]}\n  design: " + design + "\n  samples: 8\n"
		p, err := ParsePlanFile("p.yaml", []byte(doc))
		if err != nil || p.Check() != nil || p.Design != design || p.Samples != 8 {
			t.Errorf("a %s plan: %+v, %v", design, p, err)
		}
	}
}

// TestPlanFileErrorsNamePlaceAndField checks that each kind of mistake in
// a plan file is reported at its line and column with its field, every
// one at once, and never in the YAML library's own words about Go types.
func TestPlanFileErrorsNamePlaceAndField(t *testing.T) {
	cases := []struct{ doc, want string }{
		{"sweep:\n  vary:\n    - {path: fungi.fee, values: \"0,0.1\"}\n  desing: grid\n",
			"p.yaml:4:3: sweep.desing: unknown field (known: vary, reps, design, samples, sampler, levels, crossings, baseline)"},
		{"sweep:\n  vary:\n    - {path: fungi.fee, values: \"0,0.1\"}\n  crossings:\n    - {figure: final_biomass, level: half}\n    - {figure: final_biomass, levl: 1}\n",
			"p.yaml:5:38: sweep.crossings[0].level: expected a finite number, got \"half\"\np.yaml:6:31: sweep.crossings[1].levl: unknown field (known: figure, level)\np.yaml:6:7: sweep.crossings[1].level: missing"},
		{"sweep:\n  crossings: final_biomass=1\n", "p.yaml:2:14: sweep.crossings: expected a list of {figure: ..., level: ...}"},
		{"sweep:\n  vary:\n    - {path: fungi.fee, values: \"0,0.1\"\n",
			"p.yaml:3:1: (syntax): did not find expected ',' or '}'"},
		{"vary:\n  - {path: fungi.fee, values: \"0,0.1\"}\n",
			"p.yaml:1:1: vary: belongs under the sweep: section"},
		{"sweep:\n  vary:\n    - {path: fungi.fee, values: \"0,0.1\"}\n  reps: two\n",
			`p.yaml:4:9: sweep.reps: expected a whole number, got "two"`},
		{"sweep:\n  vary:\n    - {pth: fungi.fee}\n  reps: 2\n  reps: 3\n",
			"p.yaml:3:8: sweep.vary[0].pth: unknown field (known: path, values)\np.yaml:3:7: sweep.vary[0].path: missing\np.yaml:3:7: sweep.vary[0].values: missing\np.yaml:5:3: sweep.reps: field given twice"},
		{"sweep:\n  vary: fungi.fee\n", "p.yaml:2:9: sweep.vary: expected a list of {path: ..., values: ...}"},
		{"sweep:\n  vary:\n    - {path: fungi.fee, values: {a: 1}}\n", "p.yaml:3:33: sweep.vary[0].values: expected a list"},
		{"sweep:\n  vary:\n    - {path: fungi.fee, values: [[0]]}\n", "p.yaml:3:34: sweep.vary[0].values: a list of values holds numbers or words, got a list"},
		{"other: 1\n", "p.yaml:1:1: other: unknown field; a plan file holds one section, sweep:\np.yaml:1:1: sweep: missing"},
		{"- 1\n", "p.yaml:1:1: (document): expected a mapping with a sweep: section"},
		{"  \n", "p.yaml: the file is empty"},
	}
	for _, c := range cases {
		_, err := ParsePlanFile("p.yaml", []byte(c.doc))
		if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.doc, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "type ") {
			t.Errorf("%q: the message speaks of Go types: %v", c.doc, err)
		}
	}
}

// FuzzParsePlanFile feeds arbitrary bytes to the plan file reader: nothing
// may panic, a rejection is a plan error naming the file, and a line it
// names is in the file.
func FuzzParsePlanFile(f *testing.F) {
	f.Add([]byte("sweep:\n  vary:\n    - {path: fungi.fee, values: [0, 0.1]}\n  reps: 3\n"))
	f.Add([]byte("# only a comment\n"))
	f.Add([]byte("---"))
	f.Add([]byte("a: &a [1]\nsweep: {vary: [*a, {path: x, values: *a}]}\n"))
	f.Add([]byte("sweep:\n  vary:\n    - {path: a, values: \"uniform(0,1)\"}\n    - {path: b, values: [x, y]}\n  design: sobol\n  samples: 4\n"))
	f.Add([]byte("sweep:\n  vary:\n    - {path: a, values: \"0,0.5,2\"}\n  design: morris\n  samples: 3\n"))
	f.Add([]byte("sweep:\n  vary:\n    - {path: a, values: \"uniform(0,1)\"}\n    - {path: b, values: \"uniform(2,3)\"}\n    - {path: c, values: [x, y, z]}\n  design: sobol\n  samples: 40\n  sampler: halton\n"))
	f.Add([]byte("sweep:\n  vary:\n    - {path: a, values: \"uniform(0,1)\"}\n  design: sobol\n  samples: 5\n  sampler: lhs\n"))
	f.Add([]byte("sweep:\n  vary:\n    - {path: a, values: \"uniform(0,1)\"}\n    - {path: b, values: [x, y]}\n  design: morris\n  samples: 6\n  levels: 6\n"))
	f.Add([]byte("sweep:\n  vary:\n    - {path: a, values: \"0:1:0.25\"}\n  reps: 2\n  baseline: 0.50\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePlanFile("f.yaml", data)
		if err == nil {
			if p == nil {
				t.Fatal("no plan and no error")
			}
			// A plan that checks draws its points without a panic, as
			// many as its design says (a grid's may be too many to draw
			// here).
			if p.Check() == nil && p.Design != DesignGrid && p.Samples <= 200 && len(p.Vary) <= 20 {
				pts, err := p.Points(1)
				if n, serr := p.Size(); err != nil || serr != nil || len(pts) != n {
					t.Fatalf("%d points of %+v, size %d: %v, %v", len(pts), p, n, err, serr)
				}
			}
			return
		}
		if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), "f.yaml") {
			t.Fatalf("not a plan error naming the file: %v", err)
		}
		lines := len(regexp.MustCompile("\r\n|\r|\n").Split(string(data), -1))
		if strings.HasSuffix(string(data), "\n") || strings.HasSuffix(string(data), "\r") {
			lines--
		}
		for _, m := range regexp.MustCompile(`f\.yaml:(\d+):`).FindAllStringSubmatch(err.Error(), -1) {
			if n, _ := strconv.Atoi(m[1]); n < 1 || n > max(lines, 1) {
				t.Fatalf("line %d of a file of %d lines: %v", n, lines, err)
			}
		}
	})
}
