package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ecosim/ecosim/agents"
)

// maxNodes bounds how many YAML nodes one decode visits, counting every
// expansion of an alias, so anchors that expand exponentially are refused
// rather than exhausting memory.
const maxNodes = 200_000

// place is where a value came from: a position in the file, or an override.
type place struct {
	line, col int
	file      string
}

// decoder turns a yaml.Node tree into a Scenario by reflection, so that it
// can know every field's line and column, reject unknown fields and collect
// every problem instead of stopping at the first.
type decoder struct {
	file   string
	errs   Errors
	places map[string]place // field path -> where it was set
	origin map[*yaml.Node]string
	nodes  int
	// lines is the file's number of lines (LineCount). The YAML library
	// puts the empty value of a document that ends without a line break
	// on the line after it; a place is kept inside the file.
	lines int
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, places: map[string]place{}, origin: map[*yaml.Node]string{}}
}

func (d *decoder) placeOf(n *yaml.Node) place {
	if o, ok := d.origin[n]; ok {
		return place{file: o}
	}
	line := n.Line
	if d.lines > 0 {
		line = min(line, d.lines)
	}
	return place{line: line, col: n.Column, file: d.file}
}

func (d *decoder) failAt(p place, path, format string, args ...any) {
	if path == "" {
		path = "(document)"
	}
	d.errs = append(d.errs, &FieldError{File: p.file, Line: p.line, Col: p.col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.failAt(d.placeOf(n), path, format, args...)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decode fills v from n; path is the field path used in messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if d.nodes++; d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			d.fail(n, path, "document too large or aliases expand too far (over %d nodes)", maxNodes)
		}
		return
	}
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.places[path] = d.placeOf(n)
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping of fields, got %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name := k.Value
		fp := join(path, name)
		if seen[name] {
			d.fail(k, fp, "field given twice")
			continue
		}
		seen[name] = true
		f, ok := fieldByTag(v, name)
		if !ok {
			d.fail(k, fp, "unknown field (known: %s)", strings.Join(fieldNames(v.Type()), ", "))
			continue
		}
		d.decode(val, f, fp)
	}
}

// fieldByTag finds the field whose yaml tag is name, looking into inlined
// structs.
func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == ",inline" {
			if f, ok := fieldByTag(v.Field(i), name); ok {
				return f, true
			}
			continue
		}
		if strings.Split(tag, ",")[0] == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == ",inline" {
			names = append(names, fieldNames(t.Field(i).Type)...)
		} else if tag != "" {
			names = append(names, strings.Split(tag, ",")[0])
		}
	}
	return names
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		e := s.Index(i)
		setDefault(e)
		d.decode(item, e, fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

// setDefault fills a new list element with its kind's defaults.
func setDefault(e reflect.Value) {
	switch e.Addr().Interface().(type) {
	case *agents.Species:
		e.Set(reflect.ValueOf(agents.DefaultSpecies()))
	case *agents.ColonyConfig:
		e.Set(reflect.ValueOf(agents.DefaultColony()))
	case *agents.FoodPile:
		e.Set(reflect.ValueOf(agents.FoodPile{Amount: 1}))
	case *agents.Failure:
		e.Set(reflect.ValueOf(agents.DefaultFailure()))
	}
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "expected a single value, got %s", describe(n))
		return
	}
	s := n.Value
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			d.fail(n, path, "expected true or false, got %q", s)
			return
		}
		v.SetBool(b)
	case reflect.Int:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || i != int64(int(i)) {
			d.fail(n, path, "expected a whole number, got %q", s)
			return
		}
		v.SetInt(i)
	case reflect.Uint64:
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			d.fail(n, path, "expected a non-negative whole number, got %q", s)
			return
		}
		v.SetUint(u)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n, path, "expected a finite number, got %q", s)
			return
		}
		v.SetFloat(f)
	default:
		d.fail(n, path, "cannot decode into %s", v.Type())
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}
