package sim

// ArrivalSplitter is a Model whose arrivals split in two, so that handing
// messages to their recipients runs on every core. The shared part of each
// arrival (ledgers and tallies summed over all messages) is booked serially
// in send order; the recipients' part then runs over fixed bands of agent
// IDs at once, each band in send order. Every recipient therefore sees its
// messages in the order a serial delivery gives, and every sum is added in
// the same order, so the result does not depend on the number of cores.
type ArrivalSplitter interface {
	Model
	// Arriving books what m's arrival changes beyond its recipient's own
	// record, and reports whether the recipient takes m. It is called
	// serially, in send order, for every message due.
	Arriving(e *Engine, m Message) bool
	// Arrive hands m to its recipient's own record, and may touch nothing
	// else. Calls for recipients in different bands run at once; one
	// recipient's calls come in send order. MessageArrived must equal
	// Arriving followed, when that returns true, by Arrive; so Arrive
	// follows even for a recipient killed this tick, whose inbox is then
	// skipped and the message counted lost, as on the serial path.
	Arrive(e *Engine, m Message)
}

// arriveShift sets the width of a band of recipients, 2^arriveShift IDs:
// wide enough that a band's bookkeeping is negligible, narrow enough that a
// million agents give hundreds of bands to share between cores. Bands are
// cut by ID alone, never by worker count.
const arriveShift = 11

// arriveSplitMin is the fewest messages in flight for which delivery is
// split. Below it the bookkeeping of bands costs more than a second core
// saves. Measured on 2 cores: delivery at 100,000 agents (70,000 messages a
// tick) fell from 38 to 25 ns/agent-step split, and at 3,752 agents (2,500
// messages) the whole tick was 4.8% slower. At 10,000 agents (7,000
// messages) splitting once saved a little (8.2 against 7.4); measured
// again at 6028e5a it costs: 8.32 serial against 9.03 split (7 pairs,
// p=0.026), the tick within noise.
const arriveSplitMin = 1 << 13

// arriveSplitAloneMin is the fewest messages in flight for which an engine
// without helpers (one core, or Workers 1, as in a sweep running worlds
// side by side) still splits its delivery. The bands then run one after
// another, and pay only for where their messages lie: each band's
// recipients, their records and inboxes, fit the caches when the whole
// world's do not. Measured on 1 core, 5 and 3 interleaved pairs: delivery
// at 100,000 agents (70,000 messages a tick) fell from 49.1 to 34.0
// ns/agent-step, at 10,000 (7,000 messages) it rose from 10.7 to 11.4.
const arriveSplitAloneMin = 1 << 15

// deliverSplit is deliver for an ArrivalSplitter: the serial pass books
// each due message and files the taken ones by their recipient's band, then
// the bands are handed over at once (or one after another, without
// helpers).
func (e *Engine) deliverSplit(as ArrivalSplitter) {
	e.splits++
	bands := len(e.slots)>>arriveShift + 1
	for len(e.arrivals) < bands {
		e.arrivals = append(e.arrivals, nil)
	}
	e.besideRecord(as)
	e.booking = as
	e.ParallelFor(bands, e.arriveFn)
	e.booking = nil
}

// arriveBand hands band b's taken messages to their recipients, in send
// order: deliverSplit's step, bound once (Engine.arriveFn), since a closure
// over the tick's splitter was a heap allocation every split tick. The
// splitter is Engine.booking.
func (e *Engine) arriveBand(b int) {
	for _, m := range e.arrivals[b] {
		e.booking.Arrive(e, m)
		if e.filed[m.Kind] && !e.dead[m.To] {
			c := e.slots[m.To]
			c.Inbox = append(c.Inbox, m)
		}
	}
	e.arrivals[b] = e.arrivals[b][:0]
}

// bookSplit is deliverSplit's serial pass: each due message booked in send
// order and, if its recipient takes it, filed by the recipient's band.
func (e *Engine) bookSplit(as ArrivalSplitter) {
	e.Transport.Deliver(e.tick+1, func(m Message) bool {
		if !as.Arriving(e, m) {
			return false
		}
		// Filed even for an agent killed this tick, since the serial path
		// hands it to MessageArrived too; only its inbox is skipped.
		b := m.To >> arriveShift
		e.arrivals[b] = append(e.arrivals[b], m)
		return !e.dead[m.To]
	})
}
