package sweep

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ecosim/ecosim/internal/atomicfile"
	"github.com/ecosim/ecosim/runner"
	"github.com/ecosim/ecosim/sim"
)

// JetStream names. The work queue holds run specs; the results stream
// holds one result per run (duplicates within the window are dropped by
// message ID, and the store keeps a key once anyway). Runs are queued under
// their coordinator's results fingerprint (ecosim.runs.<fingerprint>.<sweep>),
// and the workers of each fingerprint share one durable consumer,
// WorkerConsumer-<fingerprint>, that sees those runs only.
const (
	RunsStream     = "ECOSIM_RUNS"
	ResultsStream  = "ECOSIM_RESULTS"
	WorkerConsumer = "ecosim-workers"
	runsSubject    = "ecosim.runs."
	resultsSubject = "ecosim.results."
	// MalformedSubject is where workers report messages they cannot read.
	MalformedSubject = "ecosim.malformed"
)

// BrokerConfig tunes the JetStream objects; tests shorten AckWait.
type BrokerConfig struct {
	// AckWait is how long a run may go without a heartbeat before the
	// server hands it to another worker.
	AckWait time.Duration
	// IdleCheck is how often the coordinator looks for a worker taking
	// runs; after idleChecks looks in a row find none while runs wait, it
	// says so (Options.Note).
	IdleCheck time.Duration
	// Auth is what the coordinator or worker shows the broker.
	Auth Auth
}

// idleChecks is how many looks in a row must find no worker before the
// coordinator says so: a worker between two runs is briefly not pulling.
const idleChecks = 3

func (c BrokerConfig) withDefaults() BrokerConfig {
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.IdleCheck <= 0 {
		c.IdleCheck = 10 * time.Second
	}
	return c
}

// job is a run spec on the queue, with the sweep it belongs to.
type job struct {
	Sweep string  `json:"sweep"`
	Spec  RunSpec `json:"spec"`
	// Keep asks the worker to leave the run's directory in RunDirsBucket.
	Keep bool `json:"keep,omitempty"`
}

// result is a finished run on the results stream: only ids and summary
// figures, never per-tick series. A run kept on request has its directory
// in RunDirsBucket under the result's message ID (Kept), or says why not.
type result struct {
	Sweep     string             `json:"sweep"`
	Spec      RunSpec            `json:"spec"`
	Status    string             `json:"status"`
	Error     string             `json:"error,omitempty"`
	Wall      float64            `json:"wall"`
	Figures   map[string]float64 `json:"figures"`
	Kept      bool               `json:"kept,omitempty"`
	KeepError string             `json:"keep_error,omitempty"`
}

// SweepID names a sweep on the broker, followed there by the results
// fingerprint of its coordinator (and "-kept" where it keeps its runs): the
// same sweep restarted reuses its subjects and so finds the results
// already there.
func SweepID(m *Manifest) string {
	b, _ := json.Marshal([]any{m.ScenarioDigest, m.Seed, m.Plan, m.Figures})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:6])
}

// runID names run key of sweep on the broker: the message ID of its job
// and of its result, which keeps second copies off the streams, and the
// name of its directory's archive in RunDirsBucket.
func runID(sweep, key string) string { return sweep + "." + key }

// ensureStreams makes the streams (ensureStream: updated only where their
// configuration differs) and creates or updates the consumer of the
// workers of fingerprint fp.
func ensureStreams(ctx context.Context, js jetstream.JetStream, cfg BrokerConfig, fp string) (jetstream.Consumer, error) {
	cfg = cfg.withDefaults()
	if err := ensureStream(ctx, js, jetstream.StreamConfig{Name: RunsStream, Subjects: []string{runsSubject + ">"},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, Duplicates: 2 * time.Hour}); err != nil {
		return nil, err
	}
	if err := ensureStream(ctx, js, jetstream.StreamConfig{Name: ResultsStream, Subjects: []string{resultsSubject + ">"},
		Storage: jetstream.FileStorage, MaxAge: 7 * 24 * time.Hour, Duplicates: 2 * time.Hour}); err != nil {
		return nil, err
	}
	// A broker store from before fingerprints has one consumer for every
	// run, which would overlap the fingerprints' own on the work queue.
	if err := js.DeleteConsumer(ctx, RunsStream, WorkerConsumer); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("sweep: consumer %s: %w", WorkerConsumer, err)
	}
	name := WorkerConsumer + "-" + fp
	cons, err := js.CreateOrUpdateConsumer(ctx, RunsStream, jetstream.ConsumerConfig{Durable: name, FilterSubject: runsSubject + fp + ".>",
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: cfg.AckWait, MaxDeliver: -1})
	if err != nil {
		return nil, fmt.Errorf("sweep: consumer %s: %w", name, err)
	}
	return cons, nil
}

