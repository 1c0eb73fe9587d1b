package sweep

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ecosim/ecosim/scenarios"
)

// ReadPlanFile reads a --plan file: one section, sweep:, holding vary,
// reps, design, samples and crossings, as in
//
//	sweep:
//	  vary:
//	    - {path: "failures[0].fraction", values: "0:0.5:0.05"}
//	  reps: 10
//	  crossings:
//	    - {figure: giant_component_resistance, level: 0.5}
//
// A vary entry's values may also be a YAML list ([0, 0.1]). Every problem
// is reported at once as file:line:column: field: message, like a
// scenario's; the plan's own checks (Plan.Check) come after.
func ReadPlanFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: --plan: %v", ErrPlan, err)
	}
	return ParsePlanFile(path, data)
}

// ParsePlanFile is ReadPlanFile on data read from file.
func ParsePlanFile(file string, data []byte) (*Plan, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: %s: the file is empty; it needs a sweep: section with vary and reps", ErrPlan, file)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrPlan, scenarios.SyntaxError(file, data, err))
	}
	d := planDecoder{file: file, lines: scenarios.LineCount(data)}
	p := &Plan{}
	if len(doc.Content) == 0 {
		// Comments only.
		return nil, fmt.Errorf("%w: %s: the file holds no sweep: section with vary and reps", ErrPlan, file)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.fail(root, "(document)", "expected a mapping with a sweep: section")
		return nil, d.err()
	}
	found, misplaced := false, false
	d.fields(root, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "sweep":
			found = true
			d.sweep(v, p)
		case "vary", "reps", "design", "samples", "sampler", "levels", "crossings":
			misplaced = true
			d.fail(k, key, "belongs under the sweep: section (sweep:, then %s: indented below it)", key)
		default:
			d.fail(k, key, "unknown field; a plan file holds one section, sweep:")
		}
	})
	if !found && !misplaced {
		d.fail(root, "sweep", "missing; a plan file holds a sweep: section with vary and reps")
	}
	if len(d.errs) > 0 {
		return nil, d.err()
	}
	return p, nil
}

// planDecoder walks a plan file's nodes, collecting every problem.
type planDecoder struct {
	file  string
	lines int // the file's (scenarios.LineCount), which a message's line stays within
	errs  []string
}

func (d *planDecoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Sprintf("%s:%d:%d: %s: %s", d.file, min(n.Line, d.lines), n.Column, path, fmt.Sprintf(format, args...)))
}

// err is every problem, one a line.
func (d *planDecoder) err() error {
	if len(d.errs) == 1 {
		return fmt.Errorf("%w: %s", ErrPlan, d.errs[0])
	}
	return fmt.Errorf("%w:\n%s", ErrPlan, strings.Join(d.errs, "\n"))
}

// fields calls f for each key of mapping n in order, refusing a key given
// twice; prefix is n's path, for messages.
func (d *planDecoder) fields(n *yaml.Node, prefix string, f func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if seen[k.Value] {
			d.fail(k, prefix+k.Value, "field given twice")
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func (d *planDecoder) sweep(n *yaml.Node, p *Plan) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, "sweep", "expected a mapping of vary, reps, design, samples and crossings")
		return
	}
	d.fields(n, "sweep.", func(key string, k, v *yaml.Node) {
		path := "sweep." + key
		switch key {
		case "vary":
			d.vary(v, p)
		case "reps":
			p.Reps = d.whole(v, path)
		case "samples":
			p.Samples = d.whole(v, path)
		case "design":
			p.Design = d.scalar(v, path, "grid, random, lhs, sobol or morris")
		case "crossings":
			d.crossings(v, p)
		case "baseline":
			p.Baseline = d.scalar(v, path, "one of the first vary's values")
		case "levels":
			p.Levels = d.whole(v, path)
		case "sampler":
			p.Sampler = d.scalar(v, path, "halton or lhs")
		default:
			d.fail(k, path, "unknown field (known: vary, reps, design, samples, sampler, levels, crossings, baseline)")
		}
	})
}

