package main

import (
	"strings"
	"testing"

	"github.com/ecosim/ecosim/sweep"
)

// TestBrokerStatusTable: this build's queue is marked, runs from before
// fingerprints are named so, and runs that wait with no worker of their
// fingerprint pulling get a line of their own; runs that wait for busy
// workers do not.
func TestBrokerStatusTable(t *testing.T) {
	mine, err := sweep.ResultsFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	st := &sweep.BrokerStatus{Queues: []sweep.QueueStatus{
		{Fingerprint: "", Sweeps: 1, Queued: 3},
		{Fingerprint: "0123456789ab", Sweeps: 2, Queued: 5},
		{Fingerprint: "fedcba987654", Sweeps: 1, Queued: 7, Running: 2},
		{Fingerprint: mine, Idle: 2},
	}, Results: 12, ResultSweeps: 2}
	var b strings.Builder
	printBrokerStatus(&b, "nats://h:4222", st)
	out := b.String()
	for _, want := range []string{
		"nats://h:4222: runs by results fingerprint (* this build's)\n",
		"(before fingerprints)       1       3        0           0\n",
		mine + " *       0       0        0           2\n",
		"5 runs of fingerprint 0123456789ab wait, and no worker of it is pulling\n",
		"results held for collection: 12, of 2 sweeps\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "fedcba987654 wait") || strings.Count(out, "no worker of it") != 1 {
		t.Errorf("a wait line for busy workers, or for runs no build takes:\n%s", out)
	}
}
