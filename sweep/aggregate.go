package sweep

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ecosim/ecosim/agents"
	"github.com/ecosim/ecosim/resilience"
)

// AggregateHeader is the header of aggregate.csv after the varied paths.
var AggregateHeader = []string{"figure", "n", "mean", "sd", "ci_low", "ci_high"}

// Figure name suffixes. <indicator>_recovery_time is a run's figure;
// <indicator>_recovered is derived at aggregation: the share of a point's
// replicates whose indicator recovered within the run. The mean of the
// recovery times is taken over the replicates that recovered only; the
// share says how many those were, with an interval of its own.
const (
	RecoveryTimeSuffix = "_recovery_time"
	RecoveredSuffix    = "_recovered"
)

// AggregateFigures are the figures of aggregate.csv, in its order: each
// run's figures, with <indicator>_recovered after each recovery time.
func AggregateFigures(figures []string) []string {
	var out []string
	for _, f := range figures {
		out = append(out, f)
		if ind, ok := strings.CutSuffix(f, RecoveryTimeSuffix); ok {
			out = append(out, ind+RecoveredSuffix)
		}
	}
	return out
}

// Aggregate summarises the successful runs of each point: for every figure,
// n, mean, standard deviation and the 95% confidence interval of the mean,
// and after each recovery time the share of replicates that recovered
// (resilience.Proportion). Rows are ordered by point, then figure (as
// AggregateFigures). paths are the varied paths.
func Aggregate(rows [][]string, header []string, paths, figures []string) [][]string {
	col := columns(header)
	type group struct {
		values []string
		figs   map[string][]float64
	}
	groups := map[int]*group{}
	for _, r := range inRunOrder(rows, col) {
		if r[col["status"]] != StatusOK {
			continue
		}
		pt, _ := strconv.Atoi(r[col["point"]])
		g := groups[pt]
		if g == nil {
			g = &group{figs: map[string][]float64{}}
			for _, p := range paths {
				g.values = append(g.values, r[col[p]])
			}
			groups[pt] = g
		}
		for _, f := range figures {
			v := math.NaN()
			if s := r[col[f]]; s != "" {
				v, _ = strconv.ParseFloat(s, 64)
			}
			g.figs[f] = append(g.figs[f], v)
		}
	}
	points := make([]int, 0, len(groups))
	for p := range groups {
		points = append(points, p)
	}
	sort.Ints(points)
	var out [][]string
	for _, p := range points {
		g := groups[p]
		for _, f := range AggregateFigures(figures) {
			var s resilience.Summary
			if ind, ok := strings.CutSuffix(f, RecoveredSuffix); ok {
				times := g.figs[ind+RecoveryTimeSuffix]
				recovered := 0
				for _, v := range times {
					if !math.IsNaN(v) {
						recovered++
					}
				}
				s = resilience.Proportion(recovered, len(times))
			} else {
				s = resilience.Summarize(g.figs[f]).Within(FigureBounds(f))
			}
			rec := append([]string{strconv.Itoa(p)}, g.values...)
			rec = append(rec, f, strconv.Itoa(s.N), Cell(s.Mean), Cell(s.SD), Cell(s.CILow), Cell(s.CIHigh))
			out = append(out, rec)
		}
	}
	return out
}

// columns maps runs.csv's column names to their places in header.
func columns(header []string) map[string]int {
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[h] = i
	}
	return col
}

// inRunOrder returns runs.csv's rows sorted by point, then replicate.
// runs.csv holds them in the order the runs finished, which depends on
// the number of workers and their timing, and a sum over them in that
// order would differ from one sweep to the next in its last bits.
func inRunOrder(rows [][]string, col map[string]int) [][]string {
	key := func(r []string) (int, int) {
		pt, _ := strconv.Atoi(r[col["point"]])
		rep, _ := strconv.Atoi(r[col["replicate"]])
		return pt, rep
	}
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b []string) int {
		pa, ra := key(a)
		pb, rb := key(b)
		if pa != pb {
			return pa - pb
		}
		return ra - rb
	})
	return out
}

// Cell is v as an analysis file writes it: the shortest decimal that reads
// back as v, or empty for NaN (a figure undefined there).
func Cell(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// writeTable writes dir/name as CSV, head then rows, through a temporary
// file, so a reader never finds it half-written.
func writeTable(dir, name string, head []string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(head)
	_ = w.WriteAll(rows)
	w.Flush()
	p := filepath.Join(dir, name)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// WriteAnalysis writes dir/name as writeTable does, or, with no rows,
// removes one an earlier analysis left, which would no longer hold.
func WriteAnalysis(dir, name string, head []string, rows [][]string) error {
	if len(rows) > 0 {
		return writeTable(dir, name, head, rows)
	}
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// FigureBounds are the least and the greatest values figure f can take,
// at which the confidence intervals of its means are cut: its indicator's
// for a final value (agents.IndicatorBounds), from 0 up for a resistance,
// a recovery time or a final ratio, ratios of indicators that are never
// below 0, and none for a loss, where gains count below 0, or for a name
// of no figure.
func FigureBounds(f string) (lo, hi float64) {
	if ind, ok := strings.CutPrefix(f, "final_"); ok {
		return agents.IndicatorBounds(ind)
	}
	for _, suffix := range []string{"_resistance", RecoveryTimeSuffix, "_final_ratio"} {
		if ind, ok := strings.CutSuffix(f, suffix); ok {
			if lo, _ := agents.IndicatorBounds(ind); lo == 0 {
				return 0, math.Inf(1)
			}
		}
	}
	return math.Inf(-1), math.Inf(1)
}
