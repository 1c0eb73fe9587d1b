package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/ecosim/ecosim/broker"
	"github.com/ecosim/ecosim/internal/testpki"
)

// operatorServer runs a NATS server with JetStream on 127.0.0.1 that, as
// a deployment run by an operator does, takes only users whose JWT an
// account of its operator signed. It returns the server's host:port and a
// credentials file of one such user, whose account may use JetStream.
func operatorServer(t *testing.T) (host, creds string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	operator, err := nkeys.CreateOperator()
	must(err)
	opub, err := operator.PublicKey()
	must(err)
	account, err := nkeys.CreateAccount()
	must(err)
	apub, err := account.PublicKey()
	must(err)
	ac := jwt.NewAccountClaims(apub)
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	ajwt, err := ac.Encode(operator)
	must(err)
	user, err := nkeys.CreateUser()
	must(err)
	upub, err := user.PublicKey()
	must(err)
	useed, err := user.Seed()
	must(err)
	ujwt, err := jwt.NewUserClaims(upub).Encode(account)
	must(err)
	file, err := jwt.FormatUserConfig(ujwt, useed)
	must(err)
	creds = filepath.Join(t.TempDir(), "user.creds")
	must(os.WriteFile(creds, file, 0o600))
	// JetStream asks for the system account of the operator's servers.
	system, err := nkeys.CreateAccount()
	must(err)
	spub, err := system.PublicKey()
	must(err)
	sjwt, err := jwt.NewAccountClaims(spub).Encode(operator)
	must(err)
	resolver := &server.MemAccResolver{}
	must(resolver.Store(apub, ajwt))
	must(resolver.Store(spub, sjwt))
	return guardedServer(t, &server.Options{TrustedKeys: []string{opub}, AccountResolver: resolver, SystemAccount: spub}), creds
}

// TestBrokerSweepWithCredentials: a deployment that authenticates its
// clients by credentials file refuses a client without one, saying what
// to give, and serves a whole sweep to a coordinator and a worker given
// the file. The note that no worker serves the sweep gives the command
// for one with the same file.
func TestBrokerSweepWithCredentials(t *testing.T) {
	host, creds := operatorServer(t)
	url := "nats://" + host
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := Status(ctx, url, Auth{}); err == nil || !strings.Contains(err.Error(), "Authorization Violation") ||
		!strings.Contains(err.Error(), "or a credentials file with --creds") {
		t.Fatalf("without credentials: %v", err)
	}
	cfg := testConfig
	cfg.IdleCheck, cfg.Auth = 50*time.Millisecond, Auth{Creds: creds}
	dir := t.TempDir()
	p := prepared(t, smallPlan(), topologyBase(t), dir)
	notes := &logBook{}
	done := coordinate(ctx, p, Options{Out: dir, Note: notes.add}, url, cfg)
	notes.await(t, "the note that no worker serves the sweep", "no worker is taking runs")
	if want := "start one with: ecosim worker --broker " + url + " --creds " + creds + " (of a build"; !notes.has(want) {
		t.Fatalf("notes %q, want %q in them", notes.text(), want)
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	logs := &logBook{}
	workerDone := runWorker(wctx, url, WorkerOptions{Concurrency: 2, Config: cfg, Log: logs.add})
	if err := <-done; err != nil {
		t.Fatalf("%v\nworker:\n%s", err, logs.text())
	}
	stop()
	<-workerDone
	if recorded(dir) != 8 || logs.has("rejected") {
		t.Fatalf("%d runs recorded, want 8; worker:\n%s", recorded(dir), logs.text())
	}
}

// TestBrokerSweepOverMutualTLS: a broker that requires client certificates
// of its authority serves a whole sweep to a coordinator and a worker that
// show one and trust the broker's authority by Auth.CA, with the system's
// roots and SSL_CERT_FILE left out; a worker without a certificate is
// refused at once, not left waiting as for a broker that is away.
func TestBrokerSweepOverMutualTLS(t *testing.T) {
	dir := t.TempDir()
	pki := testpki.New(t, dir, "ca")
	cert, key := pki.Server(t, "broker")
	clientCert, clientKey := pki.Client(t, "client")
	t.Setenv("SSL_CERT_FILE", filepath.Join(dir, "none.pem"))
	t.Setenv("SSL_CERT_DIR", dir)
	s, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: t.TempDir(), TLSCert: cert, TLSKey: key, TLSCA: pki.Cert})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Work(ctx, s.URL(), WorkerOptions{Concurrency: 1, Config: BrokerConfig{Auth: Auth{CA: pki.Cert}}}); err == nil ||
		!strings.Contains(err.Error(), "--tls-cert and --tls-key") {
		t.Fatalf("a worker without a certificate: %v", err)
	}
	cfg := testConfig
	cfg.Auth = Auth{CA: pki.Cert, Cert: clientCert, Key: clientKey}
	out := t.TempDir()
	p := prepared(t, smallPlan(), topologyBase(t), out)
	done, logs := sweepWithWorker(t, p, out, s.URL(), cfg, 2*time.Minute)
	if err := <-done; err != nil {
		t.Fatalf("%v\nworker:\n%s", err, logs.text())
	}
	if recorded(out) != 8 {
		t.Fatalf("%d runs recorded, want 8; worker:\n%s", recorded(out), logs.text())
	}
}

