package plots

// Downsample reduces x, y to at most about max points for drawing (never for
// analysis): the series is cut into buckets and each keeps its lowest and
// highest point, in order, so spikes and dips stay visible. The first and
// last points are always kept. Series already short enough are returned as
// they are.
func Downsample(x, y []float64, max int) ([]float64, []float64) {
	n := len(x)
	if max < 4 || n <= max {
		return x, y
	}
	buckets := (max - 2) / 2
	ox := append(make([]float64, 0, max), x[0])
	oy := append(make([]float64, 0, max), y[0])
	for b := range buckets {
		lo := 1 + b*(n-2)/buckets
		hi := 1 + (b+1)*(n-2)/buckets
		if lo >= hi {
			continue
		}
		iMin, iMax := lo, lo
		for i := lo; i < hi; i++ {
			if y[i] < y[iMin] {
				iMin = i
			}
			if y[i] > y[iMax] {
				iMax = i
			}
		}
		first, second := iMin, iMax
		if second < first {
			first, second = second, first
		}
		ox, oy = append(ox, x[first]), append(oy, y[first])
		if second != first {
			ox, oy = append(ox, x[second]), append(oy, y[second])
		}
	}
	return append(ox, x[n-1]), append(oy, y[n-1])
}
