package sweep

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestBrokerStatus: a sweep of this build waits with its 8 runs queued
// while a worker of another build pulls for runs of its own, and a run
// queued before fingerprints waits for nobody; the status shows the three
// queues, each with what it holds, and the results of a sweep collected
// before.
func TestBrokerStatus(t *testing.T) {
	s := startBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	empty, err := Status(ctx, s.URL(), Auth{})
	if err != nil || len(empty.Queues) != 0 || empty.Results != 0 {
		t.Fatalf("a new broker: %+v, %v", empty, err)
	}

	// One sweep run to the end: its results stay on the broker.
	startWorkersUntil := func(ctx context.Context, fp string, logs *logBook) <-chan struct{} {
		return runWorker(ctx, s.URL(), WorkerOptions{Concurrency: 2, Config: testConfig, Log: logs.add, fingerprint: fp})
	}
	wctx, stop := context.WithCancel(ctx)
	done := startWorkersUntil(wctx, "", &logBook{})
	brokerSweep(t, s.URL(), t.TempDir())
	stop()
	<-done

	other := &logBook{}
	otherDone := startWorkersUntil(ctx, "0123456789ab", other)
	defer func() { cancel(); <-otherDone }()
	other.await(t, "the other build's worker", "pulling runs")
	dir := t.TempDir()
	p := prepared(t, &Plan{Vary: []Vary{{"failures[0].fraction", "0,0.1,0.2,0.3"}}, Reps: 2}, topologyBase(t), dir)
	coordinate(ctx, p, Options{Out: dir}, s.URL(), testConfig)
	// A run queued before fingerprints, which no worker takes.
	_, js := jsConn(t, s.URL())
	if _, err := js.Publish(ctx, runsSubject+"0ld5weep0000", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	fp := buildFingerprint(t)
	var st *BrokerStatus
	var mine, theirs, old QueueStatus
	waitFor(t, "the runs queued", func() bool {
		if st, err = Status(ctx, s.URL(), Auth{}); err != nil || len(st.Queues) != 3 {
			return false
		}
		for _, q := range st.Queues {
			switch q.Fingerprint {
			case fp:
				mine = q
			case "0123456789ab":
				theirs = q
			case "":
				old = q
			}
		}
		return mine.Queued == 8 && theirs.Idle > 0
	})
	if mine.Sweeps != 1 || mine.Running != 0 || mine.Idle != 0 {
		t.Errorf("this build's queue: %+v", mine)
	}
	// The worker's two pulls each wait a second, then ask again.
	if theirs.Queued != 0 || theirs.Sweeps != 0 || theirs.Running != 0 || theirs.Idle > 2 {
		t.Errorf("the other build's queue: %+v", theirs)
	}
	if old.Queued != 1 || old.Sweeps != 1 || old.Idle != 0 {
		t.Errorf("the queue from before fingerprints: %+v", old)
	}
	if st.Results != 8 || st.ResultSweeps != 1 {
		t.Errorf("results: %d over %d sweeps, want the first sweep's 8 over 1", st.Results, st.ResultSweeps)
	}
}

// guardedServer runs a NATS server with JetStream on 127.0.0.1 that asks
// for what opts says, until the test ends, and returns its host:port.
func guardedServer(t *testing.T, opts *server.Options) string {
	t.Helper()
	opts.Host, opts.Port, opts.JetStream, opts.StoreDir, opts.NoSigs = "127.0.0.1", server.RANDOM_PORT, true, t.TempDir(), true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("server did not start")
	}
	t.Cleanup(ns.Shutdown)
	return strings.TrimPrefix(ns.ClientURL(), "nats://")
}

