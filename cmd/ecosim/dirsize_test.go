package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDirSizeCountsLinksOnce: two runs whose controls are links to one
// file take that file's room once, as the disk holds it; a hidden
// directory is not a run.
func TestDirSizeCountsLinksOnce(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a/control", "b/control", ".c.part"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string, n int) {
		if err := os.WriteFile(filepath.Join(dir, p), make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/control/metrics.csv", 1000)
	write("a/metrics.csv", 300)
	write("b/metrics.csv", 300) // the same size and name, another file
	if err := os.Link(filepath.Join(dir, "a/control/metrics.csv"), filepath.Join(dir, "b/control/metrics.csv")); err != nil {
		t.Skip("no hard links here:", err)
	}
	if n, b := dirSize(dir); n != 2 || b != 1600 {
		t.Errorf("%d runs, %d bytes; want 2 and 1600", n, b)
	}
}
