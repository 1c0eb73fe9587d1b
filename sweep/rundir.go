package sweep

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// RunDirsBucket is the JetStream object store in which workers leave the
// directories of the runs a broker sweep keeps (--keep-runs), one archive
// a run, for the coordinator to unpack under its runs/. The result
// messages themselves carry figures only; a run's directory, megabytes of
// per-tick series and events, goes beside them in chunks.
const RunDirsBucket = "ECOSIM_RUNDIRS"

// runDirsTTL is how long an archive no coordinator fetched stays on the
// broker: as long as the results it belongs to.
const runDirsTTL = 7 * 24 * time.Hour

// runDirs opens the run-directory store, creating it the first time, and
// updating it only where it is there with another configuration
// (makeOrUpdate): a worker opens it for every run it keeps while the
// coordinator reads archives out of it, and an update beside a read is
// the race inside the broker that makeOrUpdate describes.
func runDirs(ctx context.Context, js jetstream.JetStream) (jetstream.ObjectStore, error) {
	cfg := jetstream.ObjectStoreConfig{Bucket: RunDirsBucket,
		Description: "ecosim run directories kept by broker sweeps", TTL: runDirsTTL, Storage: jetstream.FileStorage}
	obs, err := makeOrUpdate(ctx, cfg, js.CreateObjectStore, js.UpdateObjectStore, jetstream.ErrBucketExists)
	if err != nil {
		return nil, fmt.Errorf("sweep: object store %s: %w", RunDirsBucket, err)
	}
	return obs, nil
}

// packRun writes dir's files into a gzipped tar at dst, their names
// relative to dir, in the lexical order WalkDir gives, so that the same run
// packs to the same entries wherever it ran.
func packRun(dir, dst string) (err error) {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() && !info.IsDir() {
			return nil // a run writes files and directories only
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// errBadArchive is an archive that is not a run directory as packRun
// writes one.
var errBadArchive = errors.New("not a run directory's archive")

// unpackRun reads a gzipped tar as packRun writes it into dir, which must
// not exist yet. Only plain files and directories below dir are accepted:
// an entry that names a place outside it, or anything else, is refused.
func unpackRun(r io.Reader, dir string) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("%w: %v", errBadArchive, err)
	}
	tr := tar.NewReader(zr)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", errBadArchive, err)
		}
		name := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("%w: entry %q is outside the run's directory", errBadArchive, h.Name)
		}
		to := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeEntry(to, tr); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: entry %q is not a file or a directory", errBadArchive, h.Name)
		}
	}
}

// writeEntry writes an archive entry's bytes to path, making its directory
// where the archive did not list it first.
func writeEntry(path string, r io.Reader) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := io.Copy(f, r); err != nil {
		return fmt.Errorf("%w: %v", errBadArchive, err)
	}
	return nil
}

// fetchRun unpacks the archive named name from obs as out/runs/key. It
// unpacks into a directory of its own beside that one and renames it into
// place, so runs/ never holds half a run: an interrupted fetch leaves
// only the hidden partial directory, which the next fetch of the run
// replaces. A directory already there (a run fetched before a restart) is
// replaced too: the archive is what the run wrote.
func fetchRun(ctx context.Context, obs jetstream.ObjectStore, name, out, key string) error {
	res, err := obs.Get(ctx, name)
	if err != nil {
		return err
	}
	defer res.Close()
	runs := filepath.Join(out, "runs")
	if err := os.MkdirAll(runs, 0o755); err != nil {
		return err
	}
	part := filepath.Join(runs, "."+key+".part")
	if err := os.RemoveAll(part); err != nil {
		return err
	}
	if err := unpackRun(res, part); err != nil {
		os.RemoveAll(part)
		return err
	}
	dst := filepath.Join(runs, key)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return os.Rename(part, dst)
}
