package plots

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/runner"
)

// ErrData marks a run directory whose files are missing or corrupt.
var ErrData = errors.New("plots: bad run data")

// Series is a metrics table: one column per indicator, indexed by row.
type Series struct {
	Names []string
	Ticks []float64
	Cols  map[string][]float64
}

// Col returns the named column, or nil.
func (s *Series) Col(name string) []float64 {
	if s == nil {
		return nil
	}
	return s.Cols[name]
}

// Window is a failure as the charts mark it: a span for windowed failures
// (partition, drought, ...), a single tick (End == Start) for strikes.
type Window struct {
	Start, End int
	Label      string
}

// Run is everything recorded in a run directory that the charts use.
type Run struct {
	Dir        string
	Metrics    *Series
	Control    *Series
	Resilience *runner.Resilience
	Summary    *runner.Summary
	Windows    []Window
	Snapshots  []agents.Snapshot
	Scenario   []byte
}

func dataErr(file string, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrData, file, fmt.Sprintf(format, args...))
}

// Load reads a run directory. metrics.csv is required; the rest is read
// when present. A file that is present but corrupt is an error naming it.
func Load(dir string) (*Run, error) {
	r := &Run{Dir: dir}
	var err error
	if r.Metrics, err = readMetrics(filepath.Join(dir, "metrics.csv")); err != nil {
		return nil, err
	}
	if p := filepath.Join(dir, "control", "metrics.csv"); exists(p) {
		if r.Control, err = readMetrics(p); err != nil {
			return nil, err
		}
	}
	if p := filepath.Join(dir, "resilience.json"); exists(p) {
		r.Resilience = &runner.Resilience{}
		if err := readJSON(p, r.Resilience); err != nil {
			return nil, err
		}
	}
	if p := filepath.Join(dir, "summary.json"); exists(p) {
		r.Summary = &runner.Summary{}
		if err := readJSON(p, r.Summary); err != nil {
			return nil, err
		}
	}
	if r.Windows, err = readWindows(filepath.Join(dir, "events.jsonl"), r.Metrics); err != nil {
		return nil, err
	}
	if r.Snapshots, err = readSnapshots(filepath.Join(dir, runner.SnapshotDir)); err != nil {
		return nil, err
	}
	r.Scenario, _ = os.ReadFile(filepath.Join(dir, "scenario.yaml"))
	return r, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func readJSON(p string, v any) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return dataErr(p, "%v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return dataErr(p, "not valid JSON: %v", err)
	}
	return nil
}

// readMetrics parses metrics.csv: a header starting with "tick", then one
// row of finite numbers per tick, every row as wide as the header.
func readMetrics(p string) (*Series, error) { return readColumns(p, nil) }

// readColumns is readMetrics for the ticks and the columns named in want
// alone (every column when want is nil), whose numbers it parses and
// checks: a sweep's kept runs are read for a few indicators of forty, and
// parsing the rest took most of the time.
func readColumns(p string, want []string) (*Series, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, dataErr(p, "%v", err)
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	cr.ReuseRecord = true
	head, err := cr.Read()
	head = append([]string(nil), head...) // the reader reuses its record
	if err != nil || len(head) < 2 || head[0] != "tick" {
		return nil, dataErr(p, "line 1: expected a header starting with \"tick\"")
	}
	s := &Series{Names: append([]string(nil), head[1:]...), Cols: map[string][]float64{}}
	keep := make([]bool, len(head))
	for i, name := range head {
		keep[i] = i == 0 || want == nil || slices.Contains(want, name)
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, dataErr(p, "line %d: %v", line, err)
		}
		for i, field := range rec {
			if !keep[i] {
				continue
			}
			v, err := strconv.ParseFloat(field, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, dataErr(p, "line %d, column %d: %q is not a finite number", line, i+1, field)
			}
			if i == 0 {
				s.Ticks = append(s.Ticks, v)
			} else {
				s.Cols[head[i]] = append(s.Cols[head[i]], v)
			}
		}
	}
	if len(s.Ticks) == 0 {
		return nil, dataErr(p, "no rows")
	}
	return s, nil
}

// readWindows turns failure and restore events into chart windows. The
// event log may be large, so only lines that mention a failure are decoded.
func readWindows(p string, m *Series) ([]Window, error) {
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, dataErr(p, "%v", err)
	}
	defer f.Close()
	open := map[int32]int{} // failure index -> window index
	var ws []Window
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	end := int(m.Ticks[len(m.Ticks)-1])
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if !bytes.Contains(b, []byte(`"type":"failure"`)) && !bytes.Contains(b, []byte(`"type":"restore"`)) {
			continue
		}
		var ev struct {
			Tick  int    `json:"tick"`
			Type  string `json:"type"`
			Kind  string `json:"kind"`
			Cause string `json:"cause"`
			Other int32  `json:"other"`
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, dataErr(p, "line %d: %v", line, err)
		}
		switch {
		case ev.Type == "failure" && ev.Cause == "start":
			open[ev.Other] = len(ws)
			ws = append(ws, Window{Start: ev.Tick, End: end, Label: ev.Kind})
		case ev.Type == "restore":
			if i, ok := open[ev.Other]; ok {
				ws[i].End = ev.Tick
			}
		case ev.Type == "failure":
			label := ev.Kind
			if ev.Cause != "" && ev.Cause != ev.Kind {
				label += ": " + ev.Cause // "kill: nodes by hubs"
			}
			ws = append(ws, Window{Start: ev.Tick, End: ev.Tick, Label: label})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, dataErr(p, "%v", err)
	}
	return ws, nil
}

func readSnapshots(dir string) ([]agents.Snapshot, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, dataErr(dir, "%v", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	// Decoding is most of the time a big world's maps take (0.2-0.3 s a
	// snapshot at 100,000 agents), so the files are read side by side.
	snaps := make([]agents.Snapshot, len(names))
	errs := make([]error, len(names))
	sideBySide(len(names), func(i int) {
		p := filepath.Join(dir, names[i])
		if errs[i] = readJSON(p, &snaps[i]); errs[i] == nil && (snaps[i].Width <= 0 || snaps[i].Height <= 0) {
			errs[i] = dataErr(p, "no grid size")
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].Tick < snaps[j].Tick })
	return snaps, nil
}

// sideBySide calls fn(0), ..., fn(n-1) on as many goroutines as there are
// cores, each index once, and returns when all have returned; fn(i) must
// write only what belongs to i.
func sideBySide(n int, fn func(i int)) {
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	wg.Wait()
}
