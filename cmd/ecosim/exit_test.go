package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestExitCodes checks the documented exit codes by calling the CLI in
// process: 0 success, 2 usage or scenario error.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nticks: 0\n"), 0o644)
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"simulate", "--scenario", "tiny", "--ticks", "3", "--out", filepath.Join(dir, "ok")}, exitOK},
		{[]string{"simulate", "--scenario", bad}, exitUsage},
		{[]string{"simulate", "--scenario", filepath.Join(dir, "missing.yaml")}, exitUsage},
		{[]string{"simulate", "--scenario", "tiny", "--ticks", "3", "--out", filepath.Join(dir, "ok")}, exitUsage},
		{[]string{"simulate"}, exitUsage},
		{[]string{"simulate", "--scenario", "tiny", "--nope"}, exitUsage},
		{[]string{"validate"}, exitUsage},
		{[]string{"validate", bad}, exitUsage},
		{[]string{"scenarios", "show", "a", "b"}, exitUsage},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if got := run(c.args, &out, &errb); got != c.want {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, got, c.want, errb.String())
		}
	}
}

func TestUnknownCommandIsUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if got := run([]string{"simulatee"}, &out, &errb); got != exitUsage {
		t.Fatalf("exit %d, stderr %q", got, errb.String())
	}
}
