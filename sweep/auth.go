package sweep

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/ecosim/ecosim/internal/certfile"
)

// Auth is what a client shows a broker beyond its URL, which can carry a
// user and password or a token: a NATS deployment that authenticates with
// JWTs wants a credentials file, and one that asks for mutual TLS a client
// certificate. A sweep's coordinator, its workers and 'broker status' take
// the same Auth. The zero Auth shows nothing, and trusts the broker's
// certificate through the system's roots or SSL_CERT_FILE.
type Auth struct {
	// Creds is a NATS credentials file: a user JWT and its NKey seed.
	Creds string
	// CA is a PEM file of the authorities trusted to sign the broker's
	// certificate, in place of the system's roots.
	CA string
	// Cert and Key are the PEM certificate and key shown to a broker that
	// requires client certificates.
	Cert, Key string
}

// AuthEnv names the environment variables AuthFromEnv reads: those of the
// NATS command-line tool, so a machine set up for it serves ecosim too.
var AuthEnv = struct{ Creds, CA, Cert, Key string }{"NATS_CREDS", "NATS_CA", "NATS_CERT", "NATS_KEY"}

// AuthFromEnv is the Auth the environment gives (AuthEnv), the defaults of
// the command line's flags.
func AuthFromEnv() Auth {
	return Auth{Creds: os.Getenv(AuthEnv.Creds), CA: os.Getenv(AuthEnv.CA), Cert: os.Getenv(AuthEnv.Cert), Key: os.Getenv(AuthEnv.Key)}
}

// Set reports whether a shows the broker anything.
func (a Auth) Set() bool { return a != Auth{} }

// Check reads every file a names, so that a wrong path or a file of the
// wrong kind is an error naming it before anything is sent, rather than a
// refused connection that names nothing.
func (a Auth) Check() error {
	if (a.Cert == "") != (a.Key == "") {
		return errors.New("sweep: a client certificate needs both --tls-cert and --tls-key")
	}
	if a.Creds != "" {
		b, err := os.ReadFile(a.Creds)
		if err != nil {
			return fmt.Errorf("sweep: credentials file: %w", err)
		}
		tok, err := jwt.ParseDecoratedJWT(b)
		if err == nil {
			_, err = jwt.DecodeUserClaims(tok)
		}
		if err != nil {
			return fmt.Errorf("sweep: credentials file %s: no user JWT in it: %w", a.Creds, err)
		}
		if _, err := nkeys.ParseDecoratedNKey(b); err != nil {
			return fmt.Errorf("sweep: credentials file %s: no user seed in it: %w", a.Creds, err)
		}
	}
	if a.CA != "" {
		if _, err := certfile.Authorities(a.CA); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
	}
	if a.Cert != "" {
		if _, err := tls.LoadX509KeyPair(a.Cert, a.Key); err != nil {
			return fmt.Errorf("sweep: client certificate %s and key %s: %w", a.Cert, a.Key, err)
		}
	}
	return nil
}

// options are the client options that show the broker what a names.
func (a Auth) options() []nats.Option {
	var opts []nats.Option
	if a.Creds != "" {
		opts = append(opts, nats.UserCredentials(a.Creds))
	}
	if a.CA != "" {
		opts = append(opts, nats.RootCAs(a.CA))
	}
	if a.Cert != "" {
		opts = append(opts, nats.ClientCert(a.Cert, a.Key))
	}
	return opts
}

// flags is how a worker started by hand shows the broker the same as a,
// for the note that asks for one: the paths as given, which name files on
// this machine and usually the same ones on the others.
func (a Auth) flags() string {
	s := ""
	for _, f := range []struct{ name, v string }{{"--creds", a.Creds}, {"--tls-ca", a.CA}, {"--tls-cert", a.Cert}, {"--tls-key", a.Key}} {
		if f.v != "" {
			v := f.v
			if strings.ContainsAny(v, " \t'\"$\\") {
				v = "'" + strings.ReplaceAll(v, "'", `'\''`) + "'" // as a shell reads it
			}
			s += " " + f.name + " " + v
		}
	}
	return s
}
