package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecosim/ecosim/broker"
)

// TestBrokerOverTLS: a broker started with a certificate of one's own
// authority requires TLS; a client given that authority's certificate in
// SSL_CERT_FILE reaches it, and one without is refused with the reason.
// The clients are this binary run as the CLI, as a user runs it.
func TestBrokerOverTLS(t *testing.T) {
	dir := t.TempDir()
	ca, cert, key := authority(t, dir)
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
	if err == nil || !strings.Contains(out, "certificate signed by unknown authority (if its certificate is of your own authority, name that authority's certificate in SSL_CERT_FILE)") {
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

// authority writes to dir the certificate of a new authority (ca.pem), and
// a certificate for 127.0.0.1 that it signed, with its key.
func authority(t *testing.T, dir string) (ca, cert, key string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ecosim test authority"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "ecosim test broker"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, kind string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("broker.pem", "CERTIFICATE", srvDER), write("broker-key.pem", "EC PRIVATE KEY", keyDER)
}
