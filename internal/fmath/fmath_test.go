package fmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// refPrec is the precision of the reference values [bits]: enough that
// rounding them to float64 gives the correctly rounded result.
const refPrec = 256

func bf(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }

// refExp is e^x correctly rounded: the Taylor series of e^(x/2^12), then
// squared 12 times.
func refExp(x float64) float64 {
	const halvings = 12
	y := bf(x)
	y.SetMantExp(y, -halvings)
	sum, term := bf(1), bf(1)
	limit := new(big.Float).SetMantExp(bf(1), -refPrec-8)
	for n := 1; ; n++ {
		term.Mul(term, y)
		term.Quo(term, bf(float64(n)))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(limit) < 0 {
			break
		}
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// refLog is log x correctly rounded, for x > 0: x = m·2^e, and log m =
// 2·atanh((m-1)/(m+1)) by its series; log 2 the same way from m = 2.
func refLog(x float64) float64 {
	atanh2 := func(m *big.Float) *big.Float { // 2·atanh((m-1)/(m+1))
		one := bf(1)
		s := new(big.Float).SetPrec(refPrec).Quo(new(big.Float).Sub(m, one), new(big.Float).Add(m, one))
		z := new(big.Float).Mul(s, s)
		sum, pow := new(big.Float).Set(s), new(big.Float).Set(s)
		limit := new(big.Float).SetMantExp(bf(1), -refPrec-8)
		for k := 3; ; k += 2 {
			pow.Mul(pow, z)
			t := new(big.Float).Quo(pow, bf(float64(k)))
			sum.Add(sum, t)
			if new(big.Float).Abs(t).Cmp(limit) < 0 {
				break
			}
		}
		return sum.Mul(sum, bf(2))
	}
	m, e := math.Frexp(x)
	r := atanh2(bf(m))
	r.Add(r, new(big.Float).Mul(atanh2(bf(2)), bf(float64(e))))
	f, _ := r.Float64()
	return f
}

// ulps is how many float64s lie between a and b (of one sign).
func ulps(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	return max(d, -d)
}

// Exp must be within one unit in the last place of e^x over its whole
// range: the model's arguments (a few tens below zero and up), ordinary
// ones, results in the subnormal range and results near overflow. Nearly
// all must be correctly rounded, which the table's second parts give (with
// the first parts alone, a quarter are not).
func TestExpIsWithinAnUlp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, span := range [][2]float64{{-30, 0}, {-1, 1}, {-1e-6, 1e-6}, {-745.13, -708}, {700, 709.78}, {-745.13, 709.78}} {
		exact := 0
		const n = 3000
		for range n {
			x := span[0] + (span[1]-span[0])*r.Float64()
			got, want := Exp(x), refExp(x)
			if d := ulps(got, want); d > 1 {
				t.Fatalf("Exp(%v) = %v, e^x is %v: %d units apart", x, got, want, d)
			}
			if got == want {
				exact++
			}
		}
		if span[0] > -700 && exact < n*98/100 {
			t.Errorf("x in %v: %d of %d results correctly rounded, want 98%% or more", span, exact, n)
		}
	}
}

// Log must be within one unit in the last place of log x, from the
// smallest subnormal to the largest float64.
func TestLogIsWithinAnUlp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		var x float64
		switch r.IntN(3) {
		case 0:
			x = 0.5 + 1.5*r.Float64() // around 1, where log x is small
		case 1:
			x = 1e-9 + 1e4*r.Float64() // the model's bases
		default:
			x = math.Float64frombits(1 + r.Uint64N(math.Float64bits(math.MaxFloat64))) // any
		}
		if got, want := Log(x), refLog(x); ulps(got, want) > 1 {
			t.Fatalf("Log(%v) = %v, log x is %v: %d units apart", x, got, want, ulps(got, want))
		}
	}
}

// Pow's error grows with |y·log x|, as the doc comment says; over the
// model's bases and exponents it stays within that bound, and one ulp
// more, of the math package's Pow, which is within an ulp of x^y.
func TestPowIsWithinItsBound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Float64Range(1e-9, 1e6).Draw(t, "x")
		y := rapid.Float64Range(-4, 4).Draw(t, "y")
		got, want := Pow(x, y), math.Pow(x, y)
		bound := int64(math.Abs(y*math.Log(x))*1.5) + 3
		if d := ulps(got, want); d > bound {
			t.Fatalf("Pow(%v, %v) = %v, x^y is %v: %d units apart, bound %d", x, y, got, want, d, bound)
		}
	})
}

// The ends of each function's domain and range.
func TestSpecialValues(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Exp(0)", Exp(0), 1},
		{"Exp(-0)", Exp(math.Copysign(0, -1)), 1},
		{"Exp(+Inf)", Exp(inf), inf},
		{"Exp(-Inf)", Exp(-inf), 0},
		{"Exp(NaN)", Exp(nan), nan},
		{"Exp(710)", Exp(710), inf},
		{"Exp(-746)", Exp(-746), 0},
		{"Exp(1)", Exp(1), math.E},
		{"Log(1)", Log(1), 0},
		{"Log(0)", Log(0), -inf},
		{"Log(-1)", Log(-1), nan},
		{"Log(+Inf)", Log(inf), inf},
		{"Log(NaN)", Log(nan), nan},
		{"Log(e)", Log(math.E), 1},
		{"Log(smallest subnormal)", Log(math.SmallestNonzeroFloat64), refLog(math.SmallestNonzeroFloat64)},
		{"Pow(x, 0)", Pow(7, 0), 1},
		{"Pow(NaN, 0)", Pow(nan, 0), 1},
		{"Pow(1, y)", Pow(1, 123.4), 1},
		{"Pow(0, 2)", Pow(0, 2), 0},
		{"Pow(0, -2)", Pow(0, -2), inf},
		{"Pow(-2, 2)", Pow(-2, 2), nan},
		{"Pow(NaN, 1)", Pow(nan, 1), nan},
		{"Pow(4, 0.5)", Pow(4, 0.5), 2},
	} {
		if math.Float64bits(c.got) != math.Float64bits(c.want) && !(math.IsNaN(c.got) && math.IsNaN(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}
