package sweep

import (
	"fmt"
	"slices"
	"testing"
)

// TestByControlKeepsFewControlsOpen: a degradation sweep's runs, listed
// point by point, are ordered so that at no point of the order are more
// than `workers` controls begun and not finished, the first runs are of
// different controls, and each control's runs keep their order; runs
// without a control are all kept.
func TestByControlKeepsFewControlsOpen(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 4} {
		var runs []RunSpec
		var keys []string
		for point := range 11 {
			for rep := range 10 {
				runs = append(runs, RunSpec{Key: fmt.Sprintf("p%d-r%d", point, rep), Point: point, Replicate: rep})
				keys = append(keys, fmt.Sprintf("seed%d", rep))
			}
			runs = append(runs, RunSpec{Key: fmt.Sprintf("p%d-none", point), Point: point})
			keys = append(keys, "")
		}
		keyOf := map[string]string{}
		for i, r := range runs {
			keyOf[r.Key] = keys[i]
		}
		got := byControl(runs, keys, workers)
		names := func(rs []RunSpec) []string {
			var n []string
			for _, r := range rs {
				n = append(n, r.Key)
			}
			slices.Sort(n)
			return n
		}
		if !slices.Equal(names(got), names(runs)) {
			t.Fatalf("workers %d: not the same runs", workers)
		}
		left := map[string]int{}
		for _, k := range keys {
			left[k]++
		}
		open := map[string]bool{}
		last := map[string]int{}
		for i, r := range got {
			k := keyOf[r.Key]
			if k == "" {
				continue
			}
			if r.Point < last[k] {
				t.Fatalf("workers %d: %s comes after point %d of its control", workers, r.Key, last[k])
			}
			last[k] = r.Point
			open[k] = true
			if left[k]--; left[k] == 0 {
				delete(open, k)
			}
			if len(open) > workers {
				t.Fatalf("workers %d: %d controls open after run %d", workers, len(open), i)
			}
		}
		firsts := map[string]bool{}
		for _, r := range got[:workers] {
			firsts[keyOf[r.Key]] = true
		}
		if len(firsts) != workers {
			t.Errorf("workers %d: the first runs have %d controls", workers, len(firsts))
		}
	}
}
