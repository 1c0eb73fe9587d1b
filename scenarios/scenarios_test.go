package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinsLoadAndRoundTrip(t *testing.T) {
	names := Builtins()
	if len(names) < 2 {
		t.Fatalf("built-ins %v", names)
	}
	for _, n := range names {
		s, err := Load(n, nil)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		// The resolved form must load back to the same scenario.
		again, err := Parse("resolved", s.Resolved(), nil)
		if err != nil {
			t.Fatalf("%s resolved: %v", n, err)
		}
		if again.Digest() != s.Digest() {
			t.Errorf("%s: resolved scenario does not round-trip", n)
		}
		if _, err := Load(n+".yaml", nil); err != nil {
			t.Errorf("%s.yaml should name the built-in: %v", n, err)
		}
	}
}

// TestZeroFractionRoundTrips: a failure that hits a fraction of 0 of its
// targets (a degradation sweep's first point) is written into the
// resolved scenario, which reads back as the same scenario; one with a
// count is written as given.
func TestZeroFractionRoundTrips(t *testing.T) {
	for _, c := range []struct {
		name string
		sets []string
	}{
		{"forest", []string{"failures[0].fraction=0"}},
		{"topology", []string{"failures[0].fraction=0"}},
		{"topology", []string{"failures[0].fraction=0", "failures[0].count=3"}},
	} {
		s, err := Load(c.name, c.sets)
		if err != nil {
			t.Fatalf("%s %v: %v", c.name, c.sets, err)
		}
		again, err := Parse("resolved", s.Resolved(), nil)
		if err != nil {
			t.Fatalf("%s %v resolved: %v", c.name, c.sets, err)
		}
		if again.Digest() != s.Digest() || again.Failures[0].Count != s.Failures[0].Count {
			t.Errorf("%s %v: the resolved scenario does not round-trip", c.name, c.sets)
		}
		// The digest is of the scenario without that line, as it was
		// before the line was written: sweeps' run keys are made from it.
		without := bytes.Replace(s.Resolved(), []byte("\n    fraction: 0\n"), []byte("\n"), 1)
		if h := sha256.Sum256(without); hex.EncodeToString(h[:]) != s.Digest() {
			t.Errorf("%s %v: the digest is not that of the scenario without its fraction of 0", c.name, c.sets)
		}
	}
}

