package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesOrLeavesUntouched(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := Bytes(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want the writer's error, got %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("a failed write changed the file to %q", b)
	}
	if _, err := os.Stat(p + ".tmp"); !os.IsNotExist(err) {
		t.Fatal("temporary file left behind")
	}
	if err := Bytes(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("file is %q", b)
	}
}

// TestLink: a link is the same file; a file already there is left as it
// is and reported, as is a source that is gone.
func TestLink(t *testing.T) {
	dir := t.TempDir()
	from, to, other := filepath.Join(dir, "from"), filepath.Join(dir, "to"), filepath.Join(dir, "other")
	for p, s := range map[string]string{from: "shared", other: "other"} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Link(from, to); err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(from)
	b, _ := os.Stat(to)
	if !os.SameFile(a, b) {
		t.Error("not one file")
	}
	if err := Link(other, to); !errors.Is(err, fs.ErrExist) {
		t.Errorf("over a file there: %v", err)
	}
	if got, _ := os.ReadFile(from); string(got) != "shared" {
		t.Errorf("the shared file now holds %q", got)
	}
	if err := Link(filepath.Join(dir, "gone"), filepath.Join(dir, "new")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("from a file gone: %v", err)
	}
}

// TestTempDirHasADirectorysPermissions: TempDir makes a new directory each
// time, with the permissions os.Mkdir(name, 0o755) gives under the same
// umask, where os.MkdirTemp's would be its owner's alone.
func TestTempDirHasADirectorysPermissions(t *testing.T) {
	parent := t.TempDir()
	want := filepath.Join(parent, "plain")
	if err := os.Mkdir(want, 0o755); err != nil {
		t.Fatal(err)
	}
	wi, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 20 {
		d, err := TempDir(parent, ".run.partial-")
		if err != nil {
			t.Fatal(err)
		}
		if seen[d] || filepath.Dir(d) != parent || !strings.HasPrefix(filepath.Base(d), ".run.partial-") {
			t.Fatalf("%s: not a new directory named by the prefix in %s", d, parent)
		}
		seen[d] = true
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.IsDir() || fi.Mode().Perm() != wi.Mode().Perm() {
			t.Fatalf("%s: mode %v, want %v as os.Mkdir makes", d, fi.Mode(), wi.Mode())
		}
	}
	if _, err := TempDir(filepath.Join(parent, "missing"), "x-"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("in a missing parent: %v, want a not-exist error", err)
	}
}
