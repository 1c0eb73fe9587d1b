// Package broker runs an embedded NATS server with JetStream, so a small
// cluster of ecosim workers needs nothing else installed. Any NATS
// deployment with JetStream works the same way.
package broker

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure the embedded server.
type Options struct {
	// Listen is host:port; port 0 picks a free one.
	Listen string
	// Store is the JetStream storage directory.
	Store string
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
	ns, err := server.NewServer(&server.Options{Host: host, Port: port, JetStream: true, StoreDir: o.Store, NoSigs: true})
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