// TestDefaultNamedAsDefault checks that a value the file did not write is
// called the default, and one it wrote is not.
func TestDefaultNamedAsDefault(t *testing.T) {
	const note = "(the default; the scenario does not set trees.count)"
	_, err := Parse("bad.yaml", []byte("name: x\nworld: {width: 40, height: 32}\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "got 3000 "+note) {
		t.Fatalf("default tree count on a small grid: %v", err)
	}
	_, err = Parse("bad.yaml", []byte("name: x\nworld: {width: 40, height: 32}\ntrees: {count: 2000}\n"), nil)
	if err == nil || err.Error() != "bad.yaml:3:16: trees.count: must be between 0 and the 1280 cells of the grid, got 2000" {
		t.Fatalf("written tree count on a small grid: %v", err)
	}
}

// TestSyntaxErrorLines checks the line a YAML syntax error is put on,
// counted from 1 whichever part of the YAML library found it: the line of
// the problem, or of the bracket or quote left open, and never the empty
// line after the last.
func TestSyntaxErrorLines(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"name: g\nticks: [1\n", "bad.yaml:2:1: (syntax): did not find expected ',' or ']'"},
		{"name: g\nticks: [1, 2\nseed: 3\n", "bad.yaml:2:1: (syntax): did not find expected ',' or ']'"},
		{"name: g\nworld: {width: 8\n", "bad.yaml:2:1: (syntax): did not find expected ',' or '}'"},
		{"name: g\nfungi:\n  count: 3\n reach: 2\n", "bad.yaml:4:1: (syntax): did not find expected key"},
		{"name: g\nticks: 5\nseed: [\n", "bad.yaml:3:1: (syntax): did not find expected node content"},
		{"name: \"g\n", "bad.yaml:1:1: (syntax): found unexpected end of stream"},
		{"name: g\n\tticks: 2\n", "bad.yaml:2:1: (syntax): found a tab character that violates indentation"},
		{"name: g: h\n", "bad.yaml:1:1: (syntax): mapping values are not allowed in this context"},
		{"name: g\nticks: 5\nseed: a: b\n", "bad.yaml:3:1: (syntax): mapping values are not allowed in this context"},
		{"name: g\nticks: [1", "bad.yaml:2:1: (syntax): did not find expected ',' or ']'"},
		{"name: g\r\nticks: 5\r\nseed: [\r\n", "bad.yaml:3:1: (syntax): did not find expected node content"},
		{"name: g\rticks: [1\r", "bad.yaml:2:1: (syntax): did not find expected ',' or ']'"},
	}
	for _, c := range cases {
		_, err := Parse("bad.yaml", []byte(c.yaml), nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

// TestErrorsNameFileLineAndField checks each kind of bad input gives one
// error naming the place and the field.
func TestErrorsNameFileLineAndField(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown field", "name: x\nfungi:\n  share_rat: 0.1\n", "bad.yaml:3:3: fungi.share_rat: unknown field"},
		{"wrong type", "name: x\nticks: lots\n", "bad.yaml:2:8: ticks: expected a whole number"},
		{"negative rate", "name: x\nfungi: {share_rate: -0.5}\n", "bad.yaml:2:21: fungi.share_rate: must be between 0 and 1"},
		{"zero grid", "name: x\nworld:\n  width: 0\n", "bad.yaml:3:10: world.width: must be between 1 and 4096"},
		{"list element", "name: x\ntrees:\n  species:\n    - {name: a, seed_rate: 2}\n", "bad.yaml:4:28: trees.species[0].seed_rate: must be between 0 and 1"},
		{"syntax", "name: [x\n", "bad.yaml:"},
		{"nest outside", "name: x\nants:\n  colonies:\n    - {nest: [500, 1]}\n", "ants.colonies[0].nest: must be [x, y] inside"},
		{"NaN", "name: x\nfungi: {fee: .nan}\n", "fungi.fee: expected a finite number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.yaml), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
			if !errors.Is(err, ErrScenario) {
				t.Fatalf("error is not a scenario error: %v", err)
			}
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("name: x\nticks: -1\nworld: {width: 10, colour: red}\nfungi: {fee: 3}\ntrees: {count: 5}\n"), nil)
	var es Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if es[0].Line != 2 || es[1].Line != 3 || es[2].Line != 4 {
		t.Fatalf("problems not in file order: %v", err)
	}
}

func TestSetOverrides(t *testing.T) {
	s, err := Load("forest", []string{"fungi.share_rate=0", "trees.species[1].growth=0.05", "ants.colonies[0].workers=10", "seed=9"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Fungi.ShareRate != 0 || s.Trees.Species[1].Growth != 0.05 || s.Ants.Colonies[0].Workers != 10 || s.Seed != 9 {
		t.Fatalf("overrides not applied: %+v", s)
	}
	for _, bad := range []string{"fungi.share_rate=-1", "fungi.nope=1", "trees.species[5].growth=1", "noequals", "ants.colonies[x].workers=1"} {
		_, err := Load("forest", []string{bad})
		if err == nil || !strings.Contains(err.Error(), "--set") {
			t.Errorf("%s: want an error naming the override, got %v", bad, err)
		}
	}
	// A list given whole: an error inside it names the override, not a
	// line of the file.
	for _, c := range []struct{ set, want string }{
		{"world.food_piles=[{x: 5, y: 5, r: 2, amount: -3}]", "--set world.food_piles=[{x: 5, y: 5, r: 2, amount: -3}]: world.food_piles[0].amount: must not be negative"},
		{"world.food_piles=[{x: 5, y: 5, amont: 3}]", "--set world.food_piles=[{x: 5, y: 5, amont: 3}]: world.food_piles[0].amont: unknown field"},
	} {
		_, err := Load("forest", []string{c.set})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: want %q, got %v", c.set, c.want, err)
		}
	}
}

func TestMissingFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "nope.yaml"), "nosuchbuiltin", dir} {
		_, err := Load(p, nil)
		if err == nil || !errors.Is(err, ErrScenario) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: want a scenario error naming it, got %v", p, err)
		}
	}
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Load(empty, nil); err == nil || !strings.Contains(err.Error(), "empty.yaml: scenario: the file is empty") {
		t.Errorf("an empty file must be refused naming it: %v", err)
	}
	unreadable := filepath.Join(dir, "secret.yaml")
	os.WriteFile(unreadable, []byte("name: x\n"), 0o000)
	if os.Geteuid() != 0 { // root reads any file, so the case cannot arise
		if _, err := Load(unreadable, nil); err == nil || !errors.Is(err, ErrScenario) || !strings.Contains(err.Error(), "secret.yaml") {
			t.Errorf("an unreadable file must be a scenario error naming it: %v", err)
		}
	}
}

