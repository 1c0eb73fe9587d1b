package scenarios

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes (seeded with every built-in scenario)
// and overrides to the decoder and validator: nothing may panic, and every
// rejection must be scenario errors that each name a file and a field.
func FuzzParse(f *testing.F) {
	for _, n := range Builtins() {
		b, _ := BuiltinSource(n)
		f.Add(b, "fungi.share_rate=0.5")
	}
	f.Add([]byte("a: &a [1]\nb: *a\n"), "failures[0].at=3")
	f.Add([]byte("\xff\xfe\x00name: x"), "")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		s, err := Parse("fuzz.yaml", data, sets)
		if err == nil {
			if s == nil || s.Ticks < 1 || s.World.Width < 1 {
				t.Fatalf("accepted an invalid scenario: %+v", s)
			}
			return
		}
		if !errors.Is(err, ErrScenario) {
			t.Fatalf("rejection is not a scenario error: %v", err)
		}
		var es Errors
		var fe *FieldError
		switch {
		case errors.As(err, &es):
			for _, e := range es {
				checkFieldError(t, e, data)
			}
		case errors.As(err, &fe):
			checkFieldError(t, fe, data)
		default:
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
	})
}

// checkFieldError checks that e names a file and a field, and a line of
// data if it names one in the file.
func checkFieldError(t *testing.T, e *FieldError, data []byte) {
	t.Helper()
	if e.File == "" || e.Path == "" || e.Msg == "" {
		t.Fatalf("error lacks file, field or message: %#v", e)
	}
	if !strings.HasPrefix(e.File, "fuzz.yaml") && !strings.HasPrefix(e.File, "--set") {
		t.Fatalf("error names file %q", e.File)
	}
	// YAML ends a line at "\r\n", "\r" or "\n".
	lines := len(regexp.MustCompile("\r\n|\r|\n").Split(string(data), -1))
	if strings.HasSuffix(string(data), "\n") || strings.HasSuffix(string(data), "\r") {
		lines--
	}
	if e.File == "fuzz.yaml" && (e.Line < 0 || e.Line > max(lines, 1)) {
		t.Fatalf("error names line %d of a file of %d lines: %v", e.Line, lines, e)
	}
}

func TestHostileInputs(t *testing.T) {
	cases := map[string]string{
		"deep nesting":  strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		"deep mappings": strings.Repeat("a: {", 5000) + strings.Repeat("}", 5000),
		"non-UTF-8":     "name: \xff\xfe\xfd\nticks: 5\n",
		"NUL bytes":     "name: x\x00\nticks: 5\n",
		"huge scalar":   "name: " + strings.Repeat("x", 2<<20) + "\n",
		"tabs":          "name: x\n\tticks: 5\n",
		"many keys":     strings.Repeat("name: x\n", 10000),
		"ticks 1e12":    "name: x\nticks: 1000000000000\n",
		"inf":           "name: x\nworld: {water: {mean: .inf}}\n",
		"negative grid": "name: x\nworld: {width: -5}\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("hostile.yaml", []byte(doc), nil)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrScenario) || !strings.Contains(err.Error(), "hostile.yaml") {
				t.Fatalf("not a scenario error naming the file: %v", err)
			}
		})
	}
}
