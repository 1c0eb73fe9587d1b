// Package fmath computes the exponential, logarithm, power, sine, cosine
// and cube root the model needs so that they give the same bits on every
// machine.
//
// The math package's Exp on amd64 takes a fused multiply-add path where
// the processor has one and another path where it does not, and the two
// differ in the last bit now and then; math.Pow goes through Exp. Compiled
// for arm64, the math package's polynomials (Sin, Cos, Cbrt, Log, Lgamma)
// have their multiplications fused into the additions that follow, and
// their last bits differ from amd64's. A run on an older processor, in a
// virtual machine that hides the instruction or on an arm64 laptop would
// then drift from the same run elsewhere, and a sweep spread over machines
// would mix them. These functions use only additions, multiplications and
// divisions, each rounded on its own (every product is converted to
// float64 before it is added, which forbids the compiler to fuse them),
// math.FMA where a product's exact error is wanted (exact everywhere, in
// hardware or not), exact bit operations and fixed tables, so IEEE 754
// fixes every result. internal/portable's tests check this on arm64's
// machine code and under its emulator.
package fmath

import "math"

// Reduction constants for Exp: x = n·ln2/32 + r with |r| ≤ ln2/64. ln2by32Hi
// has 32 significant bits, so n·ln2by32Hi is exact for any n an argument in
// range gives (|n| < 2^16); ln2by32Lo is the rest of ln2/32.
const (
	invLn2by32 = 46.16624130844683
	ln2by32Hi  = 0.02166084938653512
	ln2by32Lo  = 5.9631716539705866e-12
)

// Exp's range: above expMax the result overflows, below expMin it is 0.
const (
	expMax = 709.782712893384
	expMin = -745.1332191019412
)

// pow2by32 holds 2^(j/32) for j = 0..31 as a double nearest it and the
// remainder, computed to 80 digits.
var pow2by32 = [32][2]float64{
	{1.0, 0.0},
	{1.0218971486541166, 5.109225028973444e-17},
	{1.0442737824274138, 8.551889705537965e-17},
	{1.0671404006768237, -7.899853966841582e-17},
	{1.0905077326652577, -3.046782079812471e-17},
	{1.1143867425958924, 1.0410278456845571e-16},
	{1.1387886347566916, 8.912812676025408e-17},
	{1.1637248587775775, 3.8292048369240935e-17},
	{1.189207115002721, 3.982015231465646e-17},
	{1.215247359980469, -7.712630692681488e-17},
	{1.241857812073484, 4.658027591836937e-17},
	{1.2690509571917332, 2.667932131342186e-18},
	{1.2968395546510096, 2.5382502794888315e-17},
	{1.3252366431597413, -2.8587312100388614e-17},
	{1.3542555469368927, 7.70094837980299e-17},
	{1.383909881963832, -6.770511658794786e-17},
	{1.4142135623730951, -9.667293313452913e-17},
	{1.4451808069770467, -3.0237581349939873e-17},
	{1.4768261459394993, -3.483994556892796e-17},
	{1.5091644275934228, -1.016455327754295e-16},
	{1.5422108254079407, 7.949834809697621e-17},
	{1.5759808451078865, -1.0136916471278304e-17},
	{1.6104903319492543, 2.4707192569797888e-17},
	{1.645755478153965, -1.0125679913674773e-16},
	{1.681792830507429, 8.199010020581497e-17},
	{1.718619298122478, -1.851380418263111e-17},
	{1.7562521603732995, 2.960140695448873e-17},
	{1.7947090750031072, 1.8227458427912087e-17},
	{1.8340080864093424, 3.283107224245627e-17},
	{1.8741676341103, -6.122763413004143e-17},
	{1.9152065613971474, -1.0619946056195963e-16},
	{1.9571441241754002, 8.960767791036668e-17},
}

// Exp returns e^x, within about one unit in the last place: +Inf above
// about 709.78, 0 below about -745.13, NaN for NaN.
func Exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > expMax:
		return math.Inf(1)
	case x < expMin:
		return 0
	}
	// x = (32k + j)·ln2/32 + r: e^x = 2^k · 2^(j/32) · e^r.
	n := math.RoundToEven(float64(x * invLn2by32))
	r := float64(x-float64(n*ln2by32Hi)) - float64(n*ln2by32Lo)
	// e^r - 1 by its Taylor series to r^6/720; the next term is below
	// 2^-58 for |r| ≤ ln2/64 (and barely larger where rounding put r
	// just past it).
	p := float64(r * float64(1.0/120+float64(r*(1.0/720))))
	p = float64(r * float64(1.0/24+p))
	p = float64(r * float64(1.0/6+p))
	p = float64(r * float64(0.5+p))
	p = r + float64(r*p)
	ni := int(n)
	k, j := ni>>5, ni&31
	t := &pow2by32[j]
	s := t[0] + float64(t[1]+float64(t[0]*p))
	if k > -1022 && k < 1024 {
		return float64(s * math.Float64frombits(uint64(k+1023)<<52))
	}
	return math.Ldexp(s, k) // near the ends of the range: exact bit work
}

// Log's split of ln2: ln2Hi has 32 significant bits, so e·ln2Hi is exact
// for every binary exponent e of a float64.
const (
	ln2Hi = 0.6931471803691238
	ln2Lo = 1.9082149292705877e-10
)

// Log returns the natural logarithm of x, within about one unit in the
// last place: -Inf at 0, NaN below it or for NaN, +Inf at +Inf.
func Log(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // x = m·2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	// m in [√2/2, √2): log m = log(1+f) = 2·atanh(s), s = f/(2+f), which
	// is f - s·(f - Q) with Q = 2s²/3 + 2s⁴/5 + …; |s| ≤ 0.1716, so the
	// series to s^24 leaves less than 2^-60.
	f := m - 1
	s := f / (2 + f)
	z := float64(s * s)
	q := 2.0 / 25
	for _, c := range [...]float64{2.0 / 23, 2.0 / 21, 2.0 / 19, 2.0 / 17, 2.0 / 15, 2.0 / 13, 2.0 / 11, 2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3} {
		q = c + float64(z*q)
	}
	q = float64(z * q)
	ef := float64(e)
	return float64(ef*ln2Hi) + float64(f-float64(float64(s*float64(f-q))-float64(ef*ln2Lo)))
}

// Pow returns x^y for x ≥ 0 as e^(y·log x): relative error within about
// 1.5·|y·log x| + 2 units in the last place, since log x's rounding is
// scaled by y and then by the exponential. A negative x gives NaN (the
// model raises no negative number to a power); Pow(x, 0) and Pow(1, y)
// are 1, Pow(0, y) is 0 for y > 0 and +Inf for y < 0.
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case x != x || y != y || x < 0:
		return math.NaN()
	case x == 0:
		if y > 0 {
			return 0
		}
		return math.Inf(1)
	}
	return Exp(float64(y * Log(x)))
}