func TestAliasBombIsRefused(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nname: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	_, err := Parse("bomb.yaml", []byte(bomb), nil)
	if err == nil {
		t.Fatal("alias bomb accepted")
	}
}

func TestBadFailureSpecs(t *testing.T) {
	cases := []struct{ set, want string }{
		{"failures[0].at=5000", "failures[0].at: must be a tick of the run, 1 to 1000, got 5000"},
		{"failures[0].fraction=1.5", "failures[0].fraction: must be between 0 and 1, got 1.5"},
		{"failures[0].select=biggest", `failures[0].select: unknown selector "biggest"`},
		{"failures[0].kind=flood", `failures[0].kind: unknown failure kind "flood"`},
		{"failures[1].severity=0", "failures[1].severity: must be above 0"},
		{"resilience.indicators[0]=happiness", `resilience.indicators[0]: unknown indicator "happiness"`},
		{"network.topology=mesh", `network.topology: unknown topology "mesh"`},
		{"network.nodes=-1", "network.nodes: must not be negative, got -1"},
	}
	for _, c := range cases {
		_, err := Load("forest", []string{c.set})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want %q, got %v", c.set, c.want, err)
		}
	}
	region := "name: x\nfailures:\n  - {kind: kill, at: 5, target: trees, select: region, region: {x: 500, y: 3, r: 4}}\n"
	_, err := Parse("r.yaml", []byte(region), nil)
	if err == nil || !strings.Contains(err.Error(), "r.yaml:3:64: failures[0].region: region at (500, 3) is outside the 128x128 grid") {
		t.Errorf("region outside the grid: %v", err)
	}
	partitions := []struct{ line, want string }{
		{"{axis: z, at: 64}", `p.yaml:3:57: failures[0].line.axis: must be x or y, got "z"`},
		{"{axis: y}", "failures[0].line.at: must be above 0, so that the line has cells on both sides; got 0 (the default"},
		{"{axis: x, at: 200}", "failures[0].line.at: line at 200 is outside the grid"},
		{"{}", "failures[0].line: partition needs a line {axis: x|y, at: N} or a region"},
	}
	for _, c := range partitions {
		doc := "name: x\nfailures:\n  - {kind: partition, at: 5, duration: 10, line: " + c.line + "}\n"
		_, err := Parse("p.yaml", []byte(doc), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("partition line %s: want %q, got %v", c.line, c.want, err)
		}
	}
}

// TestNameIsAPlainFileName checks that a scenario's name, which names its
// output directory, cannot point outside results/ or hide the directory.
func TestNameIsAPlainFileName(t *testing.T) {
	for _, bad := range []string{"..", "../docs", "a/b", `a\\b`, ".hidden", "tab\\there", strings.Repeat("x", 201)} {
		_, err := Parse("n.yaml", []byte("name: \""+bad+"\"\n"), nil)
		if err == nil || !strings.Contains(err.Error(), "n.yaml:1:7: name: must be a plain file name") {
			t.Errorf("name %q: want it refused, got %v", bad, err)
		}
	}
	for _, good := range []string{"forest", "my forest 2", "fire-0.6_b", "forêt", strings.Repeat("x", 200)} {
		if _, err := Parse("n.yaml", []byte("name: \""+good+"\"\n"), nil); err != nil {
			t.Errorf("name %q refused: %v", good, err)
		}
	}
}
