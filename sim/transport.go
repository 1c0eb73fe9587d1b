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
	used     []float64 // capacity used this tick, by link×2 + direction
	touched  []int32   // entries of used to reset
	seq      []uint32
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
func (t *Transport) Send(tick int, m Message) (outcome int, amount float64) {
	li := m.Link
	if li < 0 || int(li) >= len(t.net.links) || !t.net.joins(li, m.From, m.To) {
		li = t.net.Between(m.From, m.To)
	}
	if li < 0 {
		return Rejected, 0
	}
	if c := t.Config.Capacity; c > 0 && m.Amount > 0 {
		key := int(li) << 1 // one capacity per direction
		if m.From > m.To {
			key++
		}
		for key >= len(t.used) {
			t.used = append(t.used, 0)
		}
		if t.used[key] == 0 {
			t.touched = append(t.touched, int32(key))
		}
		left := c - t.used[key]
		if left <= 0 {
			return Rejected, 0
		}
		m.Amount = min(m.Amount, left)
		t.used[key] += m.Amount
	}
	for int(m.From) >= len(t.seq) {
		t.seq = append(t.seq, 0)
	}
	t.seq[m.From]++
	m.Seq = t.seq[m.From]
	m.Sent = int32(tick)
	m.Due = int32(tick + t.Config.Latency)
	t.counts.Sent++
	if t.net.links[li].Down || t.drawLoss(tick, m) {
		t.counts.Lost++
		return LostOnSend, m.Amount
	}
	t.inflight = append(t.inflight, m)
	return Accepted, m.Amount
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
// it, and the message is then counted lost. Capacity use resets, since next
// starts a new tick.
func (t *Transport) Deliver(next int, deliver func(Message) bool) {
	for _, k := range t.touched {
		t.used[k] = 0
	}
	t.touched = t.touched[:0]
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
