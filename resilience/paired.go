package resilience

import "math"

// PairedProportion compares two shares measured on the same pairs (the
// replicates of a point and of its baseline, run from the same seeds):
// both is the number of pairs where both runs succeeded (recovered, say),
// first and second where only the first or only the second did, and n the
// pairs in all. Mean is the difference of the shares, first less second;
// SD the sample standard deviation of the pairs' differences (each 1, 0
// or −1); the interval is Newcombe's hybrid score interval for paired
// proportions (Newcombe 1998, method 10), made of the two shares' Wilson
// intervals and the pairs' correlation, which stays within −1 and 1 and
// is not of zero width when every pair came out alike. P is the
// exact two-sided McNemar test's: the binomial chance, at even odds, of a
// split of the discordant pairs at least as uneven. With fewer than two
// pairs the spread, interval and P are NaN.
func PairedProportion(both, first, second, n int) (s Summary, p float64) {
	nan := math.NaN()
	if n <= 0 || both < 0 || first < 0 || second < 0 || both+first+second > n {
		return Summary{Mean: nan, SD: nan, CILow: nan, CIHigh: nan}, nan
	}
	nf := float64(n)
	p1, p2 := float64(both+first)/nf, float64(both+second)/nf
	s = Summary{N: n, Mean: p1 - p2}
	if n < 2 {
		s.SD, s.CILow, s.CIHigh = nan, nan, nan
		return s, nan
	}
	// The differences are first ones of 1 and second ones of −1.
	m := s.Mean
	ss := float64(float64(first)*float64((1-m)*(1-m))) + float64(float64(second)*float64((1+m)*(1+m))) +
		float64(float64(n-first-second)*float64(m*m))
	s.SD = math.Sqrt(ss / (nf - 1))
	w1, w2 := Proportion(both+first, n), Proportion(both+second, n)
	l1, u1, l2, u2 := w1.CILow, w1.CIHigh, w2.CILow, w2.CIHigh
	neither := n - both - first - second
	// The pairs' correlation, its numerator corrected for continuity as
	// Newcombe's method has it: a positive one lowered by n/2 (to no less
	// than 0), a negative one kept.
	phi := 0.0
	if d := float64(float64(both+first)*float64(n-both-first)) * float64(float64(both+second)*float64(n-both-second)); d > 0 {
		num := float64(float64(both)*float64(neither)) - float64(float64(first)*float64(second))
		if num > 0 {
			num = max(0, num-float64(nf/2)) // rounded: nf/2 is a product by 0.5, which arm64 fuses
		}
		phi = num / math.Sqrt(d)
	}
	dl := math.Sqrt(max(0, float64((p1-l1)*(p1-l1))-float64(2*phi*float64((p1-l1)*(u2-p2)))+float64((u2-p2)*(u2-p2))))
	du := math.Sqrt(max(0, float64((u1-p1)*(u1-p1))-float64(2*phi*float64((u1-p1)*(p2-l2)))+float64((p2-l2)*(p2-l2))))
	s.CILow, s.CIHigh = max(-1, m-dl), min(1, m+du)
	return s, mcNemar(first, second)
}

// mcNemar is the exact two-sided McNemar p-value for b and c discordant
// pairs: twice the binomial(b+c, 1/2) probability of min(b, c) or fewer,
// at most 1; 1 when no pair is discordant.
func mcNemar(b, c int) float64 {
	k, n := min(b, c), b+c
	if n == 0 {
		return 1
	}
	term := math.Ldexp(1, -n) // C(n, 0) / 2^n, exact
	sum := term
	for i := range k {
		term = term * float64(n-i) / float64(i+1)
		sum += term
	}
	return min(1, 2*sum)
}
