package sweep

import (
	"math"
	"strconv"

	"github.com/ecosim/ecosim/resilience"
)

// MorrisHeader is the header of morris.csv.
var MorrisHeader = []string{"figure", "path", "effects", "mu", "mu_star", "mu_star_low", "mu_star_high", "sigma"}

// ElementaryEffects screens, for a morris design, which varied paths each
// figure depends on (resilience.Morris): per figure and path, the number
// of effects, their mean, the mean of their absolute values (mu*, with
// its 95% bootstrap interval) and their standard deviation. An effect is
// the change in a figure's mean over a point's replicates when one path
// takes its trajectory's step, per the path's whole range (position): an
// effect of 1 is a figure that would rise by 1 from the path's least value
// to its greatest, or for names from the first to the last. Points are
// found by their values, as in SobolIndices. Records are by figure, then path in plan
// order; nil for other designs. rows and header are runs.csv's; seed is
// the sweep's base seed, from which the design is drawn again.
func ElementaryEffects(rows [][]string, header []string, plan *Plan, seed uint64, figures []string) [][]string {
	if plan.Design != DesignMorris {
		return nil
	}
	specs, err := plan.specs()
	if err != nil {
		return nil
	}
	pts, moves := morrisDesign(specs, plan.Samples, plan.Levels, seed)
	at := pointMeans(rows, header, plan, figures)
	k := len(plan.Vary)
	var out [][]string
	for f, name := range figures {
		effects := make([][]float64, k)
		for i, m := range moves {
			t, s := i/k, i%k
			from, to := pts[t*(k+1)+s], pts[t*(k+1)+s+1]
			e := (at.mean(to, f) - at.mean(from, f)) / (m.to - m.from)
			if m.to == m.from {
				e = math.NaN() // two levels of a short list on one value
			}
			effects[m.path] = append(effects[m.path], e)
		}
		for j, e := range resilience.Morris(effects) {
			out = append(out, []string{name, plan.Vary[j].Path, strconv.Itoa(e.N),
				Cell(e.Mu), Cell(e.MuStar), Cell(e.MuStarLow), Cell(e.MuStarHigh), Cell(e.Sigma)})
		}
	}
	return out
}
