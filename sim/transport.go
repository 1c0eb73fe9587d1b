package sim

import "slices"

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
	one      sendBuf       // what the engine's serial apply routes, one message at a time
	alone    capUse        // the capacity Send has used since the last Deliver
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
	return t.sendOne(tick, m, &t.alone, t.seq.At(m.From))
}

// sendOne routes m alone; caps is the capacity used so far (Send's, or for
// the engine's serial apply, which routes each sender's outbox whole, the
// sender's), seq the sender's message count.
func (t *Transport) sendOne(tick int, m Message, caps *capUse, seq *uint32) (outcome int, amount float64) {
	b := &t.one
	b.reset()
	outcome, amount = t.send(tick, m, b, caps, seq)
	t.merge(b)
	return outcome, amount
}

// sendBuf gathers what one block of senders routed, so that blocks can route
// at once and be merged in order. The engine keeps one a goroutine, side by
// side; the padding keeps one goroutine's fields, written at every message,
// off the cache lines of its neighbour's.
type sendBuf struct {
	msgs       []Message
	sent, lost int64
	lines      []uintptr // scratch for the apply's prefetches (warmBlock)
	caps       capUse    // the capacity the sender being routed has used
	_          [64]byte
}

func (b *sendBuf) reset() {
	b.msgs = b.msgs[:0]
	b.sent, b.lost = 0, 0
}

// merge appends what a block routed; blocks are merged in live-list order,
// which keeps the in-flight list in send order.
func (t *Transport) merge(b *sendBuf) {
	t.inflight = append(t.inflight, b.msgs...)
	t.counts.Sent += b.sent
	t.counts.Lost += b.lost
}

// send routes m into b; seq is its sender's message count, which keys the
// loss draw, and caps what it has used of its links' capacity this tick.
// It writes nothing shared but the sender's own count, so senders may route
// at once as long as each sender is in one block.
func (t *Transport) send(tick int, m Message, b *sendBuf, caps *capUse, seq *uint32) (outcome int, amount float64) {
	li := m.Link
	r := t.net.links.Ref(li)
	if r == nil || !r.joins(m.From, m.To) {
		if li = t.net.Between(m.From, m.To); li < 0 {
			return Rejected, 0
		}
		r = t.net.links.At(li)
	}
	if c := t.Config.Capacity; c > 0 && m.Amount > 0 {
		used := caps.at(int32(capacityKey(m, li)))
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

// capacityKey names m's direction of link li, li<<1 plus 1 for the way
// from the higher ID: one capacity per direction, used by its sender only.
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
// it, and the message is then counted lost. The capacity Send has used
// resets here, since next starts a new tick; the engine's own routing keeps
// each sender's apart and starts it afresh at every sender.
func (t *Transport) Deliver(next int, deliver func(Message) bool) {
	t.alone.reset()
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

// capUse is the capacity used on directions of links (capacityKey) by the
// messages routed since it was last reset. The engine keeps one a goroutine
// and resets it at every sender, whose outbox it routes whole: a direction
// has one sender, so nothing reads what it used once its outbox is routed,
// and the table stays as small as one outbox and in its core's cache. It
// is open addressing over a power-of-two table; an entry is live when it
// carries the current generation, so a reset costs nothing per entry.
type capUse struct {
	slots []capSlot
	gen   uint32
	n     int // live entries
}

// capSlot is one direction's use: live when gen is its table's generation.
type capSlot struct {
	key  int32
	gen  uint32
	used float64
}

// reset forgets every entry.
func (u *capUse) reset() {
	u.gen++
	u.n = 0
	if u.gen == 0 {
		// After 2^32 resets, an entry left from the first would read as
		// live again.
		clear(u.slots)
		u.gen = 1
	}
}

// at returns the use of direction key, zero when not yet used.
func (u *capUse) at(key int32) *float64 {
	if u.gen == 0 {
		u.gen = 1 // a zero slot is never live
	}
	if 2*(u.n+1) > len(u.slots) {
		u.grow()
	}
	mask := uint32(len(u.slots) - 1)
	for i := capHash(key) & mask; ; i = (i + 1) & mask {
		s := &u.slots[i]
		if s.gen != u.gen {
			*s = capSlot{key: key, gen: u.gen}
			u.n++
			return &s.used
		}
		if s.key == key {
			return &s.used
		}
	}
}

// grow doubles the table (from 16 slots), keeping the live entries.
func (u *capUse) grow() {
	old := u.slots
	u.slots = make([]capSlot, max(16, 2*len(old)))
	mask := uint32(len(u.slots) - 1)
	for _, s := range old {
		if s.gen != u.gen {
			continue
		}
		i := capHash(s.key) & mask
		for u.slots[i].gen == u.gen {
			i = (i + 1) & mask
		}
		u.slots[i] = s
	}
}

// capHash spreads keys over the table: a sender's links were made at
// different times, and their indices cluster only loosely.
func capHash(key int32) uint32 { return uint32(key) * 0x9e3779b1 >> 7 }

// clone returns a copy sharing no memory with u.
func (u capUse) clone() capUse {
	u.slots = slices.Clone(u.slots)
	return u
}
