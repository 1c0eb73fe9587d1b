package sim

import "slices"

// Agent is anything that takes part in the decide phase. Decide may read the
// world (grid, network, other agents' public state, which only the apply
// phase changes) and may write only the agent's own state and c's outbox.
// What no other agent reads or writes during the phase counts as the
// agent's own: a model may let an agent change it in the decide, as the
// forest's trees draw their own cell's water there.
type Agent interface {
	Decide(c *Context)
}

// Kinded is implemented by agents that can name their kind in errors and
// events ("tree", "ant").
type Kinded interface {
	Kind() string
}

// Context is an agent's slot: what the engine hands it in the decide phase
// and where it leaves what it decided. Slots are indexed by agent ID, so
// results never depend on which goroutine wrote them.
type Context struct {
	// ID is the agent's ID, unique for the run and never reused.
	ID int32
	// seq is how many messages the agent has sent, which keys their loss
	// draws; it fills what would be padding after ID.
	seq uint32
	// Tick is the tick being decided.
	Tick int
	// Rand is the agent's own stream, derived from (seed, ID).
	Rand Stream
	// Inbox holds the messages delivered to the agent for this tick: all
	// of them, or for an InboxReader's agents those of the kinds it names.
	Inbox []Message
	// Out is the outbox: messages to route in the apply phase.
	Out []Message
	err error
}

// Send queues a message to another agent; the apply phase routes it.
func (c *Context) Send(to int32, kind MsgKind, amount float64) {
	c.Out = append(c.Out, Message{From: c.ID, To: to, Kind: kind, Amount: amount, Link: -1})
}

// Reserve makes room in the outbox for n more messages. An agent about to
// send over each of its n links calls it first: its outbox then grows at
// once to what its links can take, and stops growing, where appends alone
// would grow it again each time its sends first reached a new count, and
// a steady world would keep allocating for that long after it settled.
func (c *Context) Reserve(n int) { c.Out = slices.Grow(c.Out, n) }

// SendVia is Send over a link the agent already holds (from
// Network.Edges), which spares the transport looking it up.
func (c *Context) SendVia(link, to int32, kind MsgKind, amount float64) {
	c.Out = append(c.Out, Message{From: c.ID, To: to, Kind: kind, Amount: amount, Link: link})
}

// InboxReader is a Model whose agents read only some kinds of message from
// their inboxes. A message of another kind is delivered all the same (the
// model sees it arrive, and it counts as delivered), but it is not filed in
// its recipient's inbox: a model that credits what a message carries as it
// arrives spares delivery a write to the recipient's context and its inbox
// for each such message, which is most of what delivery touches beside the
// recipient's record.
type InboxReader interface {
	Model
	// InboxKinds lists the kinds the agents read; it is asked once, when
	// the engine is made.
	InboxKinds() []MsgKind
}

// filedKinds is, by kind, whether model's agents read that kind of message
// from their inboxes: every kind unless the model is an InboxReader.
func filedKinds(model Model) (filed [256]bool) {
	r, ok := model.(InboxReader)
	if !ok {
		for k := range filed {
			filed[k] = true
		}
		return filed
	}
	for _, k := range r.InboxKinds() {
		filed[k] = true
	}
	return filed
}

// Model is the serial half of a tick: it applies what agents decided and runs
// the environment. The engine calls it from one goroutine at a time, except
// for the LocalApplier methods of a model that has them.
type Model interface {
	// BeginTick is called before the decide phase of every tick, from the
	// engine's goroutine; it is where per-tick tallies are reset.
	BeginTick(e *Engine)
	// ApplyAgent applies what agent id decided; it is called in ascending ID
	// order, after id's outbox has been routed. For a LocalApplier it is
	// called only for the agents whose ApplyLocal asked for it. A message
	// it adds to c.Out is routed at the next tick's apply, with what the
	// agent decides then.
	ApplyAgent(e *Engine, id int32, c *Context) error
	// EndTick runs environment processes and failures once all agents have
	// been applied.
	EndTick(e *Engine) error
	// MessageSent tells the model that amount left m.From; lost reports that
	// it was lost on the way out.
	MessageSent(e *Engine, m Message, amount float64, lost bool)
	// MessageArrived hands m to its recipient; it returns false when the
	// recipient cannot take it, and the model books it as lost.
	MessageArrived(e *Engine, m Message) bool
	// IndicatorNames names the columns Indicators fills.
	IndicatorNames() []string
	// Indicators writes the current value of each indicator into row.
	Indicators(e *Engine, row []float64)
}
