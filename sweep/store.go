package sweep

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// fixedColumns open every runs.csv row.
var fixedColumns = []string{"key", "point", "replicate", "seed"}

// tailColumns close every row; wall_seconds is the only column that differs
// between two executions of the same sweep.
var tailColumns = []string{"status", "error", "wall_seconds"}

// Header returns the runs.csv columns of a sweep: fixed, one per varied
// path, the figures, then status, error and wall time.
func Header(plan *Plan, figures []string) []string {
	h := append([]string(nil), fixedColumns...)
	for _, v := range plan.Vary {
		h = append(h, v.Path)
	}
	h = append(h, figures...)
	return append(h, tailColumns...)
}

// Store is runs.csv: rows are appended one whole line at a time and synced,
// so a sweep stopped at any moment loses only the runs in flight.
type Store struct {
	path    string
	header  []string
	figures []string
	f       *os.File
	done    map[string][]string // key -> row
	order   []string
}

// OpenStore opens (or creates) dir/runs.csv with header. An existing file
// must have the same header; a torn last line (no newline) is cut off. The
// file stays locked until Close: a second sweep into the same directory,
// started while the first runs, would run the same runs again and append
// them twice.
func OpenStore(dir string, header, figures []string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Store{path: filepath.Join(dir, "runs.csv"), header: header, figures: figures, done: map[string][]string{}}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	if err := s.open(f); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// open locks f, loads what it holds and leaves it ready to append to.
func (s *Store) open(f *os.File) error {
	if err := lockFile(f); err != nil {
		return fmt.Errorf("%w: another sweep or merge is writing into %s (%s is locked: %v); wait for it to finish or use another --out",
			ErrBusy, filepath.Dir(s.path), filepath.Base(s.path), err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 != len(data) {
		data = data[:i+1] // a torn row from an interrupted write
		if err := f.Truncate(int64(len(data))); err != nil {
			return err
		}
	}
	if len(data) > 0 {
		if err := s.load(data); err != nil {
			return err
		}
	}
	s.f = f
	if len(data) == 0 {
		return s.writeLine(s.header)
	}
	return nil
}

func (s *Store) load(data []byte) error {
	r := csv.NewReader(bytes.NewReader(data))
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("sweep: %s: %w", s.path, err)
	}
	if !slices.Equal(head, s.header) {
		return fmt.Errorf("%w: %s was written by a different sweep (its columns differ); use another --out", ErrPlan, s.path)
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sweep: %s: line %d: %w", s.path, line, err)
		}
		if _, dup := s.done[rec[0]]; !dup {
			s.order = append(s.order, rec[0])
		}
		s.done[rec[0]] = rec
	}
}

func (s *Store) writeLine(fields []string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(fields); err != nil {
		return err
	}
	w.Flush()
	if _, err := s.f.Write(buf.Bytes()); err != nil {
		return err
	}
	return s.f.Sync()
}

// Has reports whether the run with key is recorded.
func (s *Store) Has(key string) bool {
	_, ok := s.done[key]
	return ok
}

// Len is the number of runs recorded.
func (s *Store) Len() int { return len(s.done) }

// Add records a row unless its key is already there (a result delivered
// twice is kept once); it reports whether the row was new.
func (s *Store) Add(row Row) (bool, error) {
	if s.Has(row.Spec.Key) {
		return false, nil
	}
	rec := s.record(row)
	if err := s.writeLine(rec); err != nil {
		return false, err
	}
	s.done[row.Spec.Key] = rec
	s.order = append(s.order, row.Spec.Key)
	return true, nil
}

func (s *Store) record(row Row) []string {
	sp := row.Spec
	rec := []string{sp.Key, strconv.Itoa(sp.Point), strconv.Itoa(sp.Replicate), strconv.FormatUint(sp.Seed, 10)}
	rec = append(rec, sp.Values...)
	for _, f := range s.figures {
		v, ok := row.Figures[f]
		rec = append(rec, formatFigure(v, ok && row.Status == StatusOK))
	}
	errText := strings.ReplaceAll(row.Error, "\n", " | ")
	return append(rec, row.Status, errText, strconv.FormatFloat(math.Round(row.Wall*1000)/1000, 'f', 3, 64))
}

// Rows returns the recorded rows in the order they were recorded.
func (s *Store) Rows() [][]string {
	out := make([][]string, len(s.order))
	for i, k := range s.order {
		out[i] = s.done[k]
	}
	return out
}

// Close closes runs.csv.
func (s *Store) Close() error { return s.f.Close() }
