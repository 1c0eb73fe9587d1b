// Package certfile reads the PEM files of certificate authorities that the
// broker and its clients are given, so that both name a wrong file alike.
package certfile

import (
	"crypto/x509"
	"fmt"
	"os"
)

// Authorities reads the authorities' certificates in the PEM file at path.
// A file that cannot be read, or holds no certificate (a key given in its
// place, say), is an error naming it.
func Authorities(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authority file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("authority file %s: no PEM certificate in it", path)
	}
	return pool, nil
}
