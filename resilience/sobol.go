package resilience

import (
	"math"
	"slices"
)

// SobolIndex is the share of one output's variance that one input accounts
// for, from a sweep of Saltelli's design (see Sobol).
type SobolIndex struct {
	// N is the number of base rows used: those whose every run gave the
	// output.
	N int `json:"n"`
	// First is the first-order index: the share of the output's variance
	// the input explains on its own, averaged over the other inputs.
	First float64 `json:"first"`
	// Total is the total-effect index: the share left unexplained when
	// every input but this one is known, so it counts the input's
	// interactions too. Total well above First says the input matters
	// through others; a Total near 0 says the input can be fixed anywhere
	// in its range.
	Total float64 `json:"total"`
	// FirstLow, FirstHigh, TotalLow and TotalHigh bound 95% bootstrap
	// percentile intervals, from SobolResamples resamples of the base
	// rows.
	FirstLow  float64 `json:"first_low"`
	FirstHigh float64 `json:"first_high"`
	TotalLow  float64 `json:"total_low"`
	TotalHigh float64 `json:"total_high"`
}

// SobolResamples is how many bootstrap resamples Sobol's intervals take.
const SobolResamples = 1000

// Sobol returns each input's first-order and total-effect indices from the
// outputs of Saltelli's design: a and b are the outputs at the N rows of two
// independent samples A and B of the inputs, and ab[i] those at the rows of
// A with input i's column taken from B. The first-order index is Saltelli et
// al. (2010)'s estimator, mean(b·(ab[i]−a))/V, and the total-effect index
// Jansen's (1999), mean((a−ab[i])²)/2V, where V is the variance of a and b
// together; each output is taken about the mean of a and b first, which
// leaves the estimators unchanged in expectation and takes the mean's
// square out of their noise. A row whose output is NaN anywhere (a run that
// failed, a recovery that never came) is left out for every input, so the
// indices share their rows. With fewer than 2 rows, or an output that never
// varies, the indices are NaN. The estimates carry sampling noise: a small
// negative First, or a sum of Firsts above 1, is noise, which the intervals
// show. The bootstrap is seeded from the data's size only, so the intervals
// are the same on every run and, every product being rounded before it is
// added, on every processor.
func Sobol(a, b []float64, ab [][]float64) []SobolIndex {
	k := len(ab)
	nan := math.NaN()
	out := make([]SobolIndex, k)
	for i := range out {
		out[i] = SobolIndex{First: nan, Total: nan, FirstLow: nan, FirstHigh: nan, TotalLow: nan, TotalHigh: nan}
	}
	rows := sobolRows(a, b, ab)
	n := len(rows)
	for i := range out {
		out[i].N = n
	}
	if n < 2 || k == 0 {
		return out
	}
	// Gathered and centred once, so a resample only draws row numbers.
	f0 := 0.0
	for _, j := range rows {
		f0 += a[j] + b[j]
	}
	f0 /= float64(2 * n)
	ca, cb := make([]float64, n), make([]float64, n)
	cab := make([][]float64, k)
	for r, j := range rows {
		ca[r], cb[r] = a[j]-f0, b[j]-f0
	}
	for i := range cab {
		cab[i] = make([]float64, n)
		for r, j := range rows {
			cab[i][r] = ab[i][j] - f0
		}
	}
	all := make([]int, n)
	for r := range all {
		all[r] = r
	}
	first, total := sobolEstimate(ca, cb, cab, all)
	for i := range out {
		out[i].First, out[i].Total = first[i], total[i]
	}
	if math.IsNaN(first[0]) {
		return out
	}
	firsts, totals := make([][]float64, k), make([][]float64, k)
	state := uint64(n)*0x9e3779b97f4a7c15 + uint64(k)
	pick := make([]int, n)
	for range SobolResamples {
		for r := range pick {
			state += 0x9e3779b97f4a7c15
			pick[r] = int(mix64(state) % uint64(n))
		}
		f, t := sobolEstimate(ca, cb, cab, pick)
		for i := range k {
			firsts[i] = append(firsts[i], f[i])
			totals[i] = append(totals[i], t[i])
		}
	}
	for i := range out {
		out[i].FirstLow, out[i].FirstHigh = percentiles(firsts[i])
		out[i].TotalLow, out[i].TotalHigh = percentiles(totals[i])
	}
	return out
}

