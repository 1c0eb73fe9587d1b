// Package broker runs an embedded NATS server with JetStream, so a small
// cluster of ecosim workers needs nothing else installed. Any NATS
// deployment with JetStream works the same way.
package broker

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/ecosim/ecosim/internal/certfile"
)

// Options configure the embedded server.
type Options struct {
	// Listen is host:port; port 0 picks a free one.
	Listen string
	// Store is the JetStream storage directory.
	Store string
	// TLSCert and TLSKey, PEM files, make the server require TLS with
	// that certificate, for a broker reached over a network others share.
	// Clients trust it as they trust any server, through the system's
	// roots, or through the certificate of the authority that signed it,
	// given them (sweep.Auth.CA) or named in SSL_CERT_FILE.
	TLSCert, TLSKey string
	// TLSCA, a PEM file of authorities, makes the server also require a
	// client certificate that one of them signed (mutual TLS), so that
	// only machines given one can queue or take runs. It needs TLSCert.
	TLSCA string
}

// Server is a running embedded NATS server.
type Server struct {
	ns *server.Server
}

// ErrStart is returned when the server does not come up.
var ErrStart = errors.New("broker: server did not start")

// Start runs an embedded NATS server with JetStream on o.Listen.
func Start(o Options) (*Server, error) {
	host, portS, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("broker: --listen %q: %w", o.Listen, err)
	}
	port, err := strconv.Atoi(portS)
	if err != nil {
		return nil, fmt.Errorf("broker: --listen %q: bad port", o.Listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{Host: host, Port: port, JetStream: true, StoreDir: o.Store, NoSigs: true}
	if o.TLSCert != "" || o.TLSKey != "" {
		if o.TLSCert == "" || o.TLSKey == "" {
			return nil, errors.New("broker: TLS needs both a certificate and its key")
		}
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("broker: TLS certificate %s and key %s: %w", o.TLSCert, o.TLSKey, err)
		}
		opts.TLS, opts.TLSConfig = true, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if o.TLSCA != "" {
		if opts.TLSConfig == nil {
			return nil, errors.New("broker: client certificates need TLS: a certificate and its key")
		}
		pool, err := certfile.Authorities(o.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("broker: clients' %w", err)
		}
		opts.TLSVerify = true
		opts.TLSConfig.ClientCAs, opts.TLSConfig.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, ErrStart
	}
	return &Server{ns: ns}, nil
}

// URL is the client URL of the server.
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server and waits for it.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}
