package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
)

// spender is an agent of ledgerToy: it decides a value spread over many
// orders of magnitude (so the order of a float sum shows in its last bits)
// and offers some of it to the next agent.
type spender struct {
	next, value float64
	serial      bool
}

func (s *spender) Decide(c *Context) {
	s.next = math.Ldexp(c.Rand.Float64(), c.Rand.Intn(60)-30)
	s.serial = c.Rand.Bernoulli(0.05)
	for _, m := range c.Inbox {
		s.next += m.Amount
	}
	c.Send((c.ID+1)%int32(spenders), 1, s.next/2)
}

const spenders = 3000 // several apply blocks

// ledgerToy is a LocalApplier: each block sums the values its agents commit;
// agents that drew "serial" come back to ApplyAgent, which logs the order.
type ledgerToy struct {
	parts       []float64
	total, sent float64
	serialLog   []int32
	panicID     int32
}

func (t *ledgerToy) BeginTick(*Engine)                           { t.total, t.sent = 0, 0 }
func (t *ledgerToy) EndTick(*Engine) error                       { return nil }
func (t *ledgerToy) MessageArrived(*Engine, Message) bool        { return true }
func (t *ledgerToy) MessageSent(*Engine, Message, float64, bool) {}
func (t *ledgerToy) IndicatorNames() []string                    { return []string{"total", "sent", "serial"} }
func (t *ledgerToy) Indicators(e *Engine, row []float64) {
	row[0], row[1], row[2] = t.total, t.sent, float64(len(t.serialLog))
}
func (t *ledgerToy) PrepareBlocks(n int) { t.parts = make([]float64, 2*n) }
func (t *ledgerToy) SentLocal(e *Engine, m Message, amount float64, lost bool, block int) {
	t.parts[2*block+1] += amount
}
func (t *ledgerToy) ApplyLocal(e *Engine, id int32, c *Context, block int) bool {
	if id == t.panicID && c.Tick == 3 {
		panic("local boom")
	}
	s := e.Agent(id).(*spender)
	s.value = s.next
	t.parts[2*block] += s.value
	return s.serial
}
func (t *ledgerToy) MergeBlocks(n int) {
	for b := range n {
		t.total += t.parts[2*b]
		t.sent += t.parts[2*b+1]
	}
}
func (t *ledgerToy) ApplyAgent(e *Engine, id int32, c *Context) error {
	t.serialLog = append(t.serialLog, id)
	return nil
}

func runLedgerToy(t *testing.T, mode Mode, procs int, panicID int32) (*ledgerToy, [][]float64, Counts, error) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	m := &ledgerToy{panicID: panicID}
	e := NewEngine(Config{Seed: 5, Ticks: 12, Mode: mode, Transport: TransportConfig{Capacity: 0.4, Loss: 0.1}}, m)
	for i := range spenders {
		e.Spawn(&spender{})
		if i > 0 {
			e.Net.AddNode(int32(i))
			e.Net.AddLink(int32(i-1), int32(i))
		}
	}
	e.Net.AddNode(0)
	e.Net.AddLink(0, spenders-1)
	r := &rows{}
	e.Observe(r)
	err := e.Run(context.Background())
	return m, r.got, e.Transport.Counts(), err
}

func TestLocalApplyIsIndependentOfCores(t *testing.T) {
	ref, refRows, refCounts, err := runLedgerToy(t, ModeShards, 1, -1)
	if err != nil {
		t.Fatal(err)
	}
	if c := refCounts; c.Sent != c.Delivered+c.Lost+c.InFlight || c.Lost == 0 {
		t.Fatalf("accounting %+v", c)
	}
	for _, mode := range []Mode{ModeShards, ModeActors} {
		for _, procs := range []int{2, 5} {
			m, got, counts, err := runLedgerToy(t, mode, procs, -1)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, refRows, slices.Equal) || counts != refCounts {
				t.Fatalf("%v GOMAXPROCS=%d: rows or counts differ from GOMAXPROCS=1", mode, procs)
			}
			if !slices.Equal(m.serialLog, ref.serialLog) {
				t.Fatalf("%v GOMAXPROCS=%d: serial part ran in another order", mode, procs)
			}
		}
	}
}