// ensureStream makes stream sc, or updates it where it is there with
// another configuration (makeOrUpdate).
func ensureStream(ctx context.Context, js jetstream.JetStream, sc jetstream.StreamConfig) error {
	if _, err := makeOrUpdate(ctx, sc, js.CreateStream, js.UpdateStream, jetstream.ErrStreamNameAlreadyInUse); err != nil {
		return fmt.Errorf("sweep: stream %s: %w", sc.Name, err)
	}
	return nil
}

// makeOrUpdate makes a stream, or a store built on one, with create, and
// only where create reports it there with another configuration (exists)
// updates it to cfg. Made again with the configuration it has, a stream
// is left as it is; updated, even to the same configuration, the broker
// rewrites its store's settings, and nats-server v2.15 does that
// unguarded against a consumer being made on the same stream at that
// moment. A coordinator and a worker starting together did just that, and
// the race detector stopped a test on it inside the broker.
func makeOrUpdate[C, T any](ctx context.Context, cfg C, create, update func(context.Context, C) (T, error), exists error) (T, error) {
	v, err := create(ctx, cfg)
	if errors.Is(err, exists) {
		v, err = update(ctx, cfg)
	}
	return v, err
}

func connect(url, name string, a Auth, opts ...nats.Option) (*nats.Conn, jetstream.JetStream, error) {
	if err := a.Check(); err != nil {
		return nil, nil, err
	}
	opts = append(append([]nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(500 * time.Millisecond)}, a.options()...), opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		if unreachable(err) {
			return nil, nil, newUnreachable(url, err)
		}
		return nil, nil, fmt.Errorf("sweep: broker %s: %w%s", Redacted(url), err, refusalHint(err, a))
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// refusalHint is what a user can do about a broker that refused the
// connection with err, in words for the end of its message; "" where it
// has nothing to add.
func refusalHint(err error, a Auth) string {
	var unknown x509.UnknownAuthorityError
	msg := err.Error()
	// TLS 1.3 finishes the client's side of the handshake before the
	// server checks its certificate, so a refusal comes as the server's
	// alert or only as the connection closed.
	refused := strings.Contains(msg, "remote error: tls:") || strings.Contains(msg, "closed by remote after TLS handshake")
	switch {
	case errors.As(err, &unknown):
		return " (if its certificate is of your own authority, name that authority's certificate with --tls-ca, or in SSL_CERT_FILE)"
	case refused && a.Cert == "":
		return " (if the broker asks for a client certificate, give one with --tls-cert and --tls-key)"
	case refused:
		return fmt.Sprintf(" (if the broker refused the client certificate %s: is it signed by the authority the broker asks for, and still valid?)", a.Cert)
	case errors.Is(err, nats.ErrSecureConnWanted) && (a.CA != "" || a.Cert != ""):
		// The flags default to the nats tool's variables, which a
		// machine may have set for another deployment.
		return fmt.Sprintf(" (a certificate authority or client certificate asks for TLS, which this broker does not offer; given %s, from the flags or from $%s, $%s and $%s)",
			strings.TrimSpace(Auth{CA: a.CA, Cert: a.Cert, Key: a.Key}.flags()), AuthEnv.CA, AuthEnv.Cert, AuthEnv.Key)
	case errors.Is(err, nats.ErrAuthorization) && !a.Set():
		return " (the broker asks who you are: a user and password or a token in the URL, or a credentials file with --creds)"
	}
	return ""
}

// CheckBroker connects to the broker at url and lets go, so that a sweep
// can find a wrong address before it writes anything.
func CheckBroker(url string, a Auth) error {
	nc, _, err := connect(url, "ecosim sweep", a)
	if err != nil {
		return err
	}
	nc.Close()
	return nil
}

// RunBrokerWith publishes the pending runs to the work queue of the broker
// at url and records the results as workers publish them, until every run
// is recorded; cfg says how the client shows itself and tunes JetStream.
// Runs are published with their key as message ID, so a restarted
// coordinator does not queue them twice; results already on the results
// stream (from before a restart) are collected first.
func RunBrokerWith(ctx context.Context, p *Prepared, o Options, url string, cfg BrokerConfig) (Progress, error) {
	fp := p.Manifest.ResultsFingerprint // Prepare's, this build's unless a test's
	nc, js, err := connect(url, "ecosim sweep", cfg.Auth)
	if err != nil {
		return Progress{}, err
	}
	defer nc.Close()
	workers, err := ensureStreams(ctx, js, cfg, fp)
	if err != nil {
		return Progress{}, err
	}
	var dirs jetstream.ObjectStore
	if o.KeepRuns {
		if dirs, err = runDirs(ctx, js); err != nil {
			return Progress{}, err
		}
	}
	// The fingerprint is in the sweep's name too, so a coordinator of
	// another build does not collect results this build's workers made.
	id := SweepID(p.Manifest) + "-" + fp
	if o.KeepRuns {
		// Its own subjects: results collected by the same sweep without
		// --keep-runs, which came without directories, are not this
		// sweep's, and a rerun that asks for the directories runs again.
		id += "-kept"
	}
	pending := p.Pending()
	prog := Progress{Total: len(p.Runs), Skipped: len(p.Runs) - len(pending)}
	for _, spec := range pending {
		b, _ := json.Marshal(job{Sweep: id, Spec: spec, Keep: o.KeepRuns})
		if _, err := js.Publish(ctx, runsSubject+fp+"."+id, b, jetstream.WithMsgID(runID(id, spec.Key))); err != nil {
			return prog, fmt.Errorf("sweep: queue run %s: %w", spec.Key, err)
		}
	}
	want := map[string]bool{}
	for _, r := range pending {
		want[r.Key] = true
	}
	shown := Redacted(url)
	watch := &idleWatch{workers: workers, every: cfg.withDefaults().IdleCheck, last: time.Now(), note: o.Note,
		hint: fmt.Sprintf("no worker is taking runs from %s; start one with: ecosim worker --broker %s%s (of a build with results fingerprint %s, as 'ecosim version' shows: a worker of another build takes none)", shown, shown, cfg.Auth.flags(), fp)}
	return collect(ctx, js, p, o, id, want, prog, watch, dirs)
}

// idleWatch notices a broker sweep that no worker serves: the coordinator
// would otherwise wait without a word, its bar standing still.
type idleWatch struct {
	workers jetstream.Consumer
	every   time.Duration
	last    time.Time
	idle    int
	noted   bool
	note    func(string)
	hint    string
}

// look checks, once an interval has passed, whether runs wait on the
// queue with no worker pulling or holding one.
func (w *idleWatch) look(ctx context.Context) {
	if w.note == nil || time.Since(w.last) < w.every {
		return
	}
	w.last = time.Now()
	try, stop := context.WithTimeout(ctx, publishWait) // as in collect
	info, err := w.workers.Info(try)
	stop()
	if err != nil {
		return // the broker is away; that is reported elsewhere
	}
	if info.NumWaiting > 0 || info.NumAckPending > 0 || info.NumPending == 0 {
		w.idle = 0
		return
	}
	if w.idle++; w.idle >= idleChecks && !w.noted {
		w.note(w.hint)
		w.noted = true
	}
}

// progressed is called when a result arrives: a later stall is noted again.
func (w *idleWatch) progressed() { w.idle, w.noted = 0, false }

// collect reads the sweep's results stream from the start until every
// wanted key is recorded. When the broker goes away it waits for it to come
// back and reads the stream again from the start: results already recorded
// are skipped by key, so nothing is lost or counted twice. With dirs (a
// sweep keeping its runs) each kept run's directory is unpacked before its
// row is recorded, so a recorded run has its directory unless a note said
// why not.
func collect(ctx context.Context, js jetstream.JetStream, p *Prepared, o Options, id string, want map[string]bool, prog Progress, watch *idleWatch, dirs jetstream.ObjectStore) (Progress, error) {
	var cons jetstream.Consumer
	for len(want) > 0 {
		watch.look(ctx)
		if ctx.Err() != nil {
			return prog, fmt.Errorf("%w: %d runs still queued on the broker; rerun the sweep to collect them", sim.ErrInterrupted, len(want))
		}
		if cons == nil {
			// Each try has its own time limit: a request made as the
			// connection drops is never answered, and would otherwise
			// hold the sweep until ctx's own deadline, if it has one.
			try, stop := context.WithTimeout(ctx, publishWait)
			c, err := js.OrderedConsumer(try, ResultsStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{resultsSubject + id}})
			stop()
			if err != nil {
				time.Sleep(250 * time.Millisecond) // the broker is away; try again
				continue
			}
			cons = c
		}
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoHeartbeat) {
			continue
		}
		if err != nil {
			cons = nil
			time.Sleep(250 * time.Millisecond)
			continue
		}
		var res result
		if err := json.Unmarshal(msg.Data(), &res); err != nil || res.Spec.Key == "" {
			continue // not ours to judge; the worker that sent it logged it
		}
		if !want[res.Spec.Key] {
			continue // a duplicate, or a run recorded before
		}
		if dirs != nil && res.Status == StatusOK && !res.Kept {
			note(o, fmt.Sprintf("run %s: its worker could not keep its directory (%s); its figures are recorded", res.Spec.Key, res.KeepError))
		}
		if dirs != nil && res.Kept {
			if err := fetchKept(ctx, js, dirs, o, res); err != nil {
				cons = nil // the broker went away: read the result again once it is back
				time.Sleep(250 * time.Millisecond)
				continue
			}
		}
		row := Row{Spec: res.Spec, Status: res.Status, Error: res.Error, Wall: res.Wall, Figures: res.Figures}
		if row.Figures == nil {
			row.Figures = map[string]float64{}
		}
		if _, err := p.Store.Add(row); err != nil {
			return prog, err
		}
		delete(want, res.Spec.Key)
		if res.Kept && dirs != nil {
			// Fetched and recorded: nobody needs the archive again.
			try, stop := context.WithTimeout(ctx, publishWait)
			_ = dirs.Delete(try, runID(res.Sweep, res.Spec.Key))
			stop()
		}
		watch.progressed()
		prog.Done++
		if row.Status != StatusOK {
			prog.Failed++
		}
		if o.Progress != nil {
			o.Progress(prog)
		}
	}
	return prog, nil
}

