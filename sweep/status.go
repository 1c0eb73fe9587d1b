package sweep

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// QueueStatus is the work queue of one results fingerprint on a broker.
type QueueStatus struct {
	// Fingerprint is the results fingerprint of the sweeps that queued
	// the runs, and of the workers that may take them; empty for runs
	// queued before fingerprints, which no worker takes.
	Fingerprint string
	// Sweeps is how many sweeps have runs queued.
	Sweeps int
	// Queued runs wait for a worker; Running ones were taken by a worker
	// that has not yet acknowledged them.
	Queued, Running int
	// Idle is how many of the workers' pulls wait for a run: a worker
	// asks for as many runs at once as its --concurrency while idle.
	Idle int
}

// BrokerStatus is what a broker holds for ecosim: the work queues, and
// the results kept for coordinators to collect.
type BrokerStatus struct {
	Queues []QueueStatus
	// Results is how many results the results stream holds, over
	// ResultSweeps sweeps.
	Results, ResultSweeps int
}

// Status reads the work queues and the results stream of the broker at
// url, without changing them, so a user can see which builds' runs wait
// and whether any worker serves them.
func Status(ctx context.Context, url string, a Auth) (*BrokerStatus, error) {
	nc, js, err := connect(url, "ecosim broker status", a)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	st := &BrokerStatus{}
	byFP := map[string]*QueueStatus{}
	queue := func(fp string) *QueueStatus {
		if byFP[fp] == nil {
			byFP[fp] = &QueueStatus{Fingerprint: fp}
		}
		return byFP[fp]
	}
	runs, err := js.Stream(ctx, RunsStream)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return st, nil // no sweep has used this broker
	case err != nil:
		return nil, fmt.Errorf("sweep: stream %s: %w", RunsStream, err)
	}
	info, err := runs.Info(ctx, jetstream.WithSubjectFilter(runsSubject+">"))
	if err != nil {
		return nil, fmt.Errorf("sweep: stream %s: %w", RunsStream, err)
	}
	for subject, n := range info.State.Subjects {
		fp, _, ok := strings.Cut(strings.TrimPrefix(subject, runsSubject), ".")
		if !ok {
			// Queued before fingerprints (ecosim.runs.<sweep>): no
			// consumer reads them, so the stream's count is all there is.
			fp = ""
			queue(fp).Queued += int(n)
		}
		if n > 0 {
			queue(fp).Sweeps++
		}
	}
	consumers := runs.ListConsumers(ctx)
	for c := range consumers.Info() {
		fp, ok := strings.CutPrefix(c.Name, WorkerConsumer+"-")
		if !ok {
			continue
		}
		q := queue(fp)
		q.Queued, q.Running, q.Idle = int(c.NumPending), c.NumAckPending, c.NumWaiting
	}
	if err := consumers.Err(); err != nil {
		return nil, fmt.Errorf("sweep: consumers of %s: %w", RunsStream, err)
	}
	for _, q := range byFP {
		st.Queues = append(st.Queues, *q)
	}
	slices.SortFunc(st.Queues, func(a, b QueueStatus) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
	results, err := js.Stream(ctx, ResultsStream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: stream %s: %w", ResultsStream, err)
	}
	rinfo, err := results.Info(ctx, jetstream.WithSubjectFilter(resultsSubject+">"))
	if err != nil {
		return nil, fmt.Errorf("sweep: stream %s: %w", ResultsStream, err)
	}
	st.Results = int(rinfo.State.Msgs)
	st.ResultSweeps = len(rinfo.State.Subjects)
	return st, nil
}
