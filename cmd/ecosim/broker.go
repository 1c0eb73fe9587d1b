package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ecosim/ecosim/broker"
	"github.com/ecosim/ecosim/sweep"
)

// addAuthFlags adds the flags with which a client shows a broker who it
// is, for a NATS deployment that asks, their defaults taken from the
// environment variables of the NATS command-line tool (sweep.AuthEnv).
func addAuthFlags(f *pflag.FlagSet, a *sweep.Auth) {
	env := sweep.AuthFromEnv()
	f.StringVar(&a.Creds, "creds", env.Creds, "NATS credentials file (a user JWT and its seed) for a broker that asks for one; $"+sweep.AuthEnv.Creds+" when not given")
	f.StringVar(&a.CA, "tls-ca", env.CA, "PEM certificate of the authority that signed the broker's certificate, trusted in place of the system's roots; $"+sweep.AuthEnv.CA+" when not given")
	f.StringVar(&a.Cert, "tls-cert", env.Cert, "PEM client certificate for a broker that requires one (mutual TLS), with --tls-key; $"+sweep.AuthEnv.Cert+" when not given")
	f.StringVar(&a.Key, "tls-key", env.Key, "PEM private key of --tls-cert; $"+sweep.AuthEnv.Key+" when not given")
}

// authUsage refuses a client certificate without its key, or a key
// without its certificate, as a usage error.
func authUsage(a sweep.Auth) error {
	if (a.Cert == "") != (a.Key == "") {
		return usagef("--tls-cert and --tls-key go together (or $%s and $%s)", sweep.AuthEnv.Cert, sweep.AuthEnv.Key)
	}
	return nil
}

// authFlagsNeedBroker refuses the flags of addAuthFlags given on the
// command line of a sweep that runs here, where they would do nothing.
func authFlagsNeedBroker(f *pflag.FlagSet) error {
	for _, name := range []string{"creds", "tls-ca", "tls-cert", "tls-key"} {
		if f.Changed(name) {
			return usagef("--%s is for a broker: it needs --broker", name)
		}
	}
	return nil
}

func newWorkerCmd() *cobra.Command {
	var url string
	var conc int
	var wait time.Duration
	var spool string
	var idleExit time.Duration
	var auth sweep.Auth
	c := &cobra.Command{
		Use:   "worker --broker nats://HOST:4222 [--concurrency N]",
		Short: "Run sweep runs pulled from a NATS JetStream work queue until stopped",
		Long: `Pull run specs published by 'ecosim sweep --broker', run them, publish each
result and only then acknowledge it. Start as many workers, on as many machines,
as you like; a worker that dies leaves its run to be redelivered to another.
Ctrl-C hands the runs in flight back and exits. A run that finished while the
broker was away, its result not yet published, is not lost with it: the result
is kept in --spool, and the next worker started with that spool publishes it.
A worker takes only the runs of sweeps whose coordinator has its results
fingerprint ('ecosim version'), so no sweep mixes the numbers of two builds.
For a sweep run with --keep-runs, a worker runs each run in a temporary
directory and sends it, packed, through the broker's object store before its
result; the spool keeps the packed directory beside the result.

A worker started before its broker keeps trying to reach it (every few
seconds, saying so once a minute) until it answers, or until --wait has
passed. A connection lost later is sought again without end; the runs in
flight carry on meanwhile.

A worker started as a batch job (a Slurm job, a Kubernetes Job) can leave
once the sweeps it serves are done: --idle-exit 10m ends it, with exit code
0, once it has had no run for ten minutes.

A broker that asks who its clients are takes a credentials file (--creds) or
a client certificate (--tls-cert, --tls-key); --tls-ca names the authority
of its own certificate. Each is read from NATS_CREDS, NATS_CERT, NATS_KEY or
NATS_CA when not given, as the nats tool does.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if url == "" {
				return usagef("worker needs --broker")
			}
			if conc < 0 || conc > maxParallel {
				return usagef("--concurrency must be 0 (one per CPU) to %d, got %d", maxParallel, conc)
			}
			if conc == 0 {
				// A sweep's run uses one core, so one run a core, as
				// 'sweep --workers' does on one machine.
				conc = runtime.NumCPU()
			}
			if wait < 0 {
				return usagef("--wait must not be negative, got %s", wait)
			}
			if idleExit < 0 {
				return usagef("--idle-exit must not be negative, got %s", idleExit)
			}
			if err := authUsage(auth); err != nil {
				return err
			}
			err := sweep.Work(c.Context(), url, sweep.WorkerOptions{Concurrency: conc, Version: versionString(), Wait: wait, Spool: spool, IdleExit: idleExit,
				Config: sweep.BrokerConfig{Auth: auth},
				// A worker runs for hours, often with its output in a
				// file: each line says when.
				Log: func(s string) { fmt.Fprintln(c.ErrOrStderr(), time.Now().Format(time.RFC3339), "worker:", s) }})
			if c.Context().Err() != nil {
				return nil
			}
			return err
		},
	}
	c.Flags().StringVar(&url, "broker", "", "NATS URL, e.g. nats://10.0.0.5:4222")
	c.Flags().IntVar(&conc, "concurrency", 0, "runs at once (default: one per CPU)")
	c.Flags().DurationVar(&wait, "wait", 0, "give up if the broker cannot be reached within this long at start, e.g. 2m (0: keep trying)")
	c.Flags().DurationVar(&idleExit, "idle-exit", 0, "exit once no run has been taken for this long, e.g. 10m, for workers started as batch jobs (0: run until stopped)")
	c.Flags().StringVar(&spool, "spool", defaultSpool(), "directory for results a worker stopped with the broker away could not publish, published by the next worker started with it (empty: keep none)")
	addAuthFlags(c.Flags(), &auth)
	return c
}

func newBrokerCmd() *cobra.Command {
	var listen, store, cert, key, ca string
	c := &cobra.Command{
		Use:   "broker [--listen HOST:PORT] [--store DIR] [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]",
		Short: "Run an embedded NATS server with JetStream for distributed sweeps",
		Long: `Run a NATS server with JetStream inside ecosim, so a small cluster needs nothing
else installed. Point 'ecosim sweep --broker' and 'ecosim worker --broker' at it.
Any existing NATS deployment with JetStream works the same way.

With --tls-cert and --tls-key the broker requires TLS; its URL is then
tls://HOST:PORT. Clients trust its certificate as any TLS client on their
machine does, through the system's roots; for a certificate of your own
authority, name that authority's certificate with the clients' --tls-ca (or
in SSL_CERT_FILE). With --tls-client-ca as well, the broker takes only
clients that show a certificate that authority signed: give each machine
one, and its key, with the clients' --tls-cert and --tls-key.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if (cert == "") != (key == "") {
				return usagef("--tls-cert and --tls-key go together")
			}
			if ca != "" && cert == "" {
				return usagef("--tls-client-ca needs --tls-cert and --tls-key: client certificates are asked for over TLS")
			}
			made := ""
			if store == "" {
				d, err := os.MkdirTemp("", "ecosim-broker-")
				if err != nil {
					return err
				}
				store, made = d, d
			}
			s, err := broker.Start(broker.Options{Listen: listen, Store: store, TLSCert: cert, TLSKey: key, TLSCA: ca})
			if err != nil {
				if made != "" {
					os.RemoveAll(made) // nothing was stored in it
				}
				return err
			}
			c.Printf("broker: listening on %s, JetStream store %s; Ctrl-C to stop\n", s.URL(), store)
			<-c.Context().Done()
			s.Shutdown()
			return nil
		},
	}
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:4222", "address to listen on (use 0.0.0.0:4222 to serve other machines)")
	c.Flags().StringVar(&store, "store", "", "JetStream storage directory (default: a new temporary directory)")
	c.Flags().StringVar(&cert, "tls-cert", "", "PEM certificate: require TLS from clients (with --tls-key)")
	c.Flags().StringVar(&key, "tls-key", "", "PEM private key of --tls-cert")
	c.Flags().StringVar(&ca, "tls-client-ca", "", "PEM certificate of an authority: require of every client a certificate it signed (mutual TLS; with --tls-cert)")
	c.AddCommand(newBrokerStatusCmd())
	return c
}