// fetchWait bounds one fetch of a kept run's directory, which may be tens
// of megabytes.
const fetchWait = 2 * time.Minute

// fetchKept unpacks res's run directory under o.Out/runs. It returns an
// error only when the broker went away meanwhile, so the result must be
// read again; an archive that is missing or cannot be read is a note, and
// the run's figures are recorded without it.
func fetchKept(ctx context.Context, js jetstream.JetStream, dirs jetstream.ObjectStore, o Options, res result) error {
	try, stop := context.WithTimeout(ctx, fetchWait)
	err := fetchRun(try, dirs, runID(res.Sweep, res.Spec.Key), o.Out, res.Spec.Key)
	stop()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil || !js.Conn().IsConnected() {
		return err
	}
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		// Deleted once a coordinator recorded the run, or expired.
		note(o, fmt.Sprintf("run %s: its directory is no longer on the broker (an earlier collection of this sweep took it, or it expired); its figures are recorded", res.Spec.Key))
		return nil
	}
	note(o, fmt.Sprintf("run %s: its directory could not be fetched from the broker (%v); its figures are recorded", res.Spec.Key, err))
	return nil
}

// note passes s to o.Note, if set.
func note(o Options, s string) {
	if o.Note != nil {
		o.Note(s)
	}
}

// WorkerOptions configure a worker process.
type WorkerOptions struct {
	Concurrency int
	Version     string
	Config      BrokerConfig
	// Wait is how long to keep trying to reach a broker that is not there
	// when the worker starts; 0 keeps trying until ctx ends. Workers are
	// often started beside their broker, or before it, by a scheduler that
	// gives no order.
	Wait time.Duration
	// Log receives a line while the broker cannot be reached, once
	// connected, when the connection is lost and found again, and one per
	// run taken, finished or rejected.
	Log func(string)
	// Spool is a directory where a finished run's result is kept when the
	// worker is stopped while the broker is away, so the run is not lost
	// with it; a worker started later with the same Spool publishes what
	// it finds there once connected. Empty keeps nothing.
	Spool string
	// IdleExit, when positive, ends the worker once it has had no run for
	// that long: a worker started as a batch job leaves when the sweeps
	// it served are done, rather than holding its allocation.
	IdleExit time.Duration
	// fingerprint stands in for ResultsFingerprint, so a test can be a
	// worker of another build.
	fingerprint string
	// controls shares the controls of the worker's runs (Work sets it).
	controls *runner.Controls
}

