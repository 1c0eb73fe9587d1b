package sweep

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrPlan marks every error in a sweep plan: it is caught before any run.
var ErrPlan = errors.New("sweep: invalid plan")

// ErrBusy is returned when another sweep or merge is writing into the same
// directory.
var ErrBusy = errors.New("sweep: output directory in use")

// Spec is what one varied field takes: a list of values, or a uniform
// distribution for random and Latin-hypercube designs.
type Spec struct {
	// Values are the literal values, as --set would take them.
	Values []string
	// Lo and Hi bound a uniform distribution when Values is empty.
	Lo, Hi float64
}

// Dist reports whether the spec is a distribution.
func (s Spec) Dist() bool { return len(s.Values) == 0 }

// maxValues bounds a range so a mistyped step cannot make millions of points.
const maxValues = 100_000

// ParseSpec reads a list ("0,0.1,0.5"), an inclusive range ("0:1:0.1") or
// a distribution ("uniform(0,1)").
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Spec{}, fmt.Errorf("%w: empty value spec", ErrPlan)
	case strings.HasPrefix(s, "uniform(") && strings.HasSuffix(s, ")"):
		parts := strings.Split(s[len("uniform("):len(s)-1], ",")
		if len(parts) != 2 {
			return Spec{}, fmt.Errorf("%w: %q: uniform takes two bounds, uniform(lo,hi)", ErrPlan, s)
		}
		lo, err1 := parseFinite(parts[0])
		hi, err2 := parseFinite(parts[1])
		if err1 != nil || err2 != nil || hi < lo {
			return Spec{}, fmt.Errorf("%w: %q: bounds must be finite numbers with lo <= hi", ErrPlan, s)
		}
		return Spec{Lo: lo, Hi: hi}, nil
	case strings.Count(s, ":") == 2 && !strings.Contains(s, ","):
		return parseRange(s)
	}
	var vals []string
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			return Spec{}, fmt.Errorf("%w: %q: empty value in list", ErrPlan, s)
		}
		vals = append(vals, v)
	}
	return Spec{Values: vals}, nil
}

func parseFinite(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %q", s)
	}
	return v, nil
}

// parseRange expands start:end:step, end included (within rounding).
func parseRange(s string) (Spec, error) {
	p := strings.Split(s, ":")
	a, err1 := parseFinite(p[0])
	b, err2 := parseFinite(p[1])
	step, err3 := parseFinite(p[2])
	if err1 != nil || err2 != nil || err3 != nil || step <= 0 || b < a {
		return Spec{}, fmt.Errorf("%w: %q: a range is start:end:step with start <= end and step > 0", ErrPlan, s)
	}
	if b > a && step > (b-a)*(1+1e-9) {
		// start:end:count, or a step in other units, read as a step:
		// a sweep of one point that looks like a sweep of several.
		return Spec{}, fmt.Errorf("%w: %q: the step %s is wider than the range from %s to %s, which would hold %s alone (a range is start:end:step)",
			ErrPlan, s, strings.TrimSpace(p[2]), strings.TrimSpace(p[0]), strings.TrimSpace(p[1]), strings.TrimSpace(p[0]))
	}
	// Counted in floating point first: a range such as 0:1e300:1e-300
	// has more steps than an int holds, and converting that to an int
	// gives a negative count.
	steps := math.Floor((b-a)/step + 1e-9)
	if steps+1 > maxValues {
		return Spec{}, fmt.Errorf("%w: %q makes %.4g values; the limit is %d", ErrPlan, s, steps+1, maxValues)
	}
	n := int(steps) + 1
	ints := !strings.ContainsAny(s, ".eE")
	vals := make([]string, n)
	for i := range n {
		v := a + float64(float64(i)*step) // rounded before the sum, so arm64 does not fuse it
		if ints {
			vals[i] = strconv.FormatInt(int64(math.Round(v)), 10)
		} else {
			vals[i] = formatValue(v)
		}
	}
	return Spec{Values: vals}, nil
}

// formatValue prints v rounded to 12 significant digits, so 0.1*3 is
// written 0.3, not 0.30000000000000004.
func formatValue(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return strconv.FormatFloat(r, 'g', -1, 64)
}
