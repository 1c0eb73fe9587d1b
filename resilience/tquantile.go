package resilience

import (
	"math"

	"github.com/ecosim/ecosim/internal/fmath"
)

// tQuantile975 is the 0.975 quantile of Student's t with nu ≥ 1 degrees
// of freedom, the factor of a 95% confidence interval. It is computed here
// rather than by gonum's distuv, whose incomplete beta goes through
// math.Exp: that takes another path on processors without fused
// multiply-add, and the intervals would then differ in their last bits
// from one machine to another. Within 1e-12 of distuv's quantile.
func tQuantile975(nu float64) float64 {
	// F(t) = 1 - I_x(nu/2, 1/2)/2 with x = nu/(nu+t²), so F(t) = 0.975
	// where I_x(nu/2, 1/2) = 0.05. I_x falls as t rises; t is found by
	// bisection between 0 and 13 (the quantile is 12.71 at nu = 1 and
	// smaller beyond), with 1-x = t²/(nu+t²) made directly, not as a
	// difference near 1.
	a, b := float64(nu/2), 0.5                        // rounded, so arm64 does not fuse nu/2 into a+b below
	g := lgammas{lgamma(a), lgamma(b), lgamma(a + b)} // the same at every step
	lo, hi := 0.0, 13.0
	for range 200 {
		t := lo + float64((hi-lo)/2)
		if t <= lo || t >= hi {
			break // lo and hi are neighbours
		}
		t2 := float64(t * t)
		if regIncBeta(nu/(nu+t2), t2/(nu+t2), a, b, g) > 0.05 {
			lo = t
		} else {
			hi = t
		}
	}
	return lo + float64((hi-lo)/2)
}

// lgammas holds log Γ(a), log Γ(b) and log Γ(a+b) for regIncBeta.
type lgammas struct{ a, b, ab float64 }

// regIncBeta is the regularized incomplete beta function I_x(a, b) for x
// in [0, 1], given with y = 1-x, and a, b > 0, by its continued fraction
// (evaluated with Lentz's method) on whichever side of the mean it
// converges fast. g holds the log-gammas of a, b and a+b, which a search
// over x asks for at every step.
func regIncBeta(x, y, a, b float64, g lgammas) float64 {
	switch {
	case x <= 0:
		return 0
	case y <= 0:
		return 1
	case x > (a+1)/(a+b+2):
		return 1 - regIncBeta(y, x, b, a, lgammas{g.b, g.a, g.ab})
	}
	front := fmath.Exp(float64(a*fmath.Log(x))+float64(b*fmath.Log(y))-g.a-g.b+g.ab) / a
	c, d := 1.0, 1/awayFromZero(1-float64(float64((a+b)*x)/(a+1)))
	f := d
	for m := 1.0; m <= 1000; m++ {
		// The even step, then the odd one.
		var step float64
		c, d, step = lentz(float64(float64(m*(b-m))*x)/float64((a+2*m-1)*(a+2*m)), c, d)
		f = float64(f * step)
		c, d, step = lentz(-float64(float64((a+m)*(a+b+m))*x)/float64((a+2*m)*(a+2*m+1)), c, d)
		f = float64(f * step)
		if math.Abs(step-1) < 1e-16 {
			break
		}
	}
	return float64(front * f)
}

// lentz takes one term num of a continued fraction through Lentz's method:
// c and d are its running ratios, and step is what the fraction's value is
// multiplied by.
func lentz(num, c, d float64) (c2, d2, step float64) {
	d = 1 / awayFromZero(1+float64(num*d))
	c = awayFromZero(1 + num/c)
	return c, d, float64(d * c)
}

// awayFromZero is v, or a tiny positive number in place of one nearer zero,
// which keeps Lentz's method from dividing by zero.
func awayFromZero(v float64) float64 {
	if math.Abs(v) < 1e-300 {
		return 1e-300
	}
	return v
}

// lgamma is log Γ(x) for x > 0. Not math.Lgamma: compiled for arm64, its
// polynomials' multiplications are fused into additions, and its last bits
// then differ from amd64's. The intervals ask for whole and half numbers
// (half the degrees of freedom, and 1/2): up to 23 and 15.5 those are done
// from exact products, (x-1)! and (2x-2)!!, with one logarithm each. Other
// x below 15 are lifted by the recurrence Γ(x) = Γ(x+n)/(x(x+1)…); from
// there Stirling's series to its 1/(156z¹³) term leaves less than 1e-19,
// and the sums' rounding about 1e-14.
func lgamma(x float64) float64 {
	if x == math.Trunc(x) && x <= 23 {
		f := 1.0
		for k := 2.0; k < x; k++ {
			f = float64(f * k)
		}
		return fmath.Log(f)
	}
	if n := x - 0.5; n == math.Trunc(n) && n >= 0 && x <= 15.5 {
		// Γ(n+1/2) = (2n-1)!!/2^n·√π, the double factorial exact and
		// the power of two exact to divide by.
		f := 1.0
		for k := 3.0; k < 2*n; k += 2 {
			f = float64(f * k)
		}
		const halfLogPi = 0.5723649429247001 // log(π)/2
		return fmath.Log(math.Ldexp(f, -int(n))) + halfLogPi
	}
	shift := 1.0 // x(x+1)…(x+n-1)
	for ; x < 15; x++ {
		shift = float64(shift * x)
	}
	z := float64(1 / x)
	z2 := float64(z * z)
	series := 1.0 / 156
	for _, c := range [...]float64{-691.0 / 360360, 1.0 / 1188, -1.0 / 1680, 1.0 / 1260, -1.0 / 360, 1.0 / 12} {
		series = c + float64(z2*series)
	}
	const halfLog2Pi = 0.9189385332046728 // log(2π)/2
	st := float64(float64(float64(x-0.5)*fmath.Log(x))-x) + float64(halfLog2Pi+float64(z*series))
	return st - fmath.Log(shift)
}