// Retry delays while a worker waits for its broker: doubling from the
// first to the last, so a broker that comes up soon is found soon and one
// that is long away is asked a few times a minute.
const (
	firstRetry = 250 * time.Millisecond
	lastRetry  = 5 * time.Second
	// stillWaiting is how often a waiting worker says it still waits.
	stillWaiting = time.Minute
)

// connectWaiting connects a worker, trying again while the broker cannot
// be reached (see WorkerOptions.Wait). Errors that waiting cannot mend, a
// malformed address or a refused login, end it at once.
func connectWaiting(ctx context.Context, url string, o WorkerOptions) (*nats.Conn, jetstream.JetStream, error) {
	start := time.Now()
	delay, said := firstRetry, time.Time{}
	for {
		nc, js, err := connect(url, "ecosim worker", o.Config.Auth,
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if err != nil {
					logf(o, "lost the broker (%v); reconnecting, runs in flight carry on", err)
				}
			}),
			nats.ReconnectHandler(func(nc *nats.Conn) { logf(o, "reconnected to %s", nc.ConnectedUrlRedacted()) }))
		if err == nil || !unreachable(err) {
			return nc, js, err
		}
		waited := time.Since(start)
		if o.Wait > 0 && waited >= o.Wait {
			return nil, nil, fmt.Errorf("%w; gave up after %s", err, o.Wait)
		}
		switch {
		case said.IsZero():
			logf(o, "%s; trying again until it answers (Ctrl-C to stop)", strings.TrimPrefix(err.Error(), "sweep: "))
			said = time.Now()
		case time.Since(said) >= stillWaiting:
			logf(o, "still waiting for broker %s after %s", Redacted(url), waited.Round(time.Second))
			said = time.Now()
		}
		pause := delay
		if o.Wait > 0 {
			pause = min(pause, o.Wait-waited)
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("%w: before broker %s answered", sim.ErrInterrupted, Redacted(url))
		case <-time.After(pause):
		}
		delay = min(2*delay, lastRetry)
	}
}