func newBrokerStatusCmd() *cobra.Command {
	var url string
	var auth sweep.Auth
	c := &cobra.Command{
		Use:   "status [--broker nats://HOST:4222]",
		Short: "Show the runs a broker holds, by results fingerprint, and whether workers take them",
		Long: `Show, for each results fingerprint with a work queue on the broker, how many
sweeps have runs there, how many runs wait for a worker, how many runs workers
have taken and not yet finished, and how many of the workers' pulls wait idle;
and how many results the broker holds for coordinators to collect. Runs wait
with no pull idle when no worker of their fingerprint is connected: start one
built as the sweep's coordinator was ('ecosim version' prints the fingerprint).
Nothing on the broker is changed.`,
		Example: `  ecosim broker status
  ecosim broker status --broker nats://10.0.0.5:4222`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := authUsage(auth); err != nil {
				return err
			}
			st, err := sweep.Status(c.Context(), url, auth)
			if err != nil {
				return err
			}
			printBrokerStatus(c.OutOrStdout(), sweep.Redacted(url), st)
			return nil
		},
	}
	c.Flags().StringVar(&url, "broker", "nats://127.0.0.1:4222", "NATS URL of the broker")
	addAuthFlags(c.Flags(), &auth)
	return c
}

// printBrokerStatus writes st as a table, this build's fingerprint marked.
func printBrokerStatus(w io.Writer, url string, st *sweep.BrokerStatus) {
	mine, _ := sweep.ResultsFingerprint()
	if len(st.Queues) == 0 {
		fmt.Fprintf(w, "%s: no sweep has queued runs here\n", url)
	} else {
		fmt.Fprintf(w, "%s: runs by results fingerprint (* this build's)\n", url)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "fingerprint\tsweeps\tqueued\trunning\tidle pulls\t")
		for _, q := range st.Queues {
			name := q.Fingerprint
			switch {
			case name == "":
				name = "(before fingerprints)"
			case name == mine:
				name += " *"
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", name, q.Sweeps, q.Queued, q.Running, q.Idle)
		}
		tw.Flush()
		for _, q := range st.Queues {
			if q.Queued > 0 && q.Running == 0 && q.Idle == 0 && q.Fingerprint != "" {
				fmt.Fprintf(w, "%d runs of fingerprint %s wait, and no worker of it is pulling\n", q.Queued, q.Fingerprint)
			}
		}
	}
	fmt.Fprintf(w, "results held for collection: %d, of %d sweeps\n", st.Results, st.ResultSweeps)
}

// defaultSpool is where a worker keeps results it could not publish: the
// user's cache, so that a worker started again on the same machine finds
// them; none where there is no cache directory.
func defaultSpool() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "ecosim", "worker-results")
}
