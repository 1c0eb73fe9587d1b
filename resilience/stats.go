package resilience

import "math"

// Summary is a figure summarised over replicates.
type Summary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// CILow and CIHigh bound the 95% confidence interval of the mean
	// (Student's t with N−1 degrees of freedom). With one replicate there
	// is no spread to estimate, so SD and the interval are NaN: an
	// interval of zero width would claim a certainty one run cannot give.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

// Within is s with its interval cut at lo and hi, bounds that the mean
// cannot pass: 0 for a count or a ratio, 1 for a share. Student's t knows
// nothing of them, and with a few replicates its interval of a count can
// reach below 0. Cutting keeps the interval's coverage: a mean within the
// bounds lies in the interval cut exactly when it lies in the whole one.
func (s Summary) Within(lo, hi float64) Summary {
	// Max and Min keep a NaN: an interval that cannot be had stays so.
	s.CILow, s.CIHigh = math.Min(math.Max(s.CILow, lo), hi), math.Max(math.Min(s.CIHigh, hi), lo)
	return s
}

// Summarize returns mean, sample standard deviation and the 95% confidence
// interval of the mean of xs; NaN values (figures that do not exist for a
// replicate, such as a recovery that never came) are left out.
func Summarize(xs []float64) Summary {
	return summarize(xs, tQuantile975)
}

// SummarizeEach is Summarize of each of sets, the same to the last bit,
// with Student's t factor worked out once for each number of values: a
// chart's band over the ticks of a few replicates summarises thousands of
// sets of the same size, and the factor's incomplete beta was nearly all
// of the time.
func SummarizeEach(sets [][]float64) []Summary {
	t := map[float64]float64{}
	quantile := func(nu float64) float64 {
		q, ok := t[nu]
		if !ok {
			q = tQuantile975(nu)
			t[nu] = q
		}
		return q
	}
	out := make([]Summary, len(sets))
	for i, xs := range sets {
		out[i] = summarize(xs, quantile)
	}
	return out
}

// summarize is Summarize with quantile for Student's t.
func summarize(xs []float64, quantile func(nu float64) float64) Summary {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	s := Summary{N: len(v)}
	if s.N == 0 {
		return Summary{Mean: math.NaN(), SD: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	}
	s.Mean = mean(v)
	if s.N < 2 {
		s.SD, s.CILow, s.CIHigh = math.NaN(), math.NaN(), math.NaN()
		return s
	}
	s.SD = sampleSD(v, s.Mean)
	t := quantile(float64(s.N - 1))
	half := t * s.SD / math.Sqrt(float64(s.N))
	s.CILow, s.CIHigh = s.Mean-half, s.Mean+half
	return s
}

// mean is the mean of xs, summed in order.
func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// sampleSD is the sample standard deviation of xs (at least two) about
// their mean m, by the corrected two-pass sum: the squared deviations, less
// the square of the deviations' own sum over n, which takes out most of
// m's rounding. Each square is rounded before it is added; a library's
// loop, compiled for arm64, fuses them, and the intervals' last bits would
// then depend on the machine.
func sampleSD(xs []float64, m float64) float64 {
	ss, sd := 0.0, 0.0
	for _, x := range xs {
		d := x - m
		ss += float64(d * d)
		sd += d
	}
	n := float64(len(xs))
	return math.Sqrt((ss - float64(sd*sd)/n) / (n - 1))
}

// z975 is the standard normal's 97.5% quantile, for 95% intervals.
const z975 = 1.959963984540054

// Proportion summarises k successes in n trials (replicates that
// recovered, say): the share k/n, the sample standard deviation of the
// trials' 0/1 outcomes, and the Wilson score 95% interval of the share,
// which, unlike a t-interval, stays within 0 and 1 and is not of zero
// width when every trial came out alike. With fewer than two trials SD
// and the interval are NaN, as in Summarize.
func Proportion(k, n int) Summary {
	if n <= 0 || k < 0 || k > n {
		return Summary{Mean: math.NaN(), SD: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	}
	nf := float64(n)
	p := float64(k) / nf
	s := Summary{N: n, Mean: p}
	if n < 2 {
		s.SD, s.CILow, s.CIHigh = math.NaN(), math.NaN(), math.NaN()
		return s
	}
	// Each product is rounded before it is added (see sampleSD), so the
	// interval's last bits do not depend on the processor.
	q := float64(p * (1 - p))
	s.SD = math.Sqrt(float64(q*nf) / (nf - 1))
	z2 := float64(z975 * z975)
	denom := 1 + z2/nf
	centre := (p + z2/float64(2*nf)) / denom
	half := float64(z975*math.Sqrt(q/nf+z2/float64(4*nf*nf))) / denom
	s.CILow, s.CIHigh = max(0, centre-half), min(1, centre+half)
	return s
}
