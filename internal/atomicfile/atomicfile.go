// Package atomicfile writes a file through a temporary name and a rename,
// so a reader never sees it half-written: either the old file or the new.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// WriteFunc is a function that writes a whole file's content to w.
type WriteFunc func(w io.Writer) error

// Write writes path by calling write on a buffered temporary file beside it,
// syncing, and renaming it into place; on any error the temporary file is
// removed and path is untouched.
func Write(path string, write WriteFunc) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// Bytes writes data to path atomically.
func Bytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Link makes to the file from is, as a hard link, which costs no room, or
// as a whole copy where a link cannot be made (another file system). It
// never writes over a file already at to, which may itself be a link that
// others hold: it reports fs.ErrExist, as it reports fs.ErrNotExist for a
// from that is gone.
func Link(from, to string) error {
	err := os.Link(from, to)
	if err == nil || errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(to); err == nil {
		return &fs.PathError{Op: "link", Path: to, Err: fs.ErrExist}
	}
	return Bytes(to, b)
}

// TempDir makes a new directory in parent whose name starts with prefix,
// for a directory to be filled and then renamed into place. Unlike
// os.MkdirTemp, which makes it readable by its owner alone, it makes it
// as os.Mkdir(name, 0o755) would, so the directory a user finds after the
// rename has the permissions of every other directory the program makes.
func TempDir(parent, prefix string) (string, error) {
	for {
		name := filepath.Join(parent, prefix+strconv.FormatUint(rand.Uint64(), 36))
		err := os.Mkdir(name, 0o755)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
}