// TestBrokerWithPassword: a NATS deployment that asks for a user and
// password is reached with them in the URL, as the README says, and
// refused without.
func TestBrokerWithPassword(t *testing.T) {
	host := guardedServer(t, &server.Options{Username: "ecosim", Password: "s3cret"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := Status(ctx, "nats://ecosim:s3cret@"+host, Auth{}); err != nil {
		t.Fatalf("with the password in the URL: %v", err)
	}
	if _, err := Status(ctx, "nats://"+host, Auth{}); err == nil || !strings.Contains(err.Error(), "Authorization Violation") {
		t.Fatalf("without it: %v", err)
	}
	// A worker's log, which others may read, keeps the password out.
	logs := &logBook{}
	wctx, stop := context.WithCancel(ctx)
	done := runWorker(wctx, "nats://ecosim:s3cret@"+host, WorkerOptions{Concurrency: 1, Config: testConfig, Log: logs.add})
	logs.await(t, "the worker", "pulling runs from nats://ecosim:xxxxx@"+host)
	stop()
	<-done
	if strings.Contains(logs.text(), "s3cret") {
		t.Fatalf("the password is in the worker's log:\n%s", logs.text())
	}
}

// TestBrokerWithToken: a deployment that asks for a token is reached with
// it in the URL.
func TestBrokerWithToken(t *testing.T) {
	host := guardedServer(t, &server.Options{Authorization: "t0ken"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := Status(ctx, "nats://t0ken@"+host, Auth{}); err != nil {
		t.Fatalf("with the token in the URL: %v", err)
	}
	if _, err := Status(ctx, "nats://"+host, Auth{}); err == nil {
		t.Fatal("without it: no error")
	}
}

// TestRedacted: passwords and tokens are hidden in every address of a
// list; addresses without them are as given.
func TestRedacted(t *testing.T) {
	for in, want := range map[string]string{
		"nats://10.0.0.5:4222":                       "nats://10.0.0.5:4222",
		"nats://ecosim:s3cret@10.0.0.5:4222":         "nats://ecosim:xxxxx@10.0.0.5:4222",
		"tls://t0ken@broker:4222":                    "tls://xxxxx@broker:4222",
		"nats://a:b@h1:4222,nats://h2:4222":          "nats://a:xxxxx@h1:4222,nats://h2:4222",
		"10.0.0.5:4222":                              "10.0.0.5:4222",
		"nats://u:p%40ss@h:4222, nats://v:w@h2:4222": "nats://u:xxxxx@h:4222,nats://v:xxxxx@h2:4222",
	} {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLegacyConsumerIsReplaced: a broker store from before fingerprints
// has one unfiltered consumer for every run, which a fingerprint's own
// consumer would overlap on the work queue; ensureStreams takes it away
// and makes the fingerprint's, as the README says.
func TestLegacyConsumerIsReplaced(t *testing.T) {
	s := startBroker(t)
	_, js := jsConn(t, s.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: RunsStream, Subjects: []string{runsSubject + ">"},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, Duplicates: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, RunsStream, jetstream.ConsumerConfig{Durable: WorkerConsumer, AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
		t.Fatal(err)
	}
	if _, err := ensureStreams(ctx, js, testConfig, "0123456789ab"); err != nil {
		t.Fatalf("with the old consumer there: %v", err)
	}
	if _, err := js.Consumer(ctx, RunsStream, WorkerConsumer); !errors.Is(err, jetstream.ErrConsumerNotFound) {
		t.Fatalf("the old consumer: %v", err)
	}
	if _, err := js.Consumer(ctx, RunsStream, WorkerConsumer+"-0123456789ab"); err != nil {
		t.Fatalf("the fingerprint's consumer: %v", err)
	}
}

// TestStreamsUpdatedOnlyWhenChanged: a coordinator and its workers each
// make sure of the streams as they start, and a worker opens the store of
// run directories for every run it keeps. Where a stream or the store is
// there with the configuration they want, it must be left alone: an
// update, even to the same configuration, rewrites the stream's store
// settings in the broker, which nats-server does unguarded against a
// consumer being made on the stream by another client at that moment (a
// data race inside the broker). The broker announces every update on an
// advisory subject, so starting again must announce none; what another
// version left with another configuration must still be brought to this
// one's.
func TestStreamsUpdatedOnlyWhenChanged(t *testing.T) {
	s := startBroker(t)
	nc, js := jsConn(t, s.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	updates, err := nc.SubscribeSync("$JS.EVENT.ADVISORY.STREAM.UPDATED.>")
	if err != nil {
		t.Fatal(err)
	}
	// Older configurations: a shorter window for second copies of results,
	// and run directories kept for a day.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: ResultsStream, Subjects: []string{resultsSubject + ">"},
		Storage: jetstream.FileStorage, MaxAge: 7 * 24 * time.Hour, Duplicates: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: RunDirsBucket, TTL: 24 * time.Hour,
		Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	start := func(fp string) {
		t.Helper()
		if _, err := ensureStreams(ctx, js, testConfig, fp); err != nil {
			t.Fatalf("start for %s: %v", fp, err)
		}
		if _, err := runDirs(ctx, js); err != nil {
			t.Fatalf("run directories for %s: %v", fp, err)
		}
	}
	start("0123456789ab")
	got := map[string]bool{}
	for range 2 {
		m, err := updates.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("older configurations not updated (updated so far: %v): %v", got, err)
		}
		got[m.Subject[strings.LastIndex(m.Subject, ".")+1:]] = true
	}
	if obj := "OBJ_" + RunDirsBucket; !got[ResultsStream] || !got[obj] {
		t.Fatalf("first start updated %v, want %s and %s", got, ResultsStream, obj)
	}
	st, err := js.Stream(ctx, ResultsStream)
	if err != nil {
		t.Fatal(err)
	}
	if d := st.CachedInfo().Config.Duplicates; d != 2*time.Hour {
		t.Fatalf("results stream's duplicates window %v after the update, want 2h", d)
	}
	obs, err := js.ObjectStore(ctx, RunDirsBucket)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := obs.Status(ctx); err != nil || st.TTL() != runDirsTTL {
		t.Fatalf("run directories' TTL after the update: %v, %v; want %v", st, err, runDirsTTL)
	}
	// Starts that find everything as they want it: no update at all.
	for _, fp := range []string{"0123456789ab", "ba9876543210"} {
		start(fp)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	if m, err := updates.NextMsg(time.Second); err == nil {
		t.Fatalf("a start that found everything as it should be updated %s", m.Subject)
	} else if !errors.Is(err, nats.ErrTimeout) {
		t.Fatal(err)
	}
}
