package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ecosim/ecosim/broker"
	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// startBroker runs an embedded NATS server with JetStream on 127.0.0.1,
// on a free port, storing in a temp directory.
func startBroker(t *testing.T) *broker.Server {
	t.Helper()
	s := brokerAt(t, "127.0.0.1:0", t.TempDir())
	t.Cleanup(s.Shutdown)
	return s
}

// brokerAt runs a broker on listen that keeps its streams in store, so a
// test can stop it and start it again on the same port with its streams.
func brokerAt(t *testing.T, listen, store string) *broker.Server {
	t.Helper()
	s, err := broker.Start(broker.Options{Listen: listen, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// coordinate runs a broker sweep's coordinator in the background.
func coordinate(ctx context.Context, p *Prepared, o Options, url string, cfg BrokerConfig) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := RunBrokerWith(ctx, p, o, url, cfg)
		done <- err
	}()
	return done
}

// sweepWithWorker runs p's coordinator and one worker, with its log,
// until the test ends or limit has passed.
func sweepWithWorker(t *testing.T, p *Prepared, dir, url string, cfg BrokerConfig, limit time.Duration) (<-chan error, *logBook) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	done := coordinate(ctx, p, Options{Out: dir}, url, cfg)
	logs := &logBook{}
	workerDone := runWorker(ctx, url, WorkerOptions{Concurrency: 1, Config: cfg, Log: logs.add})
	t.Cleanup(func() { cancel(); <-workerDone })
	return done, logs
}

// runWorker runs one worker in the background until ctx ends; the channel
// closes when it has returned.
func runWorker(ctx context.Context, url string, o WorkerOptions) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := Work(ctx, url, o); err != nil && o.Log != nil {
			// In the log, where a test that waits on it shows it.
			o.Log("worker stopped: " + err.Error())
		}
	}()
	return done
}

// testConfig shortens the ack wait so redelivery happens within a test.
var testConfig = BrokerConfig{AckWait: 2 * time.Second}

// startWorkers runs n workers until the test ends.
func startWorkers(t *testing.T, url string, n int, logs *logBook) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = Work(ctx, url, WorkerOptions{Concurrency: 2, Config: testConfig, Log: logs.add})
		}()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

type logBook struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBook) add(s string) { l.mu.Lock(); l.lines = append(l.lines, s); l.mu.Unlock() }
func (l *logBook) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// await waits, as waitFor does, for a line holding any of subs; on
// timeout it fails with the whole log, which says what happened instead.
func (l *logBook) await(t *testing.T, what string, subs ...string) {
	t.Helper()
	if !eventually(func() bool { return slices.ContainsFunc(subs, l.has) }) {
		t.Fatalf("timed out waiting for %s; the log:\n%s", what, l.text())
	}
}

