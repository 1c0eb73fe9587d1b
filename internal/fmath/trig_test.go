package fmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigPi is π to 150 digits, far beyond what reducing any argument the
// tests draw needs.
var bigPi, _ = new(big.Float).SetPrec(600).SetString("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745")

// refSinCos is sin x and cos x correctly rounded: x reduced by 2π in
// high precision, then both Taylor series.
func refSinCos(x float64) (float64, float64) {
	y := new(big.Float).SetPrec(600).SetFloat64(x)
	twoPi := new(big.Float).SetPrec(600).Mul(bigPi, big.NewFloat(2))
	q := new(big.Float).SetPrec(600).Quo(y, twoPi)
	n, _ := q.Int(nil)
	y.Sub(y, new(big.Float).SetPrec(600).Mul(twoPi, new(big.Float).SetPrec(600).SetInt(n)))
	sum := [2]*big.Float{new(big.Float).SetPrec(refPrec), new(big.Float).SetPrec(refPrec).SetFloat64(1)}
	term := new(big.Float).SetPrec(refPrec).SetFloat64(1)
	limit := new(big.Float).SetMantExp(bf(1), -refPrec-8)
	for k := 1; ; k++ {
		term.Mul(term, y)
		term.Quo(term, bf(float64(k)))
		if k%4 == 2 || k%4 == 3 {
			sum[1-k%2].Sub(sum[1-k%2], term)
		} else {
			sum[1-k%2].Add(sum[1-k%2], term)
		}
		if k > 10 && new(big.Float).Abs(term).Cmp(limit) < 0 {
			break
		}
	}
	s, _ := sum[0].Float64()
	c, _ := sum[1].Float64()
	return s, c
}

// refCbrt is the cube root of x > 0 correctly rounded, by Newton's method
// in high precision from the float64 estimate.
func refCbrt(x float64) float64 {
	a := bf(x)
	y := bf(math.Cbrt(x))
	three := bf(3)
	for range 8 {
		y2 := new(big.Float).Mul(y, y)
		d := new(big.Float).Quo(a, y2)
		y.Add(new(big.Float).Mul(y, bf(2)), d)
		y.Quo(y, three)
	}
	f, _ := y.Float64()
	return f
}

// ulpsAcross is ulps for results that may lie on either side of zero.
func ulpsAcross(a, b float64) int64 {
	if (a < 0) != (b < 0) {
		return ulps(math.Abs(a), 0) + ulps(math.Abs(b), 0)
	}
	return ulps(math.Abs(a), math.Abs(b))
}

// Sin and Cos must be within one unit in the last place over the angles
// the model uses (a turn or two), ordinary ones, small ones and large ones
// up to the bound the doc comment gives; nearly all correctly rounded.
func TestSinCosAreWithinAnUlp(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, span := range [][2]float64{{0, 2 * math.Pi}, {-1e-6, 1e-6}, {-10, 10}, {-1e5, 1e5}, {1e6, 1.6e6}} {
		exact, n := 0, 2000
		for range n {
			x := span[0] + (span[1]-span[0])*r.Float64()
			ws, wc := refSinCos(x)
			gs, gc := Sin(x), Cos(x)
			if d := ulpsAcross(gs, ws); d > 1 {
				t.Fatalf("Sin(%v) = %v, sin x is %v: %d units apart", x, gs, ws, d)
			}
			if d := ulpsAcross(gc, wc); d > 1 {
				t.Fatalf("Cos(%v) = %v, cos x is %v: %d units apart", x, gc, wc, d)
			}
			if gs == ws && gc == wc {
				exact++
			}
		}
		t.Logf("x in %v: %d of %d pairs correctly rounded", span, exact, n)
		if exact < n*9/10 {
			t.Errorf("x in %v: %d of %d pairs correctly rounded, want 90%% or more", span, exact, n)
		}
	}
}

// Cbrt must be within one unit in the last place of the cube root from the
// smallest subnormal to the largest float64, and odd.
func TestCbrtIsWithinAnUlp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	exact, n := 0, 20000
	for i := range n {
		var x float64
		switch i % 3 {
		case 0:
			x = 1e-3 + 1e3*r.Float64() // the model's biomasses
		case 1:
			x = math.Float64frombits(1 + r.Uint64N(1<<52)) // subnormal
		default:
			x = math.Float64frombits(1 + r.Uint64N(math.Float64bits(math.MaxFloat64))) // any
		}
		got, want := Cbrt(x), refCbrt(x)
		if d := ulps(got, want); d > 1 {
			t.Fatalf("Cbrt(%v) = %v, the cube root is %v: %d units apart", x, got, want, d)
		}
		if got == want {
			exact++
		}
		if Cbrt(-x) != -got {
			t.Fatalf("Cbrt(%v) = %v, not -Cbrt(%v)", -x, Cbrt(-x), x)
		}
	}
	t.Logf("%d of %d correctly rounded", exact, n)
	if exact < n*9/10 {
		t.Errorf("%d of %d correctly rounded, want 90%% or more", exact, n)
	}
}

// The ends of the domains, and values whose results are exact.
func TestTrigAndCbrtSpecialValues(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	negZero := math.Copysign(0, -1)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Sin(0)", Sin(0), 0},
		{"Sin(-0)", Sin(negZero), negZero},
		{"Cos(0)", Cos(0), 1},
		{"Sin(+Inf)", Sin(inf), nan},
		{"Cos(-Inf)", Cos(-inf), nan},
		{"Sin(NaN)", Sin(nan), nan},
		{"Cbrt(0)", Cbrt(0), 0},
		{"Cbrt(-0)", Cbrt(negZero), negZero},
		{"Cbrt(+Inf)", Cbrt(inf), inf},
		{"Cbrt(-Inf)", Cbrt(-inf), -inf},
		{"Cbrt(NaN)", Cbrt(nan), nan},
		{"Cbrt(1)", Cbrt(1), 1},
		{"Cbrt(8)", Cbrt(8), 2},
		{"Cbrt(-27)", Cbrt(-27), -3},
		{"Cbrt(1e-300)", Cbrt(1e-300), refCbrt(1e-300)},
	} {
		if math.Float64bits(c.got) != math.Float64bits(c.want) && !(math.IsNaN(c.got) && math.IsNaN(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// sink keeps the benchmarks' results alive.
var sink float64

// BenchmarkCbrt compares Cbrt with the math package's over the model's
// biomasses, and Sin likewise over a turn.
func BenchmarkCbrt(b *testing.B) {
	biomass, angle := make([]float64, 1024), make([]float64, 1024)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range biomass {
		biomass[i] = 1e-3 + 1e3*r.Float64()
		angle[i] = 2 * math.Pi * r.Float64()
	}
	for _, f := range []struct {
		name string
		fn   func(float64) float64
		xs   []float64
	}{{"fmath.Cbrt", Cbrt, biomass}, {"math.Cbrt", math.Cbrt, biomass}, {"fmath.Sin", Sin, angle}, {"math.Sin", math.Sin, angle}} {
		b.Run(f.name, func(b *testing.B) {
			s := 0.0
			for i := range b.N {
				s += f.fn(f.xs[i&1023])
			}
			sink = s
		})
	}
}
