package scenarios

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ecosim/ecosim/agents"
)

//go:embed *.yaml
var builtin embed.FS

// MaxFileSize bounds a scenario file [bytes]; real scenarios are a few KiB.
const MaxFileSize = 1 << 20

// Builtins lists the names of the built-in scenarios, sorted.
func Builtins() []string {
	entries, _ := fs.ReadDir(builtin, ".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// BuiltinSource returns the YAML text of built-in name (with or without
// ".yaml"), comments included.
func BuiltinSource(name string) ([]byte, bool) {
	b, err := builtin.ReadFile(strings.TrimSuffix(name, ".yaml") + ".yaml")
	return b, err == nil
}

// Load reads the scenario at path, or the built-in of that name when no such
// file exists, applies the overrides, and validates it.
func Load(path string, sets []string) (*Scenario, error) {
	data, file, err := read(path)
	if err != nil {
		return nil, err
	}
	return Parse(file, data, sets)
}

func read(path string) ([]byte, string, error) {
	fi, err := os.Stat(path)
	_, isBuiltin := BuiltinSource(path)
	isBuiltin = isBuiltin && !strings.ContainsAny(path, `/\`)
	if err == nil && fi.IsDir() && isBuiltin {
		// A directory named like a built-in (often its results) is not a
		// scenario; the built-in is meant.
		err = fs.ErrNotExist
	}
	switch {
	case err == nil && fi.IsDir():
		return nil, "", &FieldError{File: path, Path: "scenario", Msg: "is a directory, not a scenario file"}
	case err == nil && fi.Size() > MaxFileSize:
		return nil, "", &FieldError{File: path, Path: "scenario", Msg: fmt.Sprintf("file is %d bytes; the limit is %d", fi.Size(), MaxFileSize)}
	case err == nil:
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, "", &FieldError{File: path, Path: "scenario", Msg: err.Error()}
		}
		return data, path, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, "", &FieldError{File: path, Path: "scenario", Msg: err.Error()}
	}
	if b, ok := BuiltinSource(path); ok && isBuiltin {
		return b, "builtin:" + strings.TrimSuffix(path, ".yaml"), nil
	}
	return nil, "", &FieldError{File: path, Path: "scenario", Msg: fmt.Sprintf("no such file, and no built-in scenario of that name (built-ins: %s)", strings.Join(Builtins(), ", "))}
}

// Parse decodes and validates a scenario from data; file names it in errors.
func Parse(file string, data []byte, sets []string) (*Scenario, error) {
	if len(data) > MaxFileSize {
		return nil, &FieldError{File: file, Path: "scenario", Msg: fmt.Sprintf("%d bytes; the limit is %d", len(data), MaxFileSize)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FieldError{File: file, Path: "scenario", Msg: "the file is empty; start from a built-in: ecosim scenarios show forest"}
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidAt(data)], []byte("\n"))
		return nil, &FieldError{File: file, Line: line, Col: 1, Path: "(encoding)", Msg: "the file is not valid UTF-8"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, SyntaxError(file, data, err)
	}
	if len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	root := doc.Content[0]
	d := newDecoder(file)
	d.lines = LineCount(data)
	for _, s := range sets {
		d.applySet(root, s)
	}
	s := Default()
	d.decode(root, reflect.ValueOf(&s).Elem(), "")
	d.validate(&s)
	if len(d.errs) > 0 {
		return nil, d.sorted()
	}
	return &s, nil
}

// invalidAt is the offset of the first byte that is not valid UTF-8.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// SyntaxError turns a YAML syntax error in data, the contents of file,
// into a FieldError with the line it is on. The YAML library counts the
// line it names from 1 for the scanner's errors but from 0 for the
// parser's (its list below), and names none when that count is 0; the line
// is counted from 1 here for both, and an error found at the end of the
// file is put on its last line, not the empty one after it.
// TestSyntaxErrorLines pins this down for the library's version. Other
// YAML files the tool reads (sweep plans) report their syntax errors
// through it too.
func SyntaxError(file string, data []byte, err error) *FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	named := 0
	if _, e := fmt.Sscanf(msg, "line %d:", &named); e == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	line := max(named, 1)
	if named > 0 && parserProblems[msg] {
		line = named + 1
	}
	return &FieldError{File: file, Line: min(line, LineCount(data)), Col: 1, Path: "(syntax)", Msg: msg}
}

// LineCount is the number of lines in data, at least 1, as YAML counts
// them: "\r\n", "\r" and "\n" each end one, and a last line without an
// end counts. The YAML library puts the empty value of a document that ends
// without a line break on the line after the last; a message names the
// line at most LineCount.
func LineCount(data []byte) int {
	n := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			n++
		case '\n':
			n++
		}
	}
	if last := len(data) - 1; last < 0 || data[last] != '\n' && data[last] != '\r' {
		n++
	}
	return n
}

// parserProblems are the YAML parser's error messages, whose line the
// library counts from 0; the scanner's count from 1.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// Resolved returns the scenario as YAML with every default filled in.
func (s *Scenario) Resolved() []byte {
	var doc yaml.Node
	_ = doc.Encode(s)
	writeZeroFractions(&doc, s.Failures)
	return encode(&doc)
}

func encode(v any) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	_ = enc.Encode(v)
	_ = enc.Close()
	return buf.Bytes()
}

// writeZeroFractions writes "fraction: 0" into each failure that hits a
// fraction of its targets, 0 of them, and no count. A fraction of 0 is
// left out like any other zero, but validation reads a fraction never
// written as a mistake (validateFailure), and a degradation sweep's first
// point is such a failure: without it, the scenario.yaml of its runs would
// not read back.
func writeZeroFractions(doc *yaml.Node, failures []agents.Failure) {
	var list *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "failures" {
			list = doc.Content[i+1]
		}
	}
	if list == nil || len(list.Content) != len(failures) {
		return
	}
	for i, f := range failures {
		if f.Fraction != 0 || f.Count != 0 || !oneOf(f.Kind, fractionsKinds) || f.Kind == agents.FailPest {
			continue
		}
		m := list.Content[i]
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "fraction"},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"})
	}
}

// Digest is the SHA-256 of the resolved scenario: two runs with the same
// digest ran the same experiment. It hashes the scenario as Resolved wrote
// it before a fraction of 0 was written (writeZeroFractions), so that the
// keys of sweeps' runs, made from it, stay those of sweeps already under
// way; no runnable scenario leaves that fraction out, so nothing is lost.
func (s *Scenario) Digest() string {
	h := sha256.Sum256(encode(s))
	return hex.EncodeToString(h[:])
}
