package sweep

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// TestBrokerSweepKeepsRuns runs a sweep with --keep-runs through two
// workers and locally: the broker sweep's runs/ holds the same runs, and
// each run's files are byte for byte the local run's (but for the summary,
// which has the run's wall time). The same sweep without --keep-runs ran on
// the broker first: its results, which have no directories, are not taken
// for the kept sweep's. Every archive is gone from the broker once fetched.
func TestBrokerSweepKeepsRuns(t *testing.T) {
	s := startBroker(t)
	startWorkers(t, s.URL(), 2, &logBook{})
	brokerSweep(t, s.URL(), t.TempDir())
	remote, local := t.TempDir(), t.TempDir()
	p := prepared(t, smallPlan(), topologyBase(t), remote)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var notes []string
	o := Options{Out: remote, KeepRuns: true, Note: func(s string) { notes = append(notes, s) }}
	if _, err := RunBrokerWith(ctx, p, o, s.URL(), testConfig); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(remote); err != nil {
		t.Fatal(err)
	}
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: local, Workers: 2, KeepRuns: true}); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes: %q", notes)
	}
	want, got := runFiles(t, local), runFiles(t, remote)
	if len(want) < 8*5 || !slices.Equal(got, want) {
		t.Fatalf("kept files differ:\nbroker %q\nlocal  %q", got, want)
	}
	compared := 0
	for _, f := range want {
		if filepath.Base(f) == "summary.json" {
			continue
		}
		a, _ := os.ReadFile(filepath.Join(local, "runs", f))
		b, _ := os.ReadFile(filepath.Join(remote, "runs", f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes on the broker sweep, %d here, not the same", f, len(b), len(a))
		}
		compared += len(a)
	}
	if compared < 8*10_000 {
		t.Errorf("only %d bytes of series and events compared", compared)
	}
	_, js := jsConn(t, s.URL())
	dirs, err := js.ObjectStore(ctx, RunDirsBucket)
	if err != nil {
		t.Fatal(err)
	}
	if left, err := dirs.List(ctx); !errors.Is(err, jetstream.ErrNoObjectsFound) {
		t.Errorf("archives left on the broker: %d (%v)", len(left), err)
	}
}

// runFiles lists the files under dir/runs, relative to it, sorted.
func runFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(dir, "runs")
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestRunArchiveRoundTrip packs a directory with a subdirectory and
// unpacks it elsewhere: the same files, the same bytes.
func TestRunArchiveRoundTrip(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "runs")
	files := map[string]string{"metrics.csv": "tick,x\n0,1\n", "control/metrics.csv": "tick,x\n0,2\n", "empty.txt": ""}
	for name, body := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	archive := filepath.Join(t.TempDir(), "run.tar.gz")
	if err := packRun(src, archive); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unpackRun(f, dst); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		b, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || string(b) != body {
			t.Errorf("%s: %q, %v; want %q", name, b, err, body)
		}
	}
	if got := runFiles(t, filepath.Dir(dst)); len(got) != len(files) {
		t.Errorf("unpacked %q, want %d files", got, len(files))
	}
}

// TestUnpackRefusesForeignArchives: an entry that climbs out of the run's
// directory, a link, or bytes that are no gzipped tar are refused, and
// nothing is written outside the directory.
func TestUnpackRefusesForeignArchives(t *testing.T) {
	entry := func(h *tar.Header, body string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
		tw.Close()
		zw.Close()
		return buf.Bytes()
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"climbs out", entry(&tar.Header{Name: "../escaped.csv", Typeflag: tar.TypeReg, Mode: 0o644}, "x"), "outside the run's directory"},
		{"absolute", entry(&tar.Header{Name: "/tmp/escaped.csv", Typeflag: tar.TypeReg, Mode: 0o644}, "x"), "outside the run's directory"},
		{"link", entry(&tar.Header{Name: "metrics.csv", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}, ""), "not a file or a directory"},
		{"not gzip", []byte("tick,x\n0,1\n"), "not a run directory's archive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			parent := t.TempDir()
			err := unpackRun(bytes.NewReader(c.data), filepath.Join(parent, "run"))
			if !errors.Is(err, errBadArchive) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(filepath.Join(parent, "escaped.csv")); err == nil {
				t.Fatal("an entry was written outside the run's directory")
			}
		})
	}
}

// TestMissingArchiveIsANote: a result that says its run was kept, with no
// archive on the broker, is recorded with a note naming the run, and no
// directory appears.
func TestMissingArchiveIsANote(t *testing.T) {
	s := startBroker(t)
	_, js := jsConn(t, s.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dirs, err := runDirs(ctx, js)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var notes []string
	o := Options{Out: out, Note: func(s string) { notes = append(notes, s) }}
	res := result{Sweep: "abc", Spec: RunSpec{Key: "k1"}, Status: StatusOK, Kept: true}
	if err := fetchKept(ctx, js, dirs, o, res); err != nil {
		t.Fatalf("a missing archive stopped the sweep: %v", err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "run k1: its directory is no longer on the broker") {
		t.Fatalf("notes: %q", notes)
	}
	if entries, _ := os.ReadDir(filepath.Join(out, "runs")); len(entries) != 0 {
		t.Fatalf("runs/ holds %d entries", len(entries))
	}
}

// TestResultOutlivesItsArchive: a spooled result whose archive is gone
// (removed by hand, say) is still published, not offered again forever:
// its run's figures count, and the coordinator notes the directory
// missing (TestMissingArchiveIsANote).
func TestResultOutlivesItsArchive(t *testing.T) {
	s := startBroker(t)
	_, js := jsConn(t, s.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := ensureStreams(ctx, js, testConfig, buildFingerprint(t)); err != nil {
		t.Fatal(err)
	}
	sp := spooled{Subject: resultsSubject + "abc", MsgID: "abc.k1", Data: []byte(`{"sweep":"abc"}`), Archive: filepath.Join(t.TempDir(), "gone.tar.gz")}
	if err := offer(ctx, js, &sp); err != nil {
		t.Fatalf("offer: %v", err)
	}
	if msg := firstResult(t, js); string(msg.Data()) != `{"sweep":"abc"}` {
		t.Fatalf("published %q", msg.Data())
	}
}

// TestWorkerThatCannotKeepSaysWhy: a worker that cannot make the temporary
// directory a kept run is written to still runs it; the result says why
// its directory is not kept, the coordinator notes that, and records the
// run's figures.
func TestWorkerThatCannotKeepSaysWhy(t *testing.T) {
	s := startBroker(t)
	dir := t.TempDir()
	p := prepared(t, &Plan{Vary: []Vary{{"failures[0].fraction", "0.1"}}, Reps: 1}, topologyBase(t), dir)
	t.Setenv("TMPDIR", filepath.Join(dir, "no", "such", "place"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	worker := runWorker(ctx, s.URL(), WorkerOptions{Concurrency: 1, Config: testConfig})
	defer func() { cancel(); <-worker }()
	var notes []string
	o := Options{Out: dir, KeepRuns: true, Note: func(s string) { notes = append(notes, s) }}
	if _, err := RunBrokerWith(ctx, p, o, s.URL(), testConfig); err != nil {
		t.Fatal(err)
	}
	if recorded(dir) != 1 || len(notes) != 1 || !strings.Contains(notes[0], "its worker could not keep its directory (") ||
		!strings.Contains(notes[0], "no such file or directory") {
		t.Fatalf("%d runs recorded; notes %q", recorded(dir), notes)
	}
}
