package fmath

import "math"

// cbrtTwo holds 2^(s/3) for s = 0, 1, 2, rounded to nearest.
var cbrtTwo = [3]float64{1, 1.2599210498948732, 1.5874010519681996}

// Cbrt returns the cube root of x, within about one unit in the last
// place; ±0, ±Inf and NaN are returned as they are.
func Cbrt(x float64) float64 {
	if x == 0 || x != x || math.IsInf(x, 0) {
		return x
	}
	neg := x < 0
	if neg {
		x = -x
	}
	shift := 0 // exponent added back at the end
	if x < 0x1p-1022 {
		// Subnormal: scaled into the normal range by 2^54, whose cube
		// root 2^18 is taken off the result.
		x = float64(x * 0x1p54)
		shift = -18
	}
	b := math.Float64bits(x)
	e := int(b>>52) - 1023
	q := e / 3
	if e%3 < 0 {
		q-- // floor division: s below is 0, 1 or 2
	}
	s := e - 3*q
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // x's mantissa, [1, 2)
	a := math.Float64frombits(b&(1<<52-1) | uint64(1023+s)<<52)
	// x = a·2^(3q), a = m·2^s in [1, 8). A quadratic through Chebyshev
	// nodes gives cbrt(m) within 0.09%; two steps of Halley's method,
	// y += y·(a−y³)/(2y³+a), each cubing the relative error, bring
	// cbrt(a) to rounding level. In the second the residual a−y³ is
	// taken exactly (math.FMA gives each product's rounding error, and
	// is exact on every machine, in hardware or not), so only the last
	// addition rounds at y's scale.
	y := 0.6256872265641462 + float64(m*float64(0.43356059182365925+float64(m*-0.05836172077613474)))
	y = float64(y * cbrtTwo[s])
	y3 := float64(float64(y*y) * y)
	y += float64(y * float64(float64(a-y3)/float64(float64(2*y3)+a)))
	y2 := float64(y * y)
	e2 := math.FMA(y, y, -y2)
	y3 = float64(y2 * y)
	e3 := math.FMA(y2, y, -y3)
	res := float64(float64(a-y3)-e3) - float64(e2*y)
	y += float64(y * float64(res/float64(float64(2*y3)+a)))
	y = float64(y * math.Float64frombits(uint64(1023+q+shift)<<52))
	if neg {
		return -y
	}
	return y
}
