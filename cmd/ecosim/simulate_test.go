package main

import "testing"

// TestCoresNote: simulate's status line names the ticks that ran on fewer
// cores than the machine has, by count, and nothing when all ran on all.
func TestCoresNote(t *testing.T) {
	for _, c := range []struct {
		by    map[int]int
		procs int
		want  string
	}{
		{nil, 2, ""},
		{map[int]int{2: 300}, 2, ""},
		{map[int]int{1: 12, 2: 288}, 2, ", one core for 12 ticks"},
		{map[int]int{1: 4, 2: 30, 4: 250, 8: 16}, 8, ", one core for 4 ticks, 2 cores for 30 ticks, 4 cores for 250 ticks"},
		{map[int]int{4: 100, 6: 2}, 6, ", 4 cores for 100 ticks"},
	} {
		if got := coresNote(c.by, c.procs); got != c.want {
			t.Errorf("coresNote(%v, %d) = %q, want %q", c.by, c.procs, got, c.want)
		}
	}
}