// Redacted is url, a broker's address or a comma-separated list of them,
// with any password or token in it replaced by xxxxx, for messages and
// logs, which others may read.
func Redacted(url string) string {
	parts := strings.Split(url, ",")
	for i, p := range parts {
		u, err := neturl.Parse(strings.TrimSpace(p))
		if err != nil || u.User == nil {
			continue
		}
		if _, ok := u.User.Password(); ok {
			u.User = neturl.UserPassword(u.User.Username(), "xxxxx")
		} else {
			u.User = neturl.User("xxxxx") // a token, or a user name alone
		}
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}

// unreachableError is a broker that did not answer. The client says only
// "no servers available"; the reason (refused, timed out, no such host) is
// what tells a user whether the address or the broker is wrong.
type unreachableError struct {
	url, why string
	err      error
}

func newUnreachable(url string, err error) *unreachableError {
	why := err.Error()
	if errors.Is(err, nats.ErrNoServers) {
		if r := dialReason(url); r != "" {
			why = r
		}
	}
	return &unreachableError{url: Redacted(url), why: why, err: err}
}

// Error names the broker and why it did not answer.
func (e *unreachableError) Error() string {
	return fmt.Sprintf("sweep: broker %s not reachable: %s", e.url, e.why)
}

func (e *unreachableError) Unwrap() error { return e.err }

// unreachable reports whether a connection failed for want of a server
// that answers, which a later try may find, rather than for a malformed
// address or a refused login, which it will not.
func unreachable(err error) bool {
	var dns *net.DNSError
	return errors.Is(err, nats.ErrNoServers) || errors.As(err, &dns)
}

// dialReason is why a plain TCP connection to the first server of url
// fails, or "" if it does not.
func dialReason(url string) string {
	first, _, _ := strings.Cut(url, ",")
	host := first
	if u, err := neturl.Parse(strings.TrimSpace(first)); err == nil && u.Host != "" {
		host = u.Host
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, strconv.Itoa(nats.DefaultPort))
	}
	c, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		return err.Error()
	}
	c.Close()
	return ""
}

