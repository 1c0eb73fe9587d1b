package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