func TestLocalApplyLeavesFlaggedAgentsInIDOrder(t *testing.T) {
	m := &ledgerToy{panicID: -1}
	e := NewEngine(Config{Seed: 5, Ticks: 1, Mode: ModeShards}, m)
	for range spenders {
		e.Spawn(&spender{})
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var want []int32
	sum := 0.0
	for _, id := range e.Live() {
		s := e.Agent(id).(*spender)
		if s.serial {
			want = append(want, id)
		}
		sum += s.value
	}
	if len(want) == 0 || !slices.Equal(m.serialLog, want) {
		t.Fatalf("serial part got %d agents %v…, want %d", len(m.serialLog), m.serialLog[:min(5, len(m.serialLog))], len(want))
	}
	// Block partials change the rounding of the sum, never its value.
	if math.Abs(m.total-sum) > 1e-12*math.Abs(sum) {
		t.Fatalf("merged total %v, serial sum %v", m.total, sum)
	}
}

func TestLocalApplyPanicNamesAgent(t *testing.T) {
	for _, mode := range []Mode{ModeShards, ModeActors} {
		_, got, _, err := runLedgerToy(t, mode, 2, 1234)
		var ae *AgentError
		if !errors.As(err, &ae) || ae.ID != 1234 || ae.Tick != 3 {
			t.Fatalf("%v: got %v, want an AgentError for agent 1234 at tick 3", mode, err)
		}
		if len(got) != 3 { // ticks 0, 1, 2
			t.Fatalf("%v: %d rows recorded before the panic, want 3", mode, len(got))
		}
	}
}

// burster sends a burst of messages to the next agent in the ticks its apply
// block's turn comes round, and nothing otherwise.
type burster struct{ blocks int32 }

const burstLen = 50

func (b *burster) Decide(c *Context) {
	if (c.ID/applyBlock)%b.blocks == int32(c.Tick)%b.blocks {
		for range burstLen {
			c.Send(c.ID+1, 1, 1)
		}
	}
}

// burstToy is ledgerToy for bursters: nothing to commit locally.
type burstToy struct{ ledgerToy }

func (t *burstToy) ApplyLocal(*Engine, int32, *Context, int) bool { return false }

// TestRoutedMessagesHeldByGoroutine: what the local apply routes is held
// in one buffer per goroutine, so the buffers hold about one tick's
// messages, not each block's most ever, when the senders change from tick
// to tick.
func TestRoutedMessagesHeldByGoroutine(t *testing.T) {
	const blocks = 16
	n := blocks * applyBlock
	e := NewEngine(Config{Seed: 5, Ticks: 2 * blocks, Mode: ModeShards, Workers: 2}, &burstToy{})
	for i := range int32(n) {
		e.Net.AddNode(e.Spawn(&burster{blocks: blocks}))
		if i > 0 {
			e.Net.AddLink(i-1, i)
		}
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	burst := applyBlock * burstLen // messages a tick
	if sent := e.Transport.Counts().Sent; sent < int64(blocks*burst) {
		t.Fatalf("only %d messages sent", sent)
	}
	held := 0
	for _, b := range e.sendBufs {
		held += cap(b.msgs)
	}
	// Each of the (at most) two goroutines' buffers grows to at most
	// twice the most it routed in a tick, and a tick routes one burst.
	if limit := 2 * 2 * burst; held > limit {
		t.Fatalf("send buffers hold %d messages for bursts of %d, want at most %d", held, burst, limit)
	}
}

// joiner sends one message a tick to the agent after it from tick from on.
type joiner struct{ from int }

func (j joiner) Decide(c *Context) {
	if c.Tick >= j.from {
		c.Send(c.ID+1, 1, 1)
	}
}

// bufWatch records, after every tick, whether any goroutine's send buffer
// was made anew during it, and the least room a buffer has for what the
// tick sent.
type bufWatch struct {
	e      *Engine
	last   []*Message
	remade int
	sent   int64
	short  int // room less the tick's messages, at its least
}

func (w *bufWatch) Tick(int, []float64) error {
	sent := w.e.Transport.Counts().Sent
	msgs := int(sent - w.sent)
	w.sent = sent
	for len(w.last) < len(w.e.sendBufs) {
		w.last = append(w.last, nil)
	}
	for i, b := range w.e.sendBufs {
		// A buffer with no room yet counts too: it must take the tick
		// whichever goroutine runs the blocks.
		w.short = min(w.short, cap(b.msgs)-msgs)
		if cap(b.msgs) == 0 {
			continue
		}
		p := &b.msgs[:1][0]
		if w.last[i] != nil && w.last[i] != p {
			w.remade++
		}
		w.last[i] = p
	}
	return nil
}

func (w *bufWatch) Event(Event) error { return nil }

// TestSendBuffersGrowAheadOfTraffic: in a world whose traffic grows a
// little every tick, as a forest's does while it fills in, the send buffers
// are made anew only when it has grown by a good part, not at every tick
// (made to each tick's size exactly, the two buffers of a 100,000-agent
// forest were made anew every tick, about 3 MB each); and every buffer can
// still take a whole tick's messages, whichever goroutine runs the blocks.
func TestSendBuffersGrowAheadOfTraffic(t *testing.T) {
	const n, ticks = 8 * applyBlock, 200
	e := NewEngine(Config{Seed: 9, Ticks: ticks, Mode: ModeShards, Workers: 2}, &burstToy{})
	for i := range int32(n) {
		// About 20 more senders every tick, from 20 at tick 1 to all of
		// them at tick 200: the traffic grows by 0.5% to 100% a tick.
		e.Net.AddNode(e.Spawn(joiner{from: 1 + int(i)*ticks/n}))
		if i > 0 {
			e.Net.AddLink(i-1, i)
		}
	}
	w := &bufWatch{e: e, short: math.MaxInt}
	e.Observe(w)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := e.Transport.Counts().Sent; sent < n*ticks/2 {
		t.Fatalf("only %d messages sent", sent)
	}
	// Growing by a quarter each time from 20 messages to 4,096 takes 24
	// steps a buffer (here 28–31 for the two); made to each tick's size,
	// they were made anew 234–295 times.
	if w.remade > 60 {
		t.Errorf("send buffers made anew %d times in %d ticks of growing traffic, want at most 60", w.remade, ticks)
	}
	if w.short < 0 {
		t.Errorf("a send buffer had room for %d messages fewer than its tick sent", -w.short)
	}
}

// greedy offers more than a link carries every tick: two messages of 0.3 to
// the next agent of a ring and one to the one before, over links whose
// capacity is 0.4 a tick each way.
type greedy struct{}

func (greedy) Decide(c *Context) {
	next, prev := (c.ID+1)%greedies, (c.ID+greedies-1)%greedies
	c.Send(next, 1, 0.3)
	c.Send(next, 1, 0.3)
	c.Send(prev, 1, 0.3)
}

const greedies = 1500 // several apply blocks

// capPlain books what left the senders each tick, through MessageSent.
type capPlain struct{ sent float64 }

func (m *capPlain) BeginTick(*Engine)                                   { m.sent = 0 }
func (m *capPlain) ApplyAgent(*Engine, int32, *Context) error           { return nil }
func (m *capPlain) EndTick(*Engine) error                               { return nil }
func (m *capPlain) MessageArrived(*Engine, Message) bool                { return true }
func (m *capPlain) MessageSent(_ *Engine, _ Message, a float64, _ bool) { m.sent += a }
func (m *capPlain) IndicatorNames() []string                            { return []string{"sent"} }
func (m *capPlain) Indicators(_ *Engine, row []float64)                 { row[0] = m.sent }

// capLocal is capPlain as a LocalApplier, whose outboxes are routed in the
// local part of the apply, block by block.
type capLocal struct {
	capPlain
	parts []float64
}

func (m *capLocal) PrepareBlocks(n int) { m.parts = make([]float64, n) }
func (m *capLocal) SentLocal(_ *Engine, _ Message, a float64, _ bool, b int) {
	m.parts[b] += a
}
func (m *capLocal) ApplyLocal(*Engine, int32, *Context, int) bool { return false }
func (m *capLocal) MergeBlocks(n int) {
	for _, p := range m.parts[:n] {
		m.sent += p
	}
}

// runGreedyRing runs m for ticks over a ring of greedies whose links carry
// 0.4 a tick each way, and returns the engine and its rows.
func runGreedyRing(t *testing.T, mode Mode, m Model, ticks int) (*Engine, *rows) {
	t.Helper()
	e := NewEngine(Config{Seed: 3, Ticks: ticks, Mode: mode, Transport: TransportConfig{Capacity: 0.4}}, m)
	for i := range greedies {
		e.Spawn(greedy{})
		e.Net.AddNode(int32(i))
		if i > 0 {
			e.Net.AddLink(int32(i-1), int32(i))
		}
	}
	e.Net.AddLink(0, greedies-1)
	r := &rows{}
	e.Observe(r)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, r
}

// TestCapacityIsPerTick checks that a link's capacity is used afresh every
// tick, whichever way the apply routes the outboxes: each agent gets 0.3
// and then the 0.1 left through to the next agent, and 0.3 to the one
// before, tick after tick. The local apply frees the capacity as soon as a
// block has routed its outboxes rather than at delivery; a direction it
// forgot would carry nothing the tick after.
func TestCapacityIsPerTick(t *testing.T) {
	for _, mode := range []Mode{ModeShards, ModeActors} {
		for _, local := range []bool{false, true} {
			var m Model = &capPlain{}
			if local {
				m = &capLocal{}
			}
			_, r := runGreedyRing(t, mode, m, 6)
			if len(r.got) != 7 {
				t.Fatalf("%v, local %v: %d rows, want 7", mode, local, len(r.got))
			}
			want := 0.7 * greedies
			for tick, row := range r.got[1:] {
				if math.Abs(row[0]-want) > 1e-9*want {
					t.Fatalf("%v, local %v: tick %d sent %v, want %v", mode, local, tick+1, row[0], want)
				}
			}
		}
	}
}

// capApplySends is capLocal whose apply sends too: another 0.3 to the next
// agent, from ApplyLocal, with the odd agents going on to ApplyAgent.
type capApplySends struct{ capLocal }

func (m *capApplySends) ApplyLocal(_ *Engine, id int32, c *Context, _ int) bool {
	c.Send((id+1)%greedies, 1, 0.3)
	return id%2 == 1
}

// TestApplySendsWaitForTheNextTick checks that a message an agent's apply
// sends is routed at the next tick, with that tick's capacity: each agent
// still gets 0.4 through to the next agent and 0.3 to the one before,
// whether or not it goes on to ApplyAgent. Routed in the same tick's serial
// part, the flagged agents' messages would find their capacity unused and
// carry 0.3 more.
func TestApplySendsWaitForTheNextTick(t *testing.T) {
	for _, mode := range []Mode{ModeShards, ModeActors} {
		e, r := runGreedyRing(t, mode, &capApplySends{}, 4)
		want := 0.7 * greedies
		for tick, row := range r.got[1:] {
			if math.Abs(row[0]-want) > 1e-9*want {
				t.Fatalf("%v: tick %d sent %v, want %v", mode, tick+1, row[0], want)
			}
		}
		for id := range int32(greedies) {
			if n := len(e.Slot(id).Out); n != 1 {
				t.Fatalf("%v: agent %d has %d messages waiting, want the 1 its last apply sent", mode, id, n)
			}
		}
	}
}

// companionToy is ledgerToy with work beside its serial part: tick t has t%5
// pieces (none at all some ticks), each counted as it runs.
type companionToy struct {
	ledgerToy
	tick, merged int
	calls        [4]atomic.Int32
	early        atomic.Int32 // pieces run before the tick's local part was merged
	bad          []string
	// The serial part panics at tick 3 at the first agent from
	// serialPanicID on, which panicked names.
	serialPanicID, panicked int32
}

func (t *companionToy) BeginTick(e *Engine) { t.ledgerToy.BeginTick(e); t.tick = e.Tick() }
func (t *companionToy) MergeBlocks(n int)   { t.ledgerToy.MergeBlocks(n); t.merged = t.tick }
func (t *companionToy) CompanionPieces() int {
	return t.tick % 5
}
func (t *companionToy) Companion(e *Engine, i int) {
	if t.merged != e.Tick() {
		t.early.Add(1)
	}
	t.calls[i].Add(1)
}
func (t *companionToy) ApplyAgent(e *Engine, id int32, c *Context) error {
	if t.serialPanicID >= 0 && id >= t.serialPanicID && c.Tick == 3 {
		t.panicked = id
		panic("serial boom")
	}
	return t.ledgerToy.ApplyAgent(e, id, c)
}

// EndTick checks that every piece ran once this tick, before the
// environment.
func (t *companionToy) EndTick(e *Engine) error {
	for i := range t.calls {
		want := int32(0)
		if i < e.Tick()%5 {
			want = 1
		}
		if got := t.calls[i].Swap(0); got != want && len(t.bad) < 5 {
			t.bad = append(t.bad, fmt.Sprintf("tick %d: piece %d ran %d times", e.Tick(), i, got))
		}
	}
	return nil
}

func runCompanionToy(t *testing.T, mode Mode, workers int, panicID int32) (*companionToy, [][]float64, error) {
	t.Helper()
	m := &companionToy{ledgerToy: ledgerToy{panicID: -1}, serialPanicID: panicID}
	e := NewEngine(Config{Seed: 5, Ticks: 12, Mode: mode, Workers: workers}, m)
	for range spenders {
		e.Spawn(&spender{})
	}
	r := &rows{}
	e.Observe(r)
	err := e.Run(context.Background())
	return m, r.got, err
}

// TestSerialCompanionRunsOnceATick: a SerialCompanion's pieces run once a
// tick, after the local part and before the environment, beside the serial
// part or after it, in either mode and on one worker or two, with the same
// rows; a panic in the serial part still names its agent.
func TestSerialCompanionRunsOnceATick(t *testing.T) {
	var ref [][]float64
	for _, mode := range []Mode{ModeShards, ModeActors} {
		for _, workers := range []int{1, 2} {
			m, got, err := runCompanionToy(t, mode, workers, -1)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.bad) > 0 || m.early.Load() > 0 {
				t.Fatalf("%v, %d workers: %v; %d pieces ran before the local part", mode, workers, m.bad, m.early.Load())
			}
			if ref == nil {
				ref = got
			} else if !slices.EqualFunc(got, ref, slices.Equal) {
				t.Fatalf("%v, %d workers: rows differ", mode, workers)
			}
			m, got, err = runCompanionToy(t, mode, workers, 2345)
			var ae *AgentError
			if !errors.As(err, &ae) || ae.ID != m.panicked || ae.ID < 2345 || ae.Tick != 3 || ae.Value != "serial boom" {
				t.Fatalf("%v, %d workers: got %v, want an AgentError for agent %d at tick 3", mode, workers, err, m.panicked)
			}
			if len(got) != 3 {
				t.Fatalf("%v, %d workers: %d rows recorded before the panic, want 3", mode, workers, len(got))
			}
		}
	}
}