// Work pulls runs from the durable consumer it shares with the workers of
// its results fingerprint, o.Concurrency runs at once, executes each,
// publishes its result and only then acknowledges it. While a run goes on
// it sends InProgress heartbeats, so long runs are not redelivered; a
// worker that dies leaves its run unacknowledged and the server redelivers
// it. A message that cannot be read is terminated (never redelivered) and
// reported on MalformedSubject. Work returns when ctx is cancelled, runs
// in flight handed back, or once it has had no run for o.IdleExit, when it
// has none in flight.
func Work(ctx context.Context, url string, o WorkerOptions) error {
	fp, err := fingerprintOr(o.fingerprint)
	if err != nil {
		return err
	}
	// The runs of one sweep at several points often share a control; a
	// worker that takes several of them runs it once.
	share, err := os.MkdirTemp("", "ecosim-controls-")
	if err != nil {
		// Kept runs then run their own controls; the others share.
		logf(o, "kept runs will not share controls: %v", err)
		share = ""
	}
	if o.controls, err = runner.NewControls(controlBytes, workerCheckpointBytes, share); err != nil {
		return err
	}
	defer o.controls.Close()
	nc, js, err := connectWaiting(ctx, url, o)
	if err != nil {
		return err
	}
	defer nc.Close()
	cons, err := ensureStreams(ctx, js, o.Config, fp)
	if err != nil {
		return err
	}
	n := max(o.Concurrency, 1)
	// Said once connected, so that it is not said of a broker that cannot
	// be reached.
	logf(o, "pulling runs from %s, %d at a time, for sweeps of results fingerprint %s", Redacted(url), n, fp)
	publishSpooled(ctx, nc, js, o)
	// Pulling stops when ctx ends or the worker has been idle for
	// o.IdleExit; a run taken is finished either way, unless ctx ends.
	pull, stop := context.WithCancel(ctx)
	defer stop()
	clock := &idleClock{}
	clock.last.Store(time.Now().UnixNano())
	if o.IdleExit > 0 {
		go clock.watch(pull, o.IdleExit, func() {
			logf(o, "no run for %s; exiting (--idle-exit)", o.IdleExit)
			stop()
		})
	}
	errc := make(chan error, n)
	for range n {
		go func() { errc <- workLoop(ctx, pull, nc, js, cons, o, clock) }()
	}
	var first error
	for range n {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	if ran, shared := o.controls.Stats(); shared > 0 || o.controls.Forked() > 0 {
		// What made this worker's runs cheaper than their count says.
		logf(o, "%d controls run, shared by %d runs; %d runs carried on from their control's state before their first failure",
			ran, ran+shared, o.controls.Forked())
	}
	return first
}

// idleClock tells when a worker last had a run: how many it has now, and
// when the last one ended.
type idleClock struct {
	busy atomic.Int32
	last atomic.Int64 // Unix nanoseconds
}

// watch calls exit, once, when the worker has had no run for d.
func (c *idleClock) watch(ctx context.Context, d time.Duration, exit func()) {
	t := time.NewTicker(min(d/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if c.busy.Load() == 0 && time.Since(time.Unix(0, c.last.Load())) >= d {
				exit()
				return
			}
		}
	}
}

// workLoop takes runs one at a time while pull lasts, and runs each under
// ctx: a worker leaving for want of runs finishes the one it has taken.
func workLoop(ctx, pull context.Context, nc *nats.Conn, js jetstream.JetStream, cons jetstream.Consumer, o WorkerOptions, clock *idleClock) error {
	for pull.Err() == nil {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoHeartbeat) || pull.Err() != nil {
				continue
			}
			if errors.Is(err, nats.ErrConnectionClosed) {
				return err
			}
			time.Sleep(200 * time.Millisecond) // broker restarting: retry
			continue
		}
		clock.busy.Add(1)
		handle(ctx, nc, js, msg, o)
		clock.last.Store(time.Now().UnixNano())
		clock.busy.Add(-1)
	}
	return nil
}

func logf(o WorkerOptions, format string, args ...any) {
	if o.Log != nil {
		o.Log(fmt.Sprintf(format, args...))
	}
}