// TestAuthCheck: each file an Auth names is read before anything is
// sent, and an error names the one that is wrong.
func TestAuthCheck(t *testing.T) {
	dir := t.TempDir()
	pki := testpki.New(t, dir, "ca")
	cert, key := pki.Client(t, "client")
	_, creds := operatorServer(t)
	plain := filepath.Join(dir, "plain.txt")
	if err := os.WriteFile(plain, []byte("not a credentials file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a    Auth
		want string // "" for no error
	}{
		{Auth{}, ""},
		{Auth{Creds: creds, CA: pki.Cert, Cert: cert, Key: key}, ""},
		{Auth{Creds: filepath.Join(dir, "none.creds")}, "none.creds: no such file"},
		{Auth{Creds: plain}, "credentials file " + plain + ": no user JWT in it"},
		{Auth{CA: cert + ".missing"}, ".missing: no such file"},
		{Auth{CA: key}, "authority file " + key + ": no PEM certificate in it"},
		{Auth{Cert: cert}, "needs both --tls-cert and --tls-key"},
		{Auth{Key: key}, "needs both --tls-cert and --tls-key"},
		{Auth{Cert: key, Key: key}, "client certificate " + key + " and key " + key},
	} {
		err := c.a.Check()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want %q", c.a, err, c.want)
		}
	}
}

// TestAuthFlags: the flags the idle note gives can be pasted into a shell,
// paths with spaces or quotes included.
func TestAuthFlags(t *testing.T) {
	for a, want := range map[Auth]string{
		{}:                           "",
		{Creds: "/etc/nats/u.creds"}: " --creds /etc/nats/u.creds",
		{CA: "ca.pem", Cert: "c.pem", Key: "k.pem"}: " --tls-ca ca.pem --tls-cert c.pem --tls-key k.pem",
		{Creds: "/home/a b/it's.creds"}:             ` --creds '/home/a b/it'\''s.creds'`,
	} {
		if got := a.flags(); got != want {
			t.Errorf("%+v: %q, want %q", a, got, want)
		}
	}
}

// TestTLSForAPlainBroker: an authority given for a broker without TLS, as
// NATS_CA set for another deployment gives one, is refused with a note of
// where it came from.
func TestTLSForAPlainBroker(t *testing.T) {
	s := startBroker(t)
	pki := testpki.New(t, t.TempDir(), "ca")
	_, err := Status(context.Background(), s.URL(), Auth{CA: pki.Cert})
	if err == nil || !strings.Contains(err.Error(), "asks for TLS, which this broker does not offer; given --tls-ca "+pki.Cert+", from the flags or from $NATS_CA") {
		t.Fatalf("an authority for a plain broker: %v", err)
	}
}
