package sim

// MsgKind says what a message carries; its meaning belongs to the model.
type MsgKind uint8

// Message is one thing crossing a network link.
type Message struct {
	From, To int32
	Kind     MsgKind
	// Seq is the sender's running message count, which keys the loss draw.
	Seq uint32
	// Amount is the payload quantity (carbon [kg C] for carbon messages).
	Amount float64
	// Sent is the tick it was sent; Due the tick at whose decide phase the
	// recipient sees it.
	Sent, Due int32
	// Link is the link the sender named, or -1 to have it looked up.
	Link int32
}

// TransportConfig sets how links carry messages.
type TransportConfig struct {
	// Latency is the delay from send to receipt [ticks], at least 1.
	Latency int
	// Capacity is the payload one link carries per tick in each direction
	// [payload units/tick]; zero or less means unlimited.
	Capacity float64
	// Loss is the probability that a message is lost on the way [0..1].
	Loss float64
}

// Counts is the cumulative message accounting. At every tick boundary
// Sent == Delivered + Lost + InFlight.
type Counts struct {
	Sent, Delivered, Lost, InFlight int64
}

// Send outcomes.
const (
	// Rejected: no live link, or no capacity left; nothing was sent.
	Rejected = iota
	// Accepted: the message is in flight.
	Accepted
	// LostOnSend: the message was sent and lost (link down or loss draw).
	LostOnSend
)

// Transport carries messages over a Network. It is driven only from the
// apply phase, in agent-ID order, so what is lost and when things arrive is
// a function of the seed and the IDs alone.
type Transport struct {
	Config   TransportConfig
	net      *Network
	seed     uint64
	inflight []Message
	one      sendBuf       // what Send routes, one message at a time
	touched  []int32       // capacity entries used this tick (capacityKey), to reset
	seq      Pages[uint32] // by sender ID, its messages sent, for Send alone
	counts   Counts
}

// NewTransport returns a transport over net.
func NewTransport(net *Network, seed uint64, cfg TransportConfig) *Transport {
	if cfg.Latency < 1 {
		cfg.Latency = 1
	}
	return &Transport{Config: cfg, net: net, seed: seed}
}

// Counts returns the cumulative accounting.
func (t *Transport) Counts() Counts {
	c := t.counts
	c.InFlight = int64(len(t.inflight))
	return c
}

// InFlight returns the messages on the way, in send order; read-only.
func (t *Transport) InFlight() []Message { return t.inflight }

// Send offers m at tick; it returns the outcome and the amount that left the
// sender (which may be less than m.Amount when capacity runs short). The
// caller debits the sender by that amount for Accepted and LostOnSend.
//
// Send keeps each sender's message count itself, for a transport used on its
// own. The engine routes outboxes with the count kept in each sender's
// context instead, so a model should send through its agents' outboxes, not
// through Send.
func (t *Transport) Send(tick int, m Message) (outcome int, amount float64) {
	t.seq.Grow(int(m.From) + 1)
	return t.sendOne(tick, m, t.seq.At(m.From))
}

// sendOne routes m alone; seq is its sender's message count.
func (t *Transport) sendOne(tick int, m Message, seq *uint32) (outcome int, amount float64) {
	b := &t.one
	b.reset()
	outcome, amount = t.send(tick, m, b, seq)
	t.merge(b)
	return outcome, amount
}

// sendBuf gathers what one block of senders routed, so that blocks can route
// at once and be merged in order.
type sendBuf struct {
	msgs       []Message
	touched    []int32
	sent, lost int64
	lines      []uintptr // scratch for the apply's prefetches (warmBlock)
}

func (b *sendBuf) reset() {
	b.msgs, b.touched = b.msgs[:0], b.touched[:0]
	b.sent, b.lost = 0, 0
}

// merge appends what a block routed; blocks are merged in live-list order,
// which keeps the in-flight list in send order.
func (t *Transport) merge(b *sendBuf) {
	t.inflight = append(t.inflight, b.msgs...)
	t.touched = append(t.touched, b.touched...)
	t.counts.Sent += b.sent
	t.counts.Lost += b.lost
}

// send routes m into b; seq is its sender's message count, which keys the
// loss draw. It writes only the sender's own entries of the shared tables
// (the capacity of its direction of the link), so senders may route at once
// as long as each sender is in one block.
func (t *Transport) send(tick int, m Message, b *sendBuf, seq *uint32) (outcome int, amount float64) {
	li := m.Link
	r := t.net.links.Ref(li)
	if r == nil || !r.joins(m.From, m.To) {
		if li = t.net.Between(m.From, m.To); li < 0 {
			return Rejected, 0
		}
		r = t.net.links.At(li)
	}
	if c := t.Config.Capacity; c > 0 && m.Amount > 0 {
		key := capacityKey(m, li)
		used := &r.used[key&1]
		if *used == 0 {
			b.touched = append(b.touched, int32(key))
		}
		left := c - *used
		if left <= 0 {
			return Rejected, 0
		}
		m.Amount = min(m.Amount, left)
		*used += m.Amount
	}
	*seq++
	m.Seq = *seq
	m.Sent = int32(tick)
	m.Due = int32(tick + t.Config.Latency)
	b.sent++
	if r.Down || t.drawLoss(tick, m) {
		b.lost++
		return LostOnSend, m.Amount
	}
	b.msgs = append(b.msgs, m)
	return Accepted, m.Amount
}

// release resets the capacity used on the directions touched names
// (capacityKey) and returns touched emptied. Deliver calls it for what was
// routed one message at a time; the local apply calls it once a block has
// routed its outboxes, rather than leaving the resets to Deliver: each
// direction of a link has one sender, whose outbox is routed whole in one
// block, so nothing reads its capacity again this tick, and the block's
// link records are still in the cache, where Deliver, after the whole
// apply and the environment, found each one cold, one after another.
func (t *Transport) release(touched []int32) []int32 {
	for _, k := range touched {
		// The links let go since (forgetLinks) need no reset.
		if r := t.net.links.Ref(k >> 1); r != nil {
			r.used[k&1] = 0
		}
	}
	return touched[:0]
}

// capacityKey names m's direction of link li, li<<1 plus 1 for the way
// from the higher ID: one capacity per direction (the link record's
// used[key&1]), written by its sender only.
func capacityKey(m Message, li int32) int {
	key := int(li) << 1
	if m.From > m.To {
		key++
	}
	return key
}

func (t *Transport) drawLoss(tick int, m Message) bool {
	if t.Config.Loss <= 0 {
		return false
	}
	u := UnitFloat(Hash(t.seed, uint64(tick), uint64(m.From), uint64(m.Seq), 0x1055))
	return u < t.Config.Loss
}

// Deliver hands over, in send order, every message due by tick next. deliver
// is called for each; it returns false when the recipient can no longer take
// it, and the message is then counted lost. The capacity used by messages
// routed one at a time (Send, and the apply of a model without a local
// part) resets here, since next starts a new tick; the local apply frees
// its own as each block finishes (release).
func (t *Transport) Deliver(next int, deliver func(Message) bool) {
	t.touched = t.release(t.touched)
	keep := t.inflight[:0]
	for _, m := range t.inflight {
		if int(m.Due) > next {
			keep = append(keep, m)
			continue
		}
		if deliver(m) {
			t.counts.Delivered++
		} else {
			t.counts.Lost++
		}
	}
	t.inflight = keep
}
