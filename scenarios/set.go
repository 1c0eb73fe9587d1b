package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// segment is one step of an override path: a field name, optionally indexed.
type segment struct {
	name  string
	index int // -1 when not indexed
}

// parsePath reads paths like "fungi.share_rate" or "failures[0].fraction".
func parsePath(p string) ([]segment, error) {
	if p == "" {
		return nil, fmt.Errorf("empty path")
	}
	var segs []segment
	for _, part := range strings.Split(p, ".") {
		s := segment{name: part, index: -1}
		if i := strings.IndexByte(part, '['); i >= 0 {
			if !strings.HasSuffix(part, "]") {
				return nil, fmt.Errorf("%q: unclosed index", part)
			}
			idx, err := strconv.Atoi(part[i+1 : len(part)-1])
			if err != nil || idx < 0 {
				return nil, fmt.Errorf("%q: index must be a non-negative whole number", part)
			}
			s.name, s.index = part[:i], idx
		}
		if s.name == "" {
			return nil, fmt.Errorf("%q: empty field name", p)
		}
		segs = append(segs, s)
	}
	return segs, nil
}

// applySet applies one "path=value" override to the document root, marking
// the new value node so errors about it name the override.
func (d *decoder) applySet(root *yaml.Node, expr string) {
	label := "--set " + expr
	path, value, ok := strings.Cut(expr, "=")
	if path == "" {
		d.errs = append(d.errs, &FieldError{File: label, Path: "(path)", Msg: "expected path=value with a field path"})
		return
	}
	if !ok {
		d.errs = append(d.errs, &FieldError{File: label, Path: path, Msg: "expected path=value"})
		return
	}
	segs, err := parsePath(path)
	if err != nil {
		d.errs = append(d.errs, &FieldError{File: label, Path: path, Msg: err.Error()})
		return
	}
	var val yaml.Node
	if err := yaml.Unmarshal([]byte(value), &val); err != nil || len(val.Content) != 1 {
		val = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: value}}}
	}
	n := root
	for i, s := range segs {
		last := i == len(segs)-1
		child := d.mappingChild(n, s.name, label, s.index < 0, !last)
		if child == nil {
			d.errs = append(d.errs, &FieldError{File: label, Path: path, Msg: fmt.Sprintf("cannot set %q here: no such list, or its parent is not a mapping", s.name)})
			return
		}
		if s.index >= 0 {
			if child.Kind != yaml.SequenceNode || s.index >= len(child.Content) {
				d.errs = append(d.errs, &FieldError{File: label, Path: path, Msg: fmt.Sprintf("%s has no element %d", s.name, s.index)})
				return
			}
			child = child.Content[s.index]
		}
		n = child
	}
	*n = *val.Content[0]
	d.markOrigin(n, label)
}

// markOrigin marks n and everything inside it as coming from the override
// label, so an error about any part of a list or mapping given in a --set
// names the override, not a line of the file the value's own text was
// parsed from.
func (d *decoder) markOrigin(n *yaml.Node, label string) {
	d.origin[n] = label
	for _, c := range n.Content {
		d.markOrigin(c, label)
	}
}

// mappingChild returns the value node of key in mapping n, adding an empty
// one (a mapping if nested, else a scalar) when absent and create is set;
// nil if n is not a mapping or the key is absent and may not be made.
func (d *decoder) mappingChild(n *yaml.Node, key, label string, create, nested bool) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	if !create {
		return nil
	}
	child := &yaml.Node{Kind: yaml.ScalarNode}
	if nested {
		child = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Value: key}
	d.origin[k], d.origin[child] = label, label
	n.Content = append(n.Content, k, child)
	return child
}
