package runner

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ecosim/ecosim/internal/atomicfile"
	"github.com/ecosim/ecosim/sim"
)

// createFile opens an output file; tests replace it to simulate a disk
// that fills up.
var createFile = func(p string) (io.WriteCloser, error) { return os.Create(p) }

// hashedFile writes through a buffer into a file while hashing what it
// writes, so the digest in summary.json is of the exact bytes on disk.
type hashedFile struct {
	f    io.WriteCloser
	w    *bufio.Writer
	h    hash.Hash
	sink *copySink
}

// copySink writes to to and, while copy is set, into copy too: a control's
// run keeps what it writes up to its checkpoint (recorder.checkpoint).
type copySink struct {
	to   io.Writer
	copy *bytes.Buffer
}

func (s *copySink) Write(p []byte) (int, error) {
	if s.copy != nil {
		s.copy.Write(p)
	}
	return s.to.Write(p)
}

// createHashed creates dir/name; with dir "" (a run kept in memory) it only
// hashes.
func createHashed(dir, name string) (*hashedFile, error) {
	h := sha256.New()
	sink := &copySink{to: h}
	if dir == "" {
		return &hashedFile{w: bufio.NewWriterSize(sink, 1<<16), h: h, sink: sink}, nil
	}
	f, err := createFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	sink.to = io.MultiWriter(f, h)
	return &hashedFile{f: f, w: bufio.NewWriterSize(sink, 1<<16), h: h, sink: sink}, nil
}

// copied flushes what hf holds and returns the copy kept since copying
// began, and stops copying.
func (hf *hashedFile) copied() ([]byte, error) {
	if err := hf.w.Flush(); err != nil {
		return nil, err
	}
	b := hf.sink.copy.Bytes()
	hf.sink.copy = nil
	return b, nil
}

func (hf *hashedFile) close() error {
	err := hf.w.Flush()
	if hf.f == nil {
		return err
	}
	if s, ok := hf.f.(interface{ Sync() error }); ok && err == nil {
		err = s.Sync()
	}
	if cerr := hf.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (hf *hashedFile) digest() string { return hex.EncodeToString(hf.h.Sum(nil)) }

// recorder is the sim.Observer that writes metrics.csv and events.jsonl.
type recorder struct {
	metrics, events *hashedFile
	buf             []byte
	line            []byte // the event line being written, reused
	lastTick        int
	progress        func(tick int)
	keepCols        []int
	keepNames       []string
	kept            map[string][]float64
	last            []float64
}

// keep makes the recorder retain the series of the named indicators.
func (r *recorder) keep(all, names []string) {
	r.kept = map[string][]float64{}
	for _, n := range names {
		for i, a := range all {
			if a == n {
				r.keepCols = append(r.keepCols, i)
				r.keepNames = append(r.keepNames, n)
			}
		}
	}
}

func (r *recorder) header(names []string) error {
	r.buf = append(r.buf[:0], "tick"...)
	for _, n := range names {
		r.buf = append(r.buf, ',')
		r.buf = append(r.buf, n...)
	}
	r.buf = append(r.buf, '\n')
	_, err := r.metrics.w.Write(r.buf)
	return err
}

// Tick writes one CSV row; floats use the shortest exact form, so equal
// numbers always give equal bytes.
func (r *recorder) Tick(tick int, row []float64) error {
	r.buf = strconv.AppendInt(r.buf[:0], int64(tick), 10)
	for _, v := range row {
		r.buf = append(r.buf, ',')
		r.buf = strconv.AppendFloat(r.buf, v, 'g', -1, 64)
	}
	r.buf = append(r.buf, '\n')
	r.lastTick = tick
	r.last = append(r.last[:0], row...)
	for i, c := range r.keepCols {
		r.kept[r.keepNames[i]] = append(r.kept[r.keepNames[i]], row[c])
	}
	if r.progress != nil {
		r.progress(tick)
	}
	_, err := r.metrics.w.Write(r.buf)
	return err
}

// Event writes one JSON line.
func (r *recorder) Event(ev sim.Event) error {
	r.line = appendEvent(r.line[:0], ev)
	_, err := r.events.w.Write(r.line)
	return err
}

// writeOut writes dir/name atomically; a run kept in memory (dir "")
// writes nothing.
func writeOut(dir, name string, data []byte) error {
	if dir == "" {
		return nil
	}
	return writeFileAtomic(filepath.Join(dir, name), data)
}

// writeFileAtomic writes data to path through a temporary file and a rename.
func writeFileAtomic(path string, data []byte) error { return atomicfile.Bytes(path, data) }
