package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecosim/ecosim/broker"
	"github.com/ecosim/ecosim/internal/testpki"
)

// TestBrokerOverTLS: a broker started with a certificate of one's own
// authority requires TLS; a client given that authority's certificate in
// SSL_CERT_FILE reaches it, and one without is refused with the reason.
// The clients are this binary run as the CLI, as a user runs it.
func TestBrokerOverTLS(t *testing.T) {
	dir := t.TempDir()
	pki := testpki.New(t, dir, "ca")
	ca := pki.Cert
	cert, key := pki.Server(t, "broker")
	s, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: filepath.Join(dir, "store"), TLSCert: cert, TLSKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	if !strings.HasPrefix(s.URL(), "tls://127.0.0.1:") {
		t.Fatalf("URL %s, want tls://", s.URL())
	}
	cli := func(env ...string) (string, error) {
		cmd := exec.Command(os.Args[0], "broker", "status", "--broker", s.URL())
		cmd.Env = append(os.Environ(), append(env, "ECOSIM_TEST_AS_CLI=1")...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// SSL_CERT_DIR names an empty directory: the system's roots, which
	// do not hold this authority, are out of the question either way.
	empty := t.TempDir()
	out, err := cli("SSL_CERT_FILE="+ca, "SSL_CERT_DIR="+empty)
	if err != nil || !strings.Contains(out, "no sweep has queued runs here") {
		t.Fatalf("with the authority's certificate: %v\n%s", err, out)
	}
	out, err = cli("SSL_CERT_FILE="+filepath.Join(empty, "none.pem"), "SSL_CERT_DIR="+empty)
	if err == nil || !strings.Contains(out, "certificate signed by unknown authority (if its certificate is of your own authority, name that authority's certificate with --tls-ca, or in SSL_CERT_FILE)") {
		t.Fatalf("without it: %v\n%s", err, out)
	}
	if _, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: filepath.Join(dir, "s2"), TLSCert: cert}); err == nil {
		t.Error("a certificate without its key was taken")
	}
	if _, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: filepath.Join(dir, "s3"), TLSCert: key, TLSKey: key}); err == nil ||
		!strings.Contains(err.Error(), key) {
		t.Errorf("a key given as the certificate: %v", err)
	}
}

// TestBrokerWithClientCertificates: 'ecosim broker --tls-client-ca' takes
// only clients that show a certificate of that authority. The CLI reaches
// it with --tls-ca, --tls-cert and --tls-key, or with the same from the
// NATS tool's environment variables; without a certificate, or with one of
// another authority, it is refused and told why.
func TestBrokerWithClientCertificates(t *testing.T) {
	dir := t.TempDir()
	pki := testpki.New(t, dir, "ca")
	cert, key := pki.Server(t, "broker")
	clientCert, clientKey := pki.Client(t, "worker")
	other := testpki.New(t, dir, "other-ca")
	strangerCert, strangerKey := other.Client(t, "stranger")
	s, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: filepath.Join(dir, "store"), TLSCert: cert, TLSKey: key, TLSCA: pki.Cert})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	empty := t.TempDir()
	cli := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(os.Args[0], append([]string{"broker", "status", "--broker", s.URL()}, args...)...)
		// Neither the system's roots nor a NATS_* variable of the
		// machine running the test has a say.
		cmd.Env = append(os.Environ(), append([]string{"ECOSIM_TEST_AS_CLI=1", "SSL_CERT_FILE=" + filepath.Join(empty, "none.pem"), "SSL_CERT_DIR=" + empty,
			"NATS_CA=", "NATS_CERT=", "NATS_KEY=", "NATS_CREDS="}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	const fine = "no sweep has queued runs here"
	if out, err := cli(nil, "--tls-ca", pki.Cert, "--tls-cert", clientCert, "--tls-key", clientKey); err != nil || !strings.Contains(out, fine) {
		t.Fatalf("with a client certificate: %v\n%s", err, out)
	}
	if out, err := cli([]string{"NATS_CA=" + pki.Cert, "NATS_CERT=" + clientCert, "NATS_KEY=" + clientKey}); err != nil || !strings.Contains(out, fine) {
		t.Fatalf("with the same from the environment: %v\n%s", err, out)
	}
	if out, err := cli(nil, "--tls-ca", pki.Cert); err == nil || !strings.Contains(out, "if the broker asks for a client certificate, give one with --tls-cert and --tls-key") {
		t.Fatalf("without a client certificate: %v\n%s", err, out)
	}
	if out, err := cli(nil, "--tls-ca", pki.Cert, "--tls-cert", strangerCert, "--tls-key", strangerKey); err == nil ||
		!strings.Contains(out, "if the broker refused the client certificate "+strangerCert) {
		t.Fatalf("with another authority's certificate: %v\n%s", err, out)
	}
	if out, err := cli(nil, "--tls-ca", pki.Cert, "--tls-cert", clientCert); exitStatus(err) != 2 || !strings.Contains(out, "--tls-cert and --tls-key") {
		t.Fatalf("a certificate without its key: %v\n%s", err, out)
	}
	if out, err := cli(nil, "--tls-ca", filepath.Join(dir, "nowhere.pem")); err == nil || !strings.Contains(out, "nowhere.pem") {
		t.Fatalf("a missing authority file: %v\n%s", err, out)
	}
	if out, err := cli(nil, "--tls-ca", clientKey); err == nil || !strings.Contains(out, "authority file "+clientKey+": no PEM certificate in it") {
		t.Fatalf("a key given as the authority: %v\n%s", err, out)
	}
	if _, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: filepath.Join(dir, "s2"), TLSCA: pki.Cert}); err == nil {
		t.Error("client certificates were asked for without TLS")
	}
	if _, err := broker.Start(broker.Options{Listen: "127.0.0.1:0", Store: filepath.Join(dir, "s3"), TLSCert: cert, TLSKey: key, TLSCA: clientKey}); err == nil ||
		!strings.Contains(err.Error(), "broker: clients' authority file "+clientKey+": no PEM certificate in it") {
		t.Errorf("a key given as the clients' authority: %v", err)
	}
}

// exitStatus is the exit code of a finished command's error, 0 for none.
func exitStatus(err error) int {
	var x *exec.ExitError
	if errors.As(err, &x) {
		return x.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
