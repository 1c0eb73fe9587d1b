package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestBusySweepDirectoryIsExit2 checks that a sweep refused because
// another is writing into its directory exits 2, like any error found
// before a run, with the message naming the directory.
func TestBusySweepDirectoryIsExit2(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	args := []string{"sweep", "--scenario", "tiny", "--vary", "fungi.fee=0,0.1", "--set", "ticks=5", "--no-plots", "--out", dir}
	var out, errb bytes.Buffer
	if got := run(args, &out, &errb); got != exitOK {
		t.Fatalf("first sweep: exit %d: %s", got, errb.String())
	}
	f, err := os.OpenFile(filepath.Join(dir, "runs.csv"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if got := run(args, &out, &errb); got != exitUsage || !strings.Contains(errb.String(), "another sweep or merge is writing into "+dir) {
		t.Fatalf("exit %d, stderr %q", got, errb.String())
	}
}