func (l *logBook) has(sub string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func brokerSweep(t *testing.T, url, dir string) Progress {
	t.Helper()
	p := prepared(t, smallPlan(), topologyBase(t), dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	prog, err := RunBrokerWith(ctx, p, Options{Out: dir}, url, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(dir); err != nil {
		t.Fatal(err)
	}
	return prog
}

// TestBrokerSweepMatchesLocal runs the same sweep through two NATS workers
// and locally: the rows, sorted by key, are byte for byte the same apart
// from wall time.
func TestBrokerSweepMatchesLocal(t *testing.T) {
	s := startBroker(t)
	startWorkers(t, s.URL(), 2, &logBook{})
	remote, local := t.TempDir(), t.TempDir()
	brokerSweep(t, s.URL(), remote)
	if _, err := runSweep(t, context.Background(), smallPlan(), Options{Out: local, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if r, l := rowsByKey(t, remote), rowsByKey(t, local); len(r) != 8 || !slices.Equal(r, l) {
		t.Fatalf("broker rows:\n%s\nlocal rows:\n%s", strings.Join(r, "\n"), strings.Join(l, "\n"))
	}
}

// TestDeadWorkerRunIsRedelivered takes one run off the queue with a worker
// that then dies without acknowledging it; another worker must get it.
// Restarting the coordinator into a new directory then collects every
// result from the stream, with a duplicated result and a malformed message
// on the queue, and still records each run once.
func TestDeadWorkerRunIsRedelivered(t *testing.T) {
	s := startBroker(t)
	dir := t.TempDir()
	p := prepared(t, smallPlan(), topologyBase(t), dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := coordinate(ctx, p, Options{Out: dir}, s.URL(), testConfig)
	held := dieHoldingARun(t, s.URL())
	logs := &logBook{}
	startWorkers(t, s.URL(), 1, logs)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.Finish(dir)
	rows := rowsByKey(t, dir)
	if len(rows) != 8 || !strings.Contains(strings.Join(rows, "\n"), held) {
		t.Fatalf("%d rows; the held run %s must be among them", len(rows), held)
	}
	if !logs.has("run " + held) {
		t.Fatalf("run %s was not redelivered to the live worker", held)
	}

	// Duplicate one result and put garbage on the queue, then collect the
	// same sweep again from the stream into a fresh directory.
	nc, js := jsConn(t, s.URL())
	dup := firstResult(t, js)
	if _, err := js.Publish(context.Background(), dup.Subject(), dup.Data(), jetstream.WithMsgID("another-id")); err != nil {
		t.Fatal(err)
	}
	malformed := make(chan *nats.Msg, 1)
	sub, _ := nc.ChanSubscribe(MalformedSubject, malformed)
	defer sub.Unsubscribe()
	if _, err := js.Publish(context.Background(), runsSubject+buildFingerprint(t)+".garbage", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	again := t.TempDir()
	prog := brokerSweep(t, s.URL(), again)
	if got := rowsByKey(t, again); !slices.Equal(got, rows) || prog.Done != 8 {
		t.Fatalf("collecting again recorded %d runs (%d rows)", prog.Done, len(got))
	}
	select {
	case m := <-malformed:
		if !strings.Contains(string(m.Data), "garbage") {
			t.Fatalf("malformed report %q", m.Data)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the malformed message was not reported")
	}
}

// buildFingerprint is this build's results fingerprint.
func buildFingerprint(t *testing.T) string {
	t.Helper()
	fp, err := ResultsFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func jsConn(t *testing.T, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// dieHoldingARun pulls one run as a worker would, then drops the
// connection without acknowledging it, like a killed process.
func dieHoldingARun(t *testing.T, url string) string {
	t.Helper()
	nc, js := jsConn(t, url)
	ctx := context.Background()
	var cons jetstream.Consumer
	var err error
	for range 100 {
		if cons, err = js.Consumer(ctx, RunsStream, WorkerConsumer+"-"+buildFingerprint(t)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var j job
	if err := json.Unmarshal(msg.Data(), &j); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	return j.Spec.Key
}

func firstResult(t *testing.T, js jetstream.JetStream) jetstream.Msg {
	t.Helper()
	cons, err := js.OrderedConsumer(context.Background(), ResultsStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// TestBrokerRestartMidSweep stops the broker while a sweep is under way and
// starts it again on the same port and file store: the coordinator and the
// worker reconnect, and the sweep ends with every run exactly once.
func TestBrokerRestartMidSweep(t *testing.T) {
	store := t.TempDir()
	first := brokerAt(t, "127.0.0.1:0", store)
	url := first.URL()
	dir := t.TempDir()
	plan := &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.05,0.1,0.15"}}, Reps: 5}
	base, err := scenarios.Load("topology", []string{"ticks=130", "network.nodes=100", "world.width=10", "world.height=10"})
	if err != nil {
		t.Fatal(err)
	}
	p := prepared(t, plan, base, dir)
	done, logs := sweepWithWorker(t, p, dir, url, testConfig, 300*time.Second)
	waitFor(t, "a result before the restart", func() bool { return recorded(dir) >= 1 })
	first.Shutdown()
	atRestart := recorded(dir)
	time.Sleep(300 * time.Millisecond)
	second := brokerAt(t, strings.TrimPrefix(url, "nats://"), store)
	defer second.Shutdown()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.Finish(dir)
	rows := rowsByKey(t, dir)
	keys := map[string]bool{}
	for _, r := range rows {
		keys[r[:strings.IndexByte(r, ',')]] = true
	}
	if len(rows) != 20 || len(keys) != 20 {
		t.Fatalf("%d rows, %d distinct runs after the restart (%d recorded when the broker went down)", len(rows), len(keys), atRestart)
	}
	t.Logf("%d of 20 runs were recorded when the broker stopped", atRestart)
	if !logs.has("lost the broker") || !logs.has("reconnected to nats://127.0.0.1") {
		t.Errorf("the worker did not say it lost the broker and found it again:\n%s", logs.text())
	}
}

// freeAddr is a loopback address nothing listens on: a port the system
// handed out and that was closed again.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !eventually(cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// eventually polls cond every 10 ms for up to a minute and reports whether
// it came true.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// TestWorkerWaitsForItsBroker starts a worker before its broker: it says
// why it cannot connect, keeps trying, and once the broker is up it takes
// the sweep's runs like any worker.
func TestWorkerWaitsForItsBroker(t *testing.T) {
	addr := freeAddr(t)
	logs := &logBook{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Work(ctx, "nats://"+addr, WorkerOptions{Concurrency: 2, Config: testConfig, Log: logs.add})
	}()
	logs.await(t, "the worker to say it cannot reach the broker", "not reachable")
	if !logs.has("nats://" + addr + " not reachable: dial tcp " + addr + ": connect: connection refused; trying again") {
		t.Fatalf("the worker's first words do not say why it waits:\n%s", logs.text())
	}
	time.Sleep(600 * time.Millisecond) // a few tries go by
	if logs.has("pulling runs") {
		t.Fatal("the worker says it pulls runs from a broker that is not there")
	}
	s := brokerAt(t, addr, t.TempDir())
	defer s.Shutdown()
	if prog := brokerSweep(t, s.URL(), t.TempDir()); prog.Done != 8 || prog.Failed != 0 {
		t.Fatalf("progress %+v, want 8 runs done", prog)
	}
	if !logs.has("pulling runs from nats://" + addr) {
		t.Errorf("the worker did not say it connected:\n%s", logs.text())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("a worker stopped while connected returned %v", err)
	}
}

// TestWorkerStopsWaiting: a worker gives up on an absent broker after its
// Wait, or when stopped, and at once on an address waiting cannot mend.
func TestWorkerStopsWaiting(t *testing.T) {
	url := "nats://" + freeAddr(t)
	start := time.Now()
	err := Work(context.Background(), url, WorkerOptions{Wait: 300 * time.Millisecond})
	if !errors.Is(err, nats.ErrNoServers) || !strings.Contains(err.Error(), "connection refused; gave up after 300ms") {
		t.Errorf("Wait 300ms: %v", err)
	}
	if took := time.Since(start); took < 300*time.Millisecond || took > 10*time.Second {
		t.Errorf("Wait 300ms returned after %s", took)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if err := Work(ctx, url, WorkerOptions{}); !errors.Is(err, sim.ErrInterrupted) {
		t.Errorf("stopped while waiting: %v", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logs := &logBook{}
	err = Work(ctx, "nats://127.0.0.1:port", WorkerOptions{Log: logs.add})
	if err == nil || errors.Is(err, sim.ErrInterrupted) || !strings.Contains(err.Error(), `invalid port ":port"`) || logs.has("trying again") {
		t.Errorf("malformed address: %v, logs %q", err, logs.text())
	}
}

func recorded(dir string) int {
	b, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	return max(strings.Count(string(b), "\n")-1, 0)
}

// oneLongRun prepares in dir a sweep of one forest run long enough (about a
// second) for a test to stop its broker while it goes on.
func oneLongRun(t *testing.T, dir string) *Prepared {
	t.Helper()
	base, err := scenarios.Load("forest", []string{"ticks=600", "failures=[]"})
	if err != nil {
		t.Fatal(err)
	}
	return prepared(t, &Plan{Vary: []Vary{{"fungi.fee", "0.05"}}, Reps: 1}, base, dir)
}

// TestResultWaitsOutABrokerRestart stops the broker while a worker's run
// is under way and starts it again only once the run has finished: the
// worker keeps the result until the broker is back and publishes it, so
// the run is not done twice.
func TestResultWaitsOutABrokerRestart(t *testing.T) {
	store := t.TempDir()
	first := brokerAt(t, "127.0.0.1:0", store)
	url := first.URL()
	dir := t.TempDir()
	p := oneLongRun(t, dir)
	// A long ack wait, so the broker does not hand the run to anyone else
	// while the worker cannot send its heartbeats.
	cfg := BrokerConfig{AckWait: time.Minute}
	done, logs := sweepWithWorker(t, p, dir, url, cfg, 90*time.Second)
	logs.await(t, "the run to start", "(point 0, replicate 0)")
	first.Shutdown()
	logs.await(t, "the run to finish with the broker away", "cannot publish its result yet", "handed back")
	second := brokerAt(t, strings.TrimPrefix(url, "nats://"), store)
	defer second.Shutdown()
	if err := <-done; err != nil {
		t.Fatalf("%v; worker's log:\n%s", err, logs.text())
	}
	if recorded(dir) != 1 || !logs.has("result published, the broker is back") || logs.has("handed back") ||
		strings.Count(logs.text(), "(point 0, replicate 0)") != 1 {
		t.Fatalf("%d rows recorded; worker's log:\n%s", recorded(dir), logs.text())
	}
}

// TestStoppedWorkerKeepsItsResult: a worker stopped while it waits to
// publish a finished run's result, the broker away, keeps the result in
// its spool, with the archive of the run's directory, which the sweep
// keeps; a worker started later with that spool publishes both, and the
// sweep records the run, with its directory, without running it again.
func TestStoppedWorkerKeepsItsResult(t *testing.T) {
	store := t.TempDir()
	first := brokerAt(t, "127.0.0.1:0", store)
	url := first.URL()
	dir, spool := t.TempDir(), t.TempDir()
	p := oneLongRun(t, dir)
	// A long ack wait: the run is not handed to the second worker, which
	// would run it again, before the kept result arrives.
	cfg := BrokerConfig{AckWait: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := coordinate(ctx, p, Options{Out: dir, KeepRuns: true}, url, cfg)
	wctx, stop := context.WithCancel(ctx)
	logs := &logBook{}
	stopped := runWorker(wctx, url, WorkerOptions{Concurrency: 1, Config: cfg, Log: logs.add, Spool: spool})
	logs.await(t, "the run to start", "(point 0, replicate 0)")
	first.Shutdown()
	logs.await(t, "the run to finish with the broker away", "cannot publish its result yet")
	stop()
	<-stopped
	kept, _ := filepath.Glob(filepath.Join(spool, "*.json"))
	archives, _ := filepath.Glob(filepath.Join(spool, "*.tar.gz"))
	if len(kept) != 1 || len(archives) != 1 || !logs.has("its result is kept in "+kept[0]) {
		t.Fatalf("kept %v and %v; worker's log:\n%s", kept, archives, logs.text())
	}
	second := brokerAt(t, strings.TrimPrefix(url, "nats://"), store)
	defer second.Shutdown()
	later := &logBook{}
	again := runWorker(ctx, url, WorkerOptions{Concurrency: 1, Config: cfg, Log: later.add, Spool: spool})
	defer func() { cancel(); <-again }()
	if err := <-done; err != nil {
		t.Fatalf("%v; second worker's log:\n%s", err, later.text())
	}
	left, _ := filepath.Glob(filepath.Join(spool, "*"))
	if recorded(dir) != 1 || !later.has("published the result kept in "+kept[0]) || later.has("(point 0, replicate 0)") || len(left) != 0 {
		t.Fatalf("%d rows recorded, %v left in the spool; second worker's log:\n%s", recorded(dir), left, later.text())
	}
	if runs := runFiles(t, dir); !slices.Contains(runs, filepath.Join(p.Runs[0].Key, "metrics.csv")) {
		t.Fatalf("runs/ holds %q, not the run's metrics", runs)
	}
}

// TestBrokerSweepNotesNoWorker: a broker sweep that no worker serves says
// so, once, and carries on when a worker comes.
//
// A worker of another build, whose results fingerprint differs, takes
// none of its runs meanwhile: its numbers would not be this build's.
func TestBrokerSweepNotesNoWorker(t *testing.T) {
	s := startBroker(t)
	dir := t.TempDir()
	p := prepared(t, smallPlan(), topologyBase(t), dir)
	notes := &logBook{}
	cfg := testConfig
	cfg.IdleCheck = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	other := &logBook{}
	otherDone := runWorker(ctx, s.URL(), WorkerOptions{Concurrency: 2, Config: cfg, Log: other.add, fingerprint: "0123456789ab"})
	defer func() { cancel(); <-otherDone }()
	other.await(t, "the other build's worker", "pulling runs")
	done := coordinate(ctx, p, Options{Out: dir, Note: notes.add}, s.URL(), cfg)
	notes.await(t, "the note that no worker serves the sweep", "no worker is taking runs")
	fp := buildFingerprint(t)
	want := "no worker is taking runs from " + s.URL() + "; start one with: ecosim worker --broker " + s.URL() +
		" (of a build with results fingerprint " + fp + ", as 'ecosim version' shows: a worker of another build takes none)"
	if got := notes.text(); got != want {
		t.Fatalf("note %q, want %q", got, want)
	}
	startWorkers(t, s.URL(), 1, &logBook{})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if recorded(dir) != 8 || strings.Count(notes.text(), "no worker") != 1 {
		t.Errorf("%d runs recorded; notes:\n%s", recorded(dir), notes.text())
	}
	if !other.has("for sweeps of results fingerprint 0123456789ab") || other.has("(point ") {
		t.Errorf("the other build's worker:\n%s", other.text())
	}
}

// TestIdleWorkerLeaves: a worker told to leave once idle serves a whole
// sweep, then, with no run for its idle time, returns by itself, after
// its last run, saying what its runs shared.
func TestIdleWorkerLeaves(t *testing.T) {
	s := startBroker(t)
	dir := t.TempDir()
	p := prepared(t, smallPlan(), topologyBase(t), dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	logs := &logBook{}
	left := runWorker(ctx, s.URL(), WorkerOptions{Concurrency: 2, Config: testConfig, Log: logs.add, IdleExit: 1500 * time.Millisecond})
	logs.await(t, "the worker", "pulling runs")
	if _, err := RunBrokerWith(ctx, p, Options{Out: dir}, s.URL(), testConfig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-left:
	case <-time.After(10 * time.Second):
		t.Fatalf("the idle worker did not leave; its log:\n%s", logs.text())
	}
	lines := strings.Split(logs.text(), "\n")
	if recorded(dir) != 8 || len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "no run for 1.5s; exiting (--idle-exit)") ||
		!strings.HasSuffix(lines[len(lines)-1], "4 controls run, shared by 8 runs; 8 runs carried on from their control's state before their first failure") ||
		strings.Count(logs.text(), " ok in ") != 8 {
		t.Fatalf("%d runs recorded; the worker's log:\n%s", recorded(dir), logs.text())
	}
}

// TestIdleClock: a worker with a run is never idle, however long ago its
// last run ended; one without is idle once its last run is d old.
func TestIdleClock(t *testing.T) {
	const d = 40 * time.Millisecond
	exited := func(c *idleClock, within time.Duration) bool {
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		done := make(chan struct{})
		go c.watch(ctx, d, func() { close(done) })
		select {
		case <-done:
			return true
		case <-ctx.Done():
			return false
		}
	}
	busy := &idleClock{}
	busy.busy.Store(1)
	busy.last.Store(time.Now().Add(-time.Hour).UnixNano())
	if exited(busy, 10*d) {
		t.Error("a worker with a run in hand was taken for idle")
	}
	fresh := &idleClock{}
	// Its last run ended "an hour from now", so the test does not race
	// the clock: the worker is not idle for an hour yet.
	fresh.last.Store(time.Now().Add(time.Hour).UnixNano())
	if exited(fresh, 10*d) {
		t.Error("a worker whose last run just ended was taken for idle")
	}
	idle := &idleClock{}
	idle.last.Store(time.Now().Add(-d).UnixNano())
	if !exited(idle, 100*d) {
		t.Error("an idle worker was not let go")
	}
}
