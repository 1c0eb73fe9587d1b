package fmath

import "math"

// Sin and Cos reduce x by π/2 in three parts (Cody–Waite): pio2Hi and
// pio2Mid have 33 significant bits each, so k·pio2Hi and k·pio2Mid are exact
// for |k| < 2^20, and pio2Lo is the rest of π/2. The reduced argument is then
// good to far below an ulp wherever k stays under that bound, |x| up to about
// 1.6 million; beyond it the result is still the same on every machine, only
// less accurate. The model's angles lie within a turn or two.
const (
	twoOverPi = 0.6366197723675814
	pio2Hi    = 1.5707963267341256
	pio2Mid   = 6.077100506303966e-11
	pio2Lo    = 2.0222662487959506e-21
)

// Sin returns the sine of x (radians); see Sincos.
func Sin(x float64) float64 {
	s, _ := Sincos(x)
	return s
}

// Cos returns the cosine of x (radians); see Sincos.
func Cos(x float64) float64 {
	_, c := Sincos(x)
	return c
}

// Sincos returns the sine and cosine of x (radians), each within about one
// unit in the last place for |x| up to about 1.6e6: NaN for NaN or an
// infinity. One reduction serves both.
func Sincos(x float64) (sin, cos float64) {
	if math.Abs(x) < 0x1p-27 {
		// x³/6 is below half an ulp of x, and x²/2 below half an ulp of
		// 1; returning x keeps -0 and subnormals.
		return x, 1
	}
	s, c, q := sincosReduced(x)
	switch q {
	case 0:
		return s, c
	case 1:
		return c, -s
	case 2:
		return -s, -c
	}
	return -c, s
}

// sincosReduced writes x = k·π/2 + r with |r| ≤ π/4 (about) and returns
// sin r, cos r and k mod 4. r is carried as rh + rl, rl within half an ulp
// of rh, so that the reduction's rounding does not add to the series'.
func sincosReduced(x float64) (s, c float64, q int) {
	if x != x || math.IsInf(x, 0) {
		return math.NaN(), math.NaN(), 0
	}
	k := math.RoundToEven(float64(x * twoOverPi))
	t := x - float64(k*pio2Hi) // exact: both products are, and t is near x's multiple of π/2
	w := float64(k * pio2Mid)
	rh := t - w
	b := rh - t
	rl := float64(float64(t-float64(rh-b))-float64(w+b)) - float64(k*pio2Lo) // t - w - rh exactly (2Sum), then the last part
	// k·pio2Lo can be many ulps of rh: fold it in, keeping the rest.
	r := rh + rl
	rl = float64(rh-r) + rl
	rh = r
	// Taylor series in rh: for |r| ≤ π/4 the first term left out is below
	// 2^-60 of the result, in sine and cosine alike; rl enters through
	// the first-order terms sin(rh+rl) ≈ sin rh + rl·cos rh and
	// cos(rh+rl) ≈ cos rh − rl·rh.
	z := float64(rh * rh)
	ps := -1.0 / 1307674368000
	for _, a := range [...]float64{1.0 / 6227020800, -1.0 / 39916800, 1.0 / 362880, -1.0 / 5040, 1.0 / 120, -1.0 / 6} {
		ps = a + float64(z*ps)
	}
	hz := float64(z / 2) // exact
	s = rh + float64(float64(float64(rh*z)*ps)+float64(rl*float64(1-hz)))
	pc := 1.0 / 20922789888000
	for _, a := range [...]float64{-1.0 / 87178291200, 1.0 / 479001600, -1.0 / 3628800, 1.0 / 40320, -1.0 / 720, 1.0 / 24} {
		pc = a + float64(z*pc)
	}
	// 1 − z/2 rounded, its rounding error (exact, as 1 ≥ z/2), then the
	// small terms.
	hi := 1 - hz
	c = hi + float64(float64(float64(1-hi)-hz)+float64(float64(float64(z*z)*pc)-float64(rh*rl)))
	if k >= 0 && k < 4 {
		return s, c, int(k)
	}
	return s, c, int(int64(k) & 3)
}