// handle runs one message to its end: result published, then ack.
func handle(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, msg jetstream.Msg, o WorkerOptions) {
	var j job
	if err := json.Unmarshal(msg.Data(), &j); err != nil || j.Spec.Key == "" || j.Sweep == "" {
		reason := "not a run spec"
		if err != nil {
			reason = err.Error()
		}
		_ = msg.TermWithReason("malformed run spec")
		_ = nc.Publish(MalformedSubject, []byte(fmt.Sprintf("subject %s: %s", msg.Subject(), reason)))
		logf(o, "rejected a malformed message on %s: %s", msg.Subject(), reason)
		return
	}
	logf(o, "run %s (point %d, replicate %d)", j.Spec.Key, j.Spec.Point, j.Spec.Replicate)
	stop := heartbeat(msg, o.Config.withDefaults().AckWait/3)
	res, archive, err := execute(ctx, j, o)
	stop()
	if archive != "" {
		defer os.RemoveAll(filepath.Dir(archive))
	}
	if err != nil {
		_ = msg.Nak() // interrupted: hand it back at once
		return
	}
	b, _ := json.Marshal(res)
	sp := spooled{Subject: resultsSubject + j.Sweep, MsgID: runID(j.Sweep, j.Spec.Key), Data: b, Archive: archive}
	if err := publishResult(ctx, nc, js, sp, o); err != nil {
		_ = msg.Nak()
		if ctx.Err() != nil && o.Spool != "" {
			path, kerr := keep(o.Spool, sp)
			if kerr == nil {
				logf(o, "run %s: stopped with the broker away; its result is kept in %s, for a worker started with --spool %s to publish", j.Spec.Key, path, o.Spool)
				return
			}
			logf(o, "run %s: keeping its result failed: %v", j.Spec.Key, kerr)
		}
		logf(o, "run %s: publishing the result failed (%v); handed back", j.Spec.Key, err)
		return
	}
	// Acknowledged even when the worker is being stopped: the result is
	// out, and a run left unacknowledged would be run again elsewhere.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = msg.DoubleAck(actx)
	logf(o, "run %s %s in %.1fs", j.Spec.Key, res.Status, res.Wall)
}

// execute runs job j. When the job asks for its directory to be kept, the
// run writes it into a temporary directory, and a successful run's is
// packed into an archive there, whose path is returned (the caller
// removes its directory). Where keeping fails the result says why, and
// the run's figures still count.
func execute(ctx context.Context, j job, o WorkerOptions) (res result, archive string, err error) {
	var tmp, keepErr string
	if j.Keep {
		if d, err := os.MkdirTemp("", "ecosim-run-"); err != nil {
			keepErr = err.Error()
		} else {
			tmp = d
		}
	}
	row, err := Execute(ctx, j.Spec, tmp, o.Version, o.controls)
	res = result{Sweep: j.Sweep, Spec: row.Spec, Status: row.Status, Error: row.Error, Wall: row.Wall, Figures: row.Figures, KeepError: keepErr}
	if tmp == "" {
		return res, "", err
	}
	archive = filepath.Join(tmp, "run.tar.gz")
	if err == nil && row.Status == StatusOK {
		if perr := packRun(filepath.Join(tmp, "runs", j.Spec.Key), archive); perr != nil {
			res.KeepError = perr.Error()
		} else {
			res.Kept = true
		}
	}
	return res, archive, err
}

// connectedTries is how often a result is offered to a broker that is
// connected but refuses it (a stream still recovering after a restart, or
// gone) before the run is handed back.
const connectedTries = 5

// publishWait is how long one request to the broker (a result published,
// a consumer made) waits for its answer before it is tried again.
const publishWait = 5 * time.Second

// publishResult publishes a finished run's result. While the connection is
// down it keeps trying until the broker is back or ctx ends, so a broker
// restart does not throw away a run that finished meanwhile; the result's
// message ID keeps a second copy off the stream should the run have been
// handed to another worker in between.
func publishResult(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, sp spooled, o WorkerOptions) error {
	delay, waited, refused := firstRetry, false, 0
	for {
		err := nats.ErrConnectionReconnecting
		if nc.IsConnected() {
			err = offer(ctx, js, &sp)
			if err == nil {
				if waited {
					logf(o, "run %s: result published, the broker is back", sp.key())
				}
				return nil
			}
			refused++
		}
		if ctx.Err() != nil || refused >= connectedTries || nc.IsClosed() {
			return err
		}
		if !waited {
			logf(o, "run %s: cannot publish its result yet (%v); trying again until the broker is back", sp.key(), err)
			waited = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, lastRetry)
	}
}

