package rules

import (
	"math"

	"github.com/ecosim/ecosim/internal/fmath"
)

// Crown returns a tree's height [m] and leaf area [m²] from its structural
// biomass [kg C], with one cube root: height 2·b^(1/3) keeps rising ever
// more slowly; leaves scale with the surface of the crown, b^(2/3), biomass
// with its volume.
func Crown(biomass float64) (height, leaf float64) {
	c := fmath.Cbrt(max(biomass, 0))
	return 2 * c, float64(c * c)
}

// LightCapture is the fraction of full light a tree of height h receives
// when its neighbours have the given heights [m]. Only taller neighbours
// shade, each in proportion to how much taller it is; k sets how dark a
// closed canopy gets.
func LightCapture(h float64, neighbours []float64, k float64) float64 {
	return fmath.Exp(-float64(k * shade(h, neighbours)))
}

// shade sums how much taller than h each taller neighbour is, relative to
// its own height.
func shade(h float64, neighbours []float64) float64 {
	s := 0.0
	for _, hn := range neighbours {
		s = AddShade(s, h, hn)
	}
	return s
}

// AddShade adds to the shade sum s what a neighbour of height hn casts on a
// tree of height h: nothing unless it is taller. A caller that has its
// neighbours' heights in hand sums them with it in a fixed order, without
// gathering them into a slice first.
func AddShade(s, h, hn float64) float64 {
	if hn > h && hn > 0 {
		s += (hn - h) / hn
	}
	return s
}

// ShadedLight is EffectiveLight(LightCapture(h, neighbours, k), tolerance)
// computed with one exponential: light^(1-0.8·tol) = exp(−k·shade·(1−0.8·tol)).
// The model uses it; the two-step form documents what it means.
func ShadedLight(h float64, neighbours []float64, k, shadeTolerance float64) float64 {
	return LightFromShade(shade(h, neighbours), k, shadeTolerance)
}

// LightFromShade is ShadedLight given the neighbours' shade sum (AddShade
// over them in order).
func LightFromShade(shade, k, shadeTolerance float64) float64 {
	if shade == 0 {
		return 1 // the exponential of zero, without computing it
	}
	return fmath.Exp(-float64(float64(k*shade) * (1 - float64(0.8*shadeTolerance))))
}

// EffectiveLight is how much of the light a species can use: shade-tolerant
// species (tolerance near 1) work nearly as well in shade as in sun.
func EffectiveLight(light, shadeTolerance float64) float64 {
	return fmath.Pow(light, 1-float64(0.8*shadeTolerance))
}

// Saturating is the Michaelis–Menten limitation x/(x+half) in [0, 1).
func Saturating(x, half float64) float64 {
	if x <= 0 {
		return 0
	}
	return x / (x + half)
}

// Photosynthesis is the carbon a tree fixes in a tick [kg C/tick]: its rate
// [kg C/m²/tick] times leaf area [m²] times usable light, limited by the
// scarcer of water and nutrients (Liebig's law).
func Photosynthesis(rate, leafArea, light, waterLimit, nutrientLimit float64) float64 {
	limit := min(waterLimit, nutrientLimit)
	return float64(float64(float64(rate*leafArea)*light) * limit)
}

// Respiration is the maintenance cost of living tissue [kg C/tick].
func Respiration(rate, biomass float64) float64 {
	return float64(rate * max(biomass, 0))
}

// Growth is the carbon moved from reserve into structure in a tick: a
// fraction alloc of the reserve above the target reserveFrac×biomass.
func Growth(reserve, biomass, reserveFrac, alloc float64) float64 {
	surplus := reserve - float64(reserveFrac*biomass)
	if surplus <= 0 {
		return 0
	}
	return float64(alloc * surplus)
}

// AgeHazard is the probability of dying of age in one tick: negligible when
// young, rising steeply (Weibull shape 4) to about 1/30 per tick at maxAge.
func AgeHazard(age, maxAge float64) float64 {
	if maxAge <= 0 {
		return 1
	}
	r := age / maxAge
	return min(1, float64(r*r)*float64(r*r)/30)
}

// Establishes reports whether a seed can take root where the forest floor
// receives floorLight: shade-intolerant species need open ground.
func Establishes(floorLight, shadeTolerance float64) bool {
	return floorLight >= 0.4+float64(0.5*(1-shadeTolerance))
}

// FloorLight is the light reaching the ground under a canopy whose leaf
// area [m²] over a cell's neighbourhood is leafArea (Beer–Lambert).
func FloorLight(leafArea, k float64) float64 {
	return fmath.Exp(-float64(k * leafArea))
}

// DispersalOffset turns two uniform draws into a seed's landing offset in
// cells: a uniform direction and a distance uniform in [1, radius].
func DispersalOffset(u1, u2 float64, radius int) (dx, dy int) {
	if radius < 1 {
		radius = 1
	}
	angle := 2 * math.Pi * u1
	dist := 1 + float64(u2*float64(radius-1))
	sin, cos := fmath.Sincos(angle)
	return int(math.Round(float64(dist * cos))), int(math.Round(float64(dist * sin)))
}