// sobolRows are the base rows whose outputs are all defined: at A's
// point, B's, and A's with each input from B.
func sobolRows(a, b []float64, ab [][]float64) []int {
	var rows []int
	for j := range a {
		ok := j < len(b) && !math.IsNaN(a[j]) && !math.IsNaN(b[j])
		for i := 0; ok && i < len(ab); i++ {
			ok = j < len(ab[i]) && !math.IsNaN(ab[i][j])
		}
		if ok {
			rows = append(rows, j)
		}
	}
	return rows
}

// SobolNoise is the share of the outputs' variance, as Sobol takes it over
// A's and B's points of the rows it uses, that the outputs' own noise
// accounts for: the mean of na and nb over those points, over that
// variance. na[j] and nb[j] are the variances of the outputs a[j] and
// b[j] as estimates, where each output is the mean of a point's
// replicates, their sample variance over their number. The indices take
// that noise for variance the inputs do not explain: an input's
// first-order index can come out lower by up to about this share, and a
// total-effect index higher. NaN where a used point's noise is unknown (a
// point with one replicate), with fewer than 2 rows, or where the outputs
// do not vary.
func SobolNoise(a, b []float64, ab [][]float64, na, nb []float64) float64 {
	rows := sobolRows(a, b, ab)
	n := float64(len(rows))
	if len(rows) < 2 {
		return math.NaN()
	}
	noise := 0.0
	for _, j := range rows {
		if j >= len(na) || j >= len(nb) {
			return math.NaN()
		}
		noise += na[j] + nb[j]
	}
	v := pooledVariance(a, b, rows)
	if !(v > 0) || math.IsNaN(noise) {
		return math.NaN()
	}
	return (noise / (2 * n)) / v
}

// pooledVariance is the sample variance of a's and b's values at rows
// taken together (a row may come more than once): the variance the
// indices divide.
func pooledVariance(a, b []float64, rows []int) float64 {
	n := float64(len(rows))
	m, ss := 0.0, 0.0
	for _, r := range rows {
		m += a[r] + b[r]
	}
	m /= 2 * n
	for _, r := range rows {
		da, db := a[r]-m, b[r]-m
		ss += float64(da*da) + float64(db*db)
	}
	return ss / (2*n - 1)
}

// sobolEstimate works out every input's indices over the rows picked (a
// row may be picked more than once), or NaN where their output does not
// vary.
func sobolEstimate(a, b []float64, ab [][]float64, pick []int) (first, total []float64) {
	n := float64(len(pick))
	v := pooledVariance(a, b, pick)
	first, total = make([]float64, len(ab)), make([]float64, len(ab))
	for i, col := range ab {
		fs, ts := 0.0, 0.0
		for _, r := range pick {
			d := a[r] - col[r]
			fs -= float64(b[r] * d)
			ts += float64(d * d)
		}
		first[i], total[i] = fs/n/v, ts/(2*n)/v
		if !(v > 0) {
			first[i], total[i] = math.NaN(), math.NaN()
		}
	}
	return first, total
}

// percentiles returns the 2.5% and 97.5% points of xs (sorted in place),
// each interpolated between the two order statistics about it; NaN values
// (a resample whose output did not vary) are left out.
func percentiles(xs []float64) (lo, hi float64) {
	xs = slices.DeleteFunc(xs, math.IsNaN)
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(xs)
	at := func(q float64) float64 {
		p := float64(q * float64(len(xs)-1)) // rounded, or arm64 fuses it into w below
		i := int(p)
		if i+1 >= len(xs) {
			return xs[len(xs)-1]
		}
		w := p - float64(i)
		return xs[i] + float64(w*(xs[i+1]-xs[i]))
	}
	return at(0.025), at(0.975)
}

// mix64 is SplitMix64's output function: over a counter stepped by the
// golden ratio it is enough for drawing bootstrap rows, and the same
// everywhere.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