// offer gives the broker a finished run: its directory's archive first,
// where it has one not yet stored, then the result, which says it is
// there. Each step has its own time limit: a request made as the
// connection drops waits in the client's buffer for an answer that never
// comes.
func offer(ctx context.Context, js jetstream.JetStream, sp *spooled) error {
	if sp.Archive != "" && !sp.stored {
		// An archive gone from a spool cannot be sent by any later try;
		// the result still can, and its coordinator then notes the
		// directory missing.
		if err := putArchive(ctx, js, sp.Archive, sp.MsgID); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		sp.stored = true
	}
	try, stop := context.WithTimeout(ctx, publishWait)
	defer stop()
	_, err := js.Publish(try, sp.Subject, sp.Data, jetstream.WithMsgID(sp.MsgID))
	return err
}

// putArchive stores the archive at path in RunDirsBucket as name, allowing
// a second a megabyte beyond a request's usual wait.
func putArchive(ctx context.Context, js jetstream.JetStream, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	wait := publishWait
	if info, err := f.Stat(); err == nil {
		wait += time.Duration(info.Size()>>20) * time.Second
	}
	try, stop := context.WithTimeout(ctx, wait)
	defer stop()
	dirs, err := runDirs(try, js)
	if err != nil {
		return err
	}
	_, err = dirs.Put(try, jetstream.ObjectMeta{Name: name}, f)
	return err
}

// spooled is a result as published: where, under which message ID (the
// sweep and the run's key, which keeps a second copy off the stream), and
// what, with the path of its run directory's archive where the run was
// kept. A worker stopped with the broker away writes it to its spool, the
// archive beside it.
type spooled struct {
	Subject string `json:"subject"`
	MsgID   string `json:"msg_id"`
	Data    []byte `json:"data"`
	Archive string `json:"archive,omitempty"`
	stored  bool   // the archive is on the broker
}

// key is the run's key, from the message ID.
func (sp spooled) key() string {
	_, key, _ := strings.Cut(sp.MsgID, ".")
	return key
}

// keep writes sp to dir, whole or not at all, with its archive moved
// beside it, and returns its path.
func keep(dir string, sp spooled) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if sp.Archive != "" {
		to := filepath.Join(dir, sp.MsgID+".tar.gz")
		if err := moveFile(sp.Archive, to); err != nil {
			return "", err
		}
		sp.Archive = filepath.Base(to) // found beside the result, wherever the spool is mounted
	}
	b, err := json.Marshal(sp)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, sp.MsgID+".json")
	return path, atomicfile.Bytes(path, b)
}

// moveFile moves the file at from to to, copying it where the two are on
// different file systems (a temporary directory and a spool, say).
func moveFile(from, to string) error {
	if os.Rename(from, to) == nil {
		return nil
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := atomicfile.Write(to, func(w io.Writer) error { _, err := io.Copy(w, src); return err }); err != nil {
		return err
	}
	return os.Remove(from)
}

// publishSpooled publishes the results kept in o.Spool by workers stopped
// with the broker away, removing each once the broker has it. A file that
// cannot be read is left where it is, and said so; one the broker refuses
// is tried again by the next worker started.
func publishSpooled(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, o WorkerOptions) {
	if o.Spool == "" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(o.Spool, "*.json"))
	for _, f := range files {
		var sp spooled
		b, err := os.ReadFile(f)
		if err == nil {
			err = json.Unmarshal(b, &sp)
		}
		if err != nil || sp.Subject == "" || sp.MsgID == "" {
			logf(o, "%s is not a kept result (%v); left as it is", f, err)
			continue
		}
		if sp.Archive != "" {
			sp.Archive = filepath.Join(o.Spool, filepath.Base(sp.Archive))
		}
		if err := publishResult(ctx, nc, js, sp, o); err != nil {
			logf(o, "run %s: publishing the result kept in %s failed (%v); kept for the next start", sp.key(), f, err)
			continue
		}
		_ = os.Remove(f)
		if sp.Archive != "" {
			_ = os.Remove(sp.Archive)
		}
		logf(o, "run %s: published the result kept in %s", sp.key(), f)
	}
}

// heartbeat tells the server every interval that msg is still being worked
// on, until the returned function is called.
func heartbeat(msg jetstream.Msg, every time.Duration) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	return func() { close(done) }
}