// scalar is v's text, or, where v is a list or a mapping, "" and an error
// at path saying that what was wanted is expected.
func (d *planDecoder) scalar(v *yaml.Node, path, want string) string {
	if v.Kind != yaml.ScalarNode {
		d.fail(v, path, "expected %s", want)
		return ""
	}
	return v.Value
}

// crossings reads sweep.crossings, a list of {figure: ..., level: ...}.
func (d *planDecoder) crossings(n *yaml.Node, p *Plan) {
	d.entries(n, "sweep.crossings", "{figure: ..., level: ...}", []string{"figure", "level"}, func(i int, at, key string, val *yaml.Node) {
		for len(p.Crossings) <= i {
			p.Crossings = append(p.Crossings, Crossing{})
		}
		switch key {
		case "figure":
			if val.Kind != yaml.ScalarNode || val.Value == "" {
				d.fail(val, at+".figure", "expected a figure of runs.csv such as giant_component_resistance")
				return
			}
			p.Crossings[i].Figure = val.Value
		case "level":
			v, err := parseFinite(val.Value)
			if val.Kind != yaml.ScalarNode || err != nil {
				d.fail(val, at+".level", "expected a finite number, got %s", describe(val))
				return
			}
			p.Crossings[i].Level = v
		}
	})
}

// entries walks a list of mappings at path, each of the fields known and
// every one of them required, calling field for each field of entry i
// (at is the entry's path); an unknown field or one left out is reported.
func (d *planDecoder) entries(n *yaml.Node, path, shape string, known []string, field func(i int, at, key string, val *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list of %s", shape)
		return
	}
	for i, e := range n.Content {
		e = resolve(e)
		at := fmt.Sprintf("%s[%d]", path, i)
		if e.Kind != yaml.MappingNode {
			d.fail(e, at, "expected %s", shape)
			continue
		}
		seen := map[string]bool{}
		d.fields(e, at+".", func(key string, k, val *yaml.Node) {
			if !slices.Contains(known, key) {
				d.fail(k, at+"."+key, "unknown field (known: %s)", strings.Join(known, ", "))
				return
			}
			seen[key] = true
			field(i, at, key, val)
		})
		for _, f := range known {
			if !seen[f] {
				d.fail(e, at+"."+f, "missing")
			}
		}
	}
}

func (d *planDecoder) whole(n *yaml.Node, path string) int {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.fail(n, path, "expected a whole number, got %s", describe(n))
	}
	return v
}

func (d *planDecoder) vary(n *yaml.Node, p *Plan) {
	d.entries(n, "sweep.vary", "{path: ..., values: ...}", []string{"path", "values"}, func(i int, at, key string, val *yaml.Node) {
		for len(p.Vary) <= i {
			p.Vary = append(p.Vary, Vary{})
		}
		switch key {
		case "path":
			if val.Kind != yaml.ScalarNode || val.Value == "" {
				d.fail(val, at+".path", "expected a field path such as fungi.share_rate")
				return
			}
			p.Vary[i].Path = val.Value
		case "values":
			p.Vary[i].Values = d.values(val, at+".values")
		}
	})
}

// values is a vary entry's values as the text --vary takes: a scalar as
// written, or a list of scalars joined by commas.
func (d *planDecoder) values(n *yaml.Node, path string) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		vals := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			c = resolve(c)
			if c.Kind != yaml.ScalarNode {
				d.fail(c, path, "a list of values holds numbers or words, got %s", describe(c))
				return ""
			}
			vals = append(vals, c.Value)
		}
		return strings.Join(vals, ",")
	}
	d.fail(n, path, "expected a list (0,0.1 or [0, 0.1]), a range (0:1:0.1) or a distribution (uniform(0,1))")
	return ""
}

// describe names what a node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return "nothing"
}
