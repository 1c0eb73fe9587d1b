package sweep

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMergeCopiesKeptRunsAcrossFileSystems: where the merged directory is
// on another file system than the shards (here /dev/shm, a tmpfs), no
// hard link can be made, and the kept runs are copied: the same bytes,
// in files of their own.
func TestMergeCopiesKeptRunsAcrossFileSystems(t *testing.T) {
	shard := t.TempDir()
	var a, b syscall.Stat_t
	if err := syscall.Stat(shard, &a); err != nil || syscall.Stat("/dev/shm", &b) != nil || a.Dev == b.Dev {
		t.Skip("no second file system at /dev/shm to merge onto")
	}
	out, err := os.MkdirTemp("/dev/shm", "ecosim-merge-")
	if err != nil {
		t.Skip("cannot write to /dev/shm:", err)
	}
	defer os.RemoveAll(out)
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: shard, Workers: 2, KeepRuns: true}); err != nil {
		t.Fatal(err)
	}
	if n, err := Merge(out, []string{shard}); err != nil || n != 8 {
		t.Fatalf("merge: %d, %v", n, err)
	}
	copied := 0
	err = filepath.WalkDir(filepath.Join(shard, "runs"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shard, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v, or its bytes differ", rel, err)
		}
		if os.SameFile(mustStat(t, p), mustStat(t, filepath.Join(out, rel))) {
			t.Errorf("%s is the shard's own file", rel)
		}
		copied++
		return nil
	})
	if err != nil || copied < 8*4 {
		t.Errorf("%d files compared (%v)", copied, err)
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
