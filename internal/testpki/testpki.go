// Package testpki makes certificate authorities and the certificates they
// sign, for tests of brokers reached over TLS: a broker's own, for
// 127.0.0.1, and clients' for mutual TLS. Nothing it makes is fit for use
// outside a test: the keys are written unencrypted and live an hour.
package testpki

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
	"path/filepath"
	"testing"
	"time"
)

// Authority is a new certificate authority.
type Authority struct {
	// Cert is the PEM file of the authority's certificate.
	Cert   string
	dir    string
	cert   *x509.Certificate
	key    *ecdsa.PrivateKey
	serial int64
}

// New makes an authority named name, its certificate written to
// dir/name.pem.
func New(t testing.TB, dir, name string) *Authority {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	a := &Authority{dir: dir, cert: cert, key: key, serial: 1}
	a.Cert = a.write(t, name+".pem", "CERTIFICATE", der)
	return a
}

// Server signs a certificate for a server at 127.0.0.1, written with its
// key to dir/name.pem and dir/name-key.pem.
func (a *Authority) Server(t testing.TB, name string) (cert, key string) {
	t.Helper()
	return a.sign(t, name, x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")})
}

// Client signs a certificate for a client named name, written with its
// key to dir/name.pem and dir/name-key.pem.
func (a *Authority) Client(t testing.TB, name string) (cert, key string) {
	t.Helper()
	return a.sign(t, name, x509.ExtKeyUsageClientAuth, nil)
}

func (a *Authority) sign(t testing.TB, name string, usage x509.ExtKeyUsage, ips []net.IP) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a.serial++
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(a.serial), Subject: pkix.Name{CommonName: name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &k.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return a.write(t, name+".pem", "CERTIFICATE", der), a.write(t, name+"-key.pem", "EC PRIVATE KEY", kder)
}

func (a *Authority) write(t testing.TB, name, kind string, der []byte) string {
	t.Helper()
	p := filepath.Join(a.dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
