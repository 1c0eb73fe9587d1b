package rules

import "github.com/ecosim/ecosim/internal/fmath"

// LinkWeight is how strongly a fungus prefers to link with a tree of the
// given biomass [kg C]. Above-linear preference (alpha > 1) is what makes a
// few large "mother trees" collect most links: hubs emerge from this rule.
func LinkWeight(biomass, alpha float64) float64 {
	return fmath.Pow(max(biomass, 0)+1e-9, alpha)
}

// PickWeighted returns the index i chosen with probability w[i]/Σw for a
// uniform u in [0, 1), or -1 when every weight is zero.
func PickWeighted(w []float64, u float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	if total <= 0 {
		return -1
	}
	target := u * total
	acc := 0.0
	for i, x := range w {
		acc += x
		if target < acc {
			return i
		}
	}
	return len(w) - 1
}

// ShareOut is what a tree with reserve carbon [kg C] and biomass offers to
// one of n fungal partners when its reserve density (carbon per biomass)
// exceeds the partners' mean density: a fraction rate of its surplus over
// the mean, split among the partners. Carbon flows down the gradient only.
func ShareOut(carbon, biomass, meanDensity, rate float64, n int) float64 {
	if n <= 0 || biomass <= 0 {
		return 0
	}
	surplus := carbon - float64(meanDensity*biomass)
	if surplus <= 0 {
		return 0
	}
	return float64(rate*surplus) / float64(n)
}

// Deficit is how far a partner is below the mean density [kg C]; a fungus
// hands out its pool in proportion to deficits.
func Deficit(carbon, biomass, meanDensity float64) float64 {
	return max(0, float64(meanDensity*biomass)-carbon)
}

// UptakeBonus is the factor by which mycorrhizal partners raise a tree's
// access to water and nutrients: 1 without links, up to 1+bonus with three
// or more.
func UptakeBonus(links int, bonus float64) float64 {
	return 1 + bonus*min(float64(links), 3)/3
}
