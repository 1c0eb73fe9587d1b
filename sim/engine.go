package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"
)

// Config sets up an Engine.
type Config struct {
	// Seed keys every random stream of the run.
	Seed uint64
	// Ticks is how many ticks Run advances.
	Ticks int
	// Mode chooses how the decide phase is scheduled; it never changes results.
	Mode Mode
	// Workers is how many goroutines share the parallel steps of a tick
	// (the shards' decide or the actors' runs, the local apply, the
	// model's ParallelFor steps); zero means GOMAXPROCS, one runs
	// everything on the engine's goroutine (a sweep running many worlds at
	// once wants that). More than GOMAXPROCS run as GOMAXPROCS; Run
	// refuses more than MaxWorkers.
	Workers int
	// Adaptive lets an engine with more than one worker run stretches of
	// ticks on fewer of its goroutines, down to its own alone, when it
	// measures that faster, as it is for small worlds on some machines
	// (coreChooser); the choice never changes results. It is for runs a
	// user did not pin to a number of workers; benchmarks pin them.
	Adaptive bool
	// Transport sets link latency, capacity and loss.
	Transport TransportConfig
}

// MaxWorkers bounds Config.Workers: far beyond any machine's cores, and low
// enough that a mistyped count (an agent count where workers were meant)
// is refused with an error rather than quietly run on GOMAXPROCS.
const MaxWorkers = 1024

// Engine runs a Model with its agents tick by tick.
type Engine struct {
	cfg       Config
	model     Model
	Net       *Network
	Transport *Transport
	// agents is by ID, in pages dropped once all their agents are reaped
	// (gone counts them, by page). slots stays one flat slice: every
	// phase reaches a context through it, and in pages it cost the 100k
	// forest about 5% a tick. dead keeps every ID, a byte each, since any
	// ID may be asked about.
	agents    Pages[Agent]
	slots     []*Context
	gone      pageTally
	dead      []bool
	live      []int32
	killed    int
	tick      int
	observers []Observer
	obsErr    error
	row       []float64
	sched     scheduler
	pool      *pool       // the parallel steps' helpers, while Run runs
	arrivals  [][]Message // messages taken this tick, by recipient band
	splitMin  int         // messages in flight from which delivery splits
	// splitAloneMin is splitMin for an engine without helpers.
	splitAloneMin int
	// What besideRecord's step runs: the split's booking pass for booking,
	// the serial delivery for nil; the model working out its row beside
	// it; and the step itself, bound once. booking is also the model whose
	// bands the split then hands over (arriveBand, bound as arriveFn).
	booking    ArrivalSplitter
	preparer   RecordPreparer
	prepPieces int
	besideFn   func(int)
	arriveFn   func(int)
	splits     int           // ticks whose delivery was split
	warmMin    int           // live agents from which the local apply reads ahead
	warmed     int           // ticks whose local apply read ahead
	blocks     []*blockState // the local apply's per-block state, reused
	// The local apply's model and whether it reads ahead, for the tick,
	// and its step (localBlock), bound once.
	localLM   LocalApplier
	localWarm bool
	localFn   func(b, w int)
	sendBufs  []sendBuf // the local apply's routed messages, by goroutine
	// cursors holds, for each block of a BlockDecider's decide, the agent
	// it is working on, a cache line apart so that the cores writing them
	// do not contend; a pointer to a local would escape to the heap.
	cursors []int32
	serial  []int32 // agents left for the serial apply, reused
	timings Timings
	// cores chooses how an adaptive engine's ticks run; it lasts from one
	// Run to the next, as a run's world does.
	cores *coreChooser
	// contexts holds the agents' contexts in ID order (Pages), those
	// of agents reaped since the last compaction included: births then
	// cost an allocation per thousand agents, not one each, and once a
	// quarter belong to reaped agents, reap compacts them, so memory follows
	// the live population rather than every agent the run has had, and the
	// contexts a tick walks stay dense. A context moves only there, between
	// ticks, and its slot follows it.
	contexts Pages[Context]
	reaped   int // contexts of agents reaped since the last compaction
	// filed is, by message kind, whether delivery files the kind in its
	// recipient's inbox (filedKinds).
	filed    [256]bool
	panicked atomic.Bool // an agent's decide panicked; its slot holds the error

	// The apply's serial part and what runs beside it (besideSerial):
	// the agent being applied, for a panic's error; the agents left for
	// the serial part and its error; the model's companion work; and the
	// steps, bound once.
	applyCur                    int32
	serialOrder                 []int32
	serialErr                   error
	companion                   SerialCompanion
	besideSerialFn, companionFn func(int)
}

// Timings is where a run's wall time went, by phase of the tick, summed over
// the ticks advanced so far. It is for finding what to speed up; it never
// feeds back into results.
type Timings struct {
	// Decide is the agents' decide phase.
	Decide time.Duration
	// Apply is routing outboxes and committing decisions, both parts.
	Apply time.Duration
	// ApplySerial is the part of Apply spent on the serial part, in ID
	// order: births, deaths, links, shared cells; with a SerialCompanion's
	// work, which runs beside it or after it.
	ApplySerial time.Duration
	// Environment is the model's EndTick: environment processes, failures.
	Environment time.Duration
	// Deliver is handing over due messages and reaping the dead.
	Deliver time.Duration
	// Record is computing indicators and passing rows to observers.
	Record time.Duration
	// Ticks is how many ticks the durations cover.
	Ticks int
	// AgentSteps is how many agents decided over those ticks: the live
	// count summed tick by tick, so a population that grows or shrinks
	// during a measurement is counted as it was.
	AgentSteps int64
	// Alone is how many of the ticks an adaptive engine (Config.Adaptive)
	// ran on its own goroutine alone, as its chooser counted them.
	Alone int
}

// busy is the time of the ticks' phases together: the ticks' wall time,
// but for the model's BeginTick.
func (t *Timings) busy() time.Duration {
	return t.Decide + t.Apply + t.Environment + t.Deliver + t.Record
}

// Timings returns where the wall time of the ticks so far went.
func (e *Engine) Timings() Timings {
	t := e.timings
	if e.cores != nil {
		t.Alone = e.cores.ran[0] // the ladder's first rung is one goroutine
	}
	return t
}

// NewEngine returns an engine for model; agents are added with Spawn.
func NewEngine(cfg Config, model Model) *Engine {
	e := &Engine{cfg: cfg, model: model, Net: NewNetwork(), splitMin: arriveSplitMin, splitAloneMin: arriveSplitAloneMin, warmMin: applyWarmMin}
	e.filed = filedKinds(model)
	e.bindSteps()
	e.Transport = NewTransport(e.Net, cfg.Seed, cfg.Transport)
	e.row = make([]float64, len(model.IndicatorNames()))
	return e
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// Tick returns the current tick: the one being decided or applied, or, after
// Run, the last one completed.
func (e *Engine) Tick() int { return e.tick }

// Observe adds an observer.
func (e *Engine) Observe(o Observer) { e.observers = append(e.observers, o) }

// Spawn adds an agent and returns its ID. Called before Run or from the apply
// phase; the agent first decides in the next tick.
func (e *Engine) Spawn(a Agent) int32 {
	id := int32(e.agents.Len())
	e.agents.Push(a)
	e.slots = append(e.slots, e.contexts.At(e.contexts.Push(Context{ID: id, Rand: NewStream(e.cfg.Seed, int64(id))})))
	e.dead = append(e.dead, false)
	e.live = append(e.live, id)
	return id
}

// Reserve makes room for n more agents, so that a big world built agent by
// agent does not copy its tables as they grow.
func (e *Engine) Reserve(n int) {
	e.slots = slices.Grow(e.slots, n)
	e.dead = slices.Grow(e.dead, n)
	e.live = slices.Grow(e.live, n)
}

// Kill removes agent id at the end of the current apply phase and takes it
// out of the network; its goroutine, if any, exits.
func (e *Engine) Kill(id int32) {
	if e.dead[id] {
		return
	}
	e.dead[id] = true
	e.killed++
	e.Net.RemoveNode(id)
}

// Alive reports whether id is a live agent.
func (e *Engine) Alive(id int32) bool { return int(id) < len(e.dead) && id >= 0 && !e.dead[id] }

// Agent returns agent id, or nil once it has been reaped and every other
// agent in its page of IDs too.
func (e *Engine) Agent(id int32) Agent { return e.agents.Get(id) }

// Live returns the live agent IDs in ascending order; read-only.
func (e *Engine) Live() []int32 { return e.live }

// NumAgents returns how many IDs have been handed out.
func (e *Engine) NumAgents() int { return e.agents.Len() }

// Emit sends ev to every observer; call it from the apply phase only.
func (e *Engine) Emit(ev Event) {
	ev.Tick = e.tick
	for _, o := range e.observers {
		if err := o.Event(ev); err != nil && e.obsErr == nil {
			e.obsErr = err
		}
	}
}

func kindOf(a Agent) string {
	if k, ok := a.(Kinded); ok {
		return k.Kind()
	}
	return fmt.Sprintf("%T", a)
}

// decideRun decides the agents of ids in order. It catches a panic once for
// the run rather than once per agent, which the shards' tight loop notices;
// after a panic it goes on with the agents that follow.
func (e *Engine) decideRun(ids []int32) {
	for len(ids) > 0 {
		ids = e.decideUntilPanic(ids)
	}
}

// decideUntilPanic decides ids in order until one panics, and returns the
// agents after it (none when no agent panicked).
func (e *Engine) decideUntilPanic(ids []int32) (rest []int32) {
	i := 0
	defer func() {
		if r := recover(); r != nil {
			e.decidePanicked(ids[i], r)
			rest = ids[i+1:]
		}
	}()
	for ; i < len(ids); i++ {
		id := ids[i]
		c := e.slots[id]
		c.Tick = e.tick
		(*e.agents.At(id)).Decide(c)
	}
	return nil
}

// BlockDecider is a Model that decides a block of agents at once when the
// shards scheduler runs them; actors still call each agent's Decide. Doing a
// step for every agent of a block before the next step lets the processor
// overlap one agent's long chains of arithmetic (an exponential, a cube root:
// tens of nanoseconds each, mostly waiting) with the next agent's, where a
// whole Decide at a time leaves them end to end.
//
// DecideBlock must leave every agent's state and slot exactly as calling
// the agents' Decide in order would. Before working on an agent in a way that
// may panic it sets *cur to its ID, and it may panic only in a pass over the
// agents in ascending order that does everything that may panic, so a panic
// is laid at the door of the agent with the lowest ID that would have
// panicked, as with one Decide at a time.
type BlockDecider interface {
	Model
	DecideBlock(e *Engine, ids []int32, cur *int32)
}

// Slot returns agent id's context for the tick being decided; a
// BlockDecider uses it to reach each agent's stream and outbox. It is nil
// for an agent reaped in an earlier tick, and a context may move between
// ticks, so it must not be kept beyond the tick.
func (e *Engine) Slot(id int32) *Context { return e.slots[id] }

// cursorStride is the spacing of the blocks' cursors: a cache line.
const cursorStride = 16

// decideBlock decides ids, block b of the live list, through the model's
// DecideBlock, turning a panic into an error in the slot of the agent it
// names.
func (e *Engine) decideBlock(bd BlockDecider, b int, ids []int32) {
	cur := &e.cursors[b*cursorStride]
	*cur = -1
	defer func() {
		if r := recover(); r != nil {
			id := *cur
			if id < 0 {
				id = ids[0]
			}
			e.decidePanicked(id, r)
		}
	}()
	for _, id := range ids {
		e.slots[id].Tick = e.tick
	}
	bd.DecideBlock(e, ids, cur)
}

// decideOne runs one agent's decide, turning a panic into an error in its
// slot: an actor's own, lighter than a run of one through decideRun.
func (e *Engine) decideOne(id int32) {
	c := e.slots[id]
	defer func() {
		if r := recover(); r != nil {
			e.decidePanicked(id, r)
		}
	}()
	c.Tick = e.tick
	(*e.agents.At(id)).Decide(c)
}

// decidePanicked keeps agent id's decide panic r as an error in its slot,
// for the engine to report once the phase is over.
func (e *Engine) decidePanicked(id int32, r any) {
	e.slots[id].err = &AgentError{ID: id, Kind: kindOf(*e.agents.At(id)), Tick: e.tick, Value: r, Stack: debug.Stack()}
	e.panicked.Store(true)
}

// ErrNumerical marks an indicator that came out NaN or infinite.
var ErrNumerical = errors.New("sim: indicator is not a finite number")

// Record sends the current indicators to the observers as the row for the
// current tick. Run calls it for tick 0 and after every tick. A row with a
// NaN or an infinity is not recorded: the run stops with everything up to
// the previous tick recorded.
func (e *Engine) Record() error {
	e.model.Indicators(e, e.row)
	for i, v := range e.row {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s = %v at tick %d", ErrNumerical, e.model.IndicatorNames()[i], v, e.tick)
		}
	}
	for _, o := range e.observers {
		if err := o.Tick(e.tick, e.row); err != nil {
			return err
		}
	}
	return nil
}

// Run records the initial state, then advances to cfg.Ticks. It returns
// ErrInterrupted (wrapped) when ctx is cancelled, an *AgentError when an agent
// panics, or the first observer error. In every case all agent goroutines
// have exited when it returns.
func (e *Engine) Run(ctx context.Context) error {
	if w := e.cfg.Workers; w < 0 || w > MaxWorkers {
		return fmt.Errorf("sim: Config.Workers is %d; it must be 0 (one per core) to %d", w, MaxWorkers)
	}
	e.startPool()
	defer e.stopPool()
	e.sched = newScheduler(e)
	defer e.sched.close()
	if e.tick == 0 {
		if err := e.Record(); err != nil {
			return err
		}
	}
	// The chooser of an adaptive engine with helpers in this run, or nil.
	var cores *coreChooser
	if e.cfg.Adaptive && e.pool.helpers > 0 {
		cores = e.cores
	}
	for e.tick < e.cfg.Ticks {
		if err := ctx.Err(); err != nil {
			if errors.Is(err, context.Canceled) {
				// A signal: the cause would only say so again.
				return fmt.Errorf("%w at tick %d", ErrInterrupted, e.tick)
			}
			return fmt.Errorf("%w at tick %d: %w", ErrInterrupted, e.tick, err)
		}
		// The tick's time is what step's own timers add up, so the
		// chooser costs no clock reads of its own.
		busy, steps := e.timings.busy(), e.timings.AgentSteps
		if err := e.step(); err != nil {
			return err
		}
		if cores != nil {
			e.pool.setActive(cores.tick(e.timings.busy()-busy, e.timings.AgentSteps-steps))
		}
	}
	return nil
}

// ParallelFor calls fn(0..n-1) on the engine's goroutine and its helpers
// and returns when every call has returned; outside Run, or from inside
// another ParallelFor's fn, it calls them in order. Which goroutine runs
// which index is left to chance, so fn(i) must write only what belongs to
// i. Models use it for whole-world steps cut into fixed pieces, from the
// model's own methods; agents' Decide must not call it, since in actors
// mode many of them run at once and a step has one caller at a time.
func (e *Engine) ParallelFor(n int, fn func(int)) { e.pool.run(n, fn) }

// WithHelpers runs fn with the engine's helpers started, as they are during
// Run, so that ParallelFor inside fn spreads over the cores; it is for
// driving a model's steps directly (benchmarks, tools).
func (e *Engine) WithHelpers(fn func()) {
	e.startPool()
	defer e.stopPool()
	fn()
}

func (e *Engine) startPool() {
	w := e.poolWorkers()
	e.pool = newPool(w - 1)
	if e.cfg.Adaptive && w > 1 {
		if e.cores == nil || e.cores.ladder[len(e.cores.ladder)-1] != w {
			e.cores = newCoreChooser(w)
		}
		e.pool.setActive(e.cores.workers())
	}
}

// poolWorkers is how many goroutines the pool of a run has: Config.Workers,
// but never more than GOMAXPROCS. Goroutines beyond the cores Go runs
// could only wait their turn, and each step must wait for every one of
// them: the default forest without its control took 1.10 s on 2 workers,
// 1.20 s on 16 and 1.99 s on 64, and the 57-agent tiny world 0.09 s on 2
// and 14.9 s on 1,024. Results do not depend on the count.
func (e *Engine) poolWorkers() int {
	procs := runtime.GOMAXPROCS(0)
	if e.cfg.Workers > 0 {
		return min(e.cfg.Workers, procs)
	}
	return procs
}

func (e *Engine) stopPool() {
	e.pool.close()
	e.pool = nil
}

// TicksByWorkers is how many ticks an adaptive engine has run on each
// number of goroutines it chose (Config.Adaptive), those it never ran on
// left out; nil if it chose none.
func (e *Engine) TicksByWorkers() map[int]int {
	if e.cores == nil {
		return nil
	}
	m := map[int]int{}
	for i, n := range e.cores.ran {
		if n > 0 {
			m[e.cores.ladder[i]] = n
		}
	}
	return m
}

// Adapt sets Config.Adaptive; it is called between runs.
func (e *Engine) Adapt(on bool) { e.cfg.Adaptive = on }

// Advance runs n more ticks beyond the current one, whatever cfg.Ticks says;
// benchmarks and interactive drivers use it to step a run further.
func (e *Engine) Advance(ctx context.Context, n int) error {
	e.cfg.Ticks = e.tick + n
	return e.Run(ctx)
}

// step advances one tick: decide, apply, environment, deliver, record.
func (e *Engine) step() error {
	e.tick++
	e.timings.Ticks++
	e.model.BeginTick(e)
	e.timings.AgentSteps += int64(len(e.live))
	t0 := time.Now()
	e.sched.decide(e.live)
	if e.panicked.Load() {
		// The lowest ID that panicked, whichever goroutine saw it first.
		for _, id := range e.live {
			if c := e.slots[id]; c.err != nil {
				return c.err
			}
		}
	}
	t1 := time.Now()
	e.timings.Decide += t1.Sub(t0)
	if err := e.apply(); err != nil {
		return err
	}
	t2 := time.Now()
	e.timings.Apply += t2.Sub(t1)
	if err := e.guard("environment", func() error { return e.model.EndTick(e) }); err != nil {
		return err
	}
	t3 := time.Now()
	e.timings.Environment += t3.Sub(t2)
	if err := e.guard("delivery", e.deliver); err != nil {
		return err
	}
	t4 := time.Now()
	e.timings.Deliver += t4.Sub(t3)
	if e.obsErr != nil {
		return e.obsErr
	}
	err := e.Record()
	e.timings.Record += time.Since(t4)
	return err
}

// apply routes every outbox and commits what the agents decided: the local
// part over blocks at once when the model has one, then the rest serially
// in ID order, with a SerialCompanion's work beside it.
func (e *Engine) apply() (err error) {
	e.applyCur = -1
	defer func() {
		if r := recover(); r != nil {
			err = e.applyPanic(r)
		}
	}()
	order := e.live
	lm, local := e.model.(LocalApplier)
	if local {
		if order, err = e.applyLocal(lm); err != nil {
			return err
		}
	}
	start := time.Now()
	defer func() { e.timings.ApplySerial += time.Since(start) }()
	sc, ok := e.model.(SerialCompanion)
	if !ok || !local {
		return e.applySerial(order, local)
	}
	n := sc.CompanionPieces()
	e.companion = sc
	defer func() { e.companion = nil }()
	if e.pool.alone() || n == 0 {
		// Alone, the companion's pieces follow the serial part.
		if err := e.applySerial(order, local); err != nil {
			return err
		}
		e.ParallelFor(n, e.companionFn)
		return nil
	}
	e.serialOrder, e.serialErr = order, nil
	e.ParallelFor(1+n, e.besideSerialFn)
	e.serialOrder = nil
	return e.serialErr
}

// applyPanic is the error for a panic in the apply phase, naming the agent
// being applied when there was one.
func (e *Engine) applyPanic(r any) *AgentError {
	ae := &AgentError{ID: e.applyCur, Kind: "apply", Tick: e.tick, Value: r, Stack: debug.Stack()}
	if e.applyCur >= 0 {
		ae.Kind = kindOf(*e.agents.At(e.applyCur))
	}
	return ae
}

// applySerial is the serial part of the apply, over order in ID order.
func (e *Engine) applySerial(order []int32, local bool) error {
	for _, id := range order {
		e.applyCur = id
		c := e.slots[id]
		// With a local part, every outbox was routed there. What an
		// ApplyLocal added waits, as what an ApplyAgent adds does, for
		// the next tick's apply: routed now, it would be a second batch
		// from its sender, its capacity counted afresh.
		if !local {
			e.Transport.one.caps.reset()
			for _, m := range c.Out {
				outcome, amount := e.Transport.sendOne(e.tick, m, &e.Transport.one.caps, &c.seq)
				if outcome != Rejected {
					m.Amount = amount
					e.model.MessageSent(e, m, amount, outcome == LostOnSend)
				}
			}
			c.Out = c.Out[:0]
		}
		if !e.dead[id] {
			if err := e.model.ApplyAgent(e, id, c); err != nil {
				return err
			}
		}
		c.Inbox = c.Inbox[:0]
	}
	e.applyCur = -1
	return nil
}

// SerialCompanion is a LocalApplier with work of its own for the apply
// phase that reads nothing the serial part writes and writes nothing it
// reads. On more than one core in shards mode the engine runs it beside
// the serial part, where the other cores would otherwise wait; otherwise
// after it. Either way it runs once a tick, after the local part, and the
// result is the same.
type SerialCompanion interface {
	LocalApplier
	// CompanionPieces is the number of pieces of the work this tick;
	// they may run at once, in any order.
	CompanionPieces() int
	// Companion runs piece i.
	Companion(e *Engine, i int)
}

// bindSteps binds the engine's parallel steps to it once: a method value
// made at every step would be a heap allocation every tick.
func (e *Engine) bindSteps() {
	e.besideFn, e.localFn, e.arriveFn = e.besidePiece, e.localBlock, e.arriveBand
	e.besideSerialFn, e.companionFn = e.besideSerial, e.companionPiece
}

// besideSerial is apply's step when the serial part has company: piece 0
// is the serial part, the others the companion's, so the engine's
// goroutine starts the serial part at once and a helper the companion. A
// panic in the serial part is caught here, where its stack is still the
// agent's.
func (e *Engine) besideSerial(i int) {
	if i > 0 {
		e.companion.Companion(e, i-1)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			e.serialErr = e.applyPanic(r)
		}
	}()
	e.serialErr = e.applySerial(e.serialOrder, true)
}

// companionPiece runs the companion's piece i on its own.
func (e *Engine) companionPiece(i int) { e.companion.Companion(e, i) }

// deliver hands over the messages due at the next tick's decide, then drops
// the agents killed this tick. With helpers to share it and enough messages
// in flight, an ArrivalSplitter's delivery runs over bands of recipients;
// otherwise the serial path is cheaper, and it gives the same result.
// Either way its serial part leaves a core free, which in shards mode a
// RecordPreparer's indicators take (besideRecord).
func (e *Engine) deliver() error {
	from := e.splitMin
	if e.pool.alone() {
		from = max(from, e.splitAloneMin)
	}
	if as, ok := e.model.(ArrivalSplitter); ok && e.pool != nil && len(e.Transport.inflight) >= from {
		e.deliverSplit(as)
		e.reap()
		return nil
	}
	e.besideRecord(nil)
	e.reap()
	return nil
}

// besideRecord runs a serial part of delivery (deliverPart: the split's
// booking pass for booking, the serial path for nil) while a helper works
// out what a RecordPreparer can of the tick's row; without helpers, or for
// another model, it just runs that part. Measured with the
// forest on 2 cores in shards mode (8 interleaved pairs at 10,000 agents, 4
// at 100,000): the record phase 7.47 → 4.51 ns an agent-step at 10,000
// agents and 15.89 → 12.19 at 100,000, delivery unchanged, the tick 4.5%
// faster at 10,000 (p=0.05); in a slower state of the machine (round trip
// 86–134 ns, 8 pairs) the walks slowed the booking beside them, delivery
// 13.5 → 15.8, record 8.9 → 5.4, the tick 2.8% faster (within noise). In
// actors mode, when each agent's goroutine woke the next over a channel,
// the walks beside delivery made it slower by more than they saved
// (10,000 agents, 6 pairs: the tick 389 → 406, within noise), and actors
// mode went without them and without the companion beside the serial
// apply. Since its goroutines are coroutines resumed by the pool's
// goroutines, it runs both, and with them the forest's tick in actors
// mode on 2 cores took 8.6% less at 10,000 agents and 4.0% at 100,000 (4
// interleaved pairs each, lower in every pair; the record 13.8 → 6.8 and
// 15.8 → 11.0 ns an agent-step, delivery 18.9 → 19.8 and 21.4 → 22.7). The
// part is named by its splitter, not passed as a function, and the step's
// function is bound once (besideFn), so a tick allocates nothing for it.
func (e *Engine) besideRecord(booking ArrivalSplitter) {
	rp, ok := e.model.(RecordPreparer)
	if !ok || e.pool.alone() {
		e.deliverPart(booking)
		return
	}
	// Delivery is piece 0, then the preparer's pieces; whichever core is
	// free takes the next.
	e.booking, e.preparer, e.prepPieces = booking, rp, rp.RecordPieces()
	e.ParallelFor(1+e.prepPieces, e.besideFn)
	e.booking, e.preparer = nil, nil
}

// besidePiece is besideRecord's step: piece 0 delivers, the others are the
// preparer's. The pool hands the engine's goroutine the first half of the
// pieces, delivery first, and the helper the second half; so the preparer's
// first piece, its longest, goes to the head of the second half, where the
// helper starts it at once, and delivery's core takes the short pieces
// after it. Which core runs which piece changes nothing but the time.
func (e *Engine) besidePiece(i int) {
	if i == 0 {
		e.deliverPart(e.booking)
		return
	}
	switch mid := (1 + e.prepPieces) / 2; {
	case i == mid:
		i = 0
	case i > mid:
		i--
	}
	e.preparer.PrepareRecord(e, i)
}

// deliverPart runs the split's booking pass for booking, or for nil the
// serial delivery.
func (e *Engine) deliverPart(booking ArrivalSplitter) {
	if booking != nil {
		e.bookSplit(booking)
	} else {
		e.deliverSerial()
	}
}

// deliverSerial hands over every due message in send order on the calling
// goroutine.
func (e *Engine) deliverSerial() {
	e.Transport.Deliver(e.tick+1, func(m Message) bool {
		// The model sees every arrival, even at a dead agent, so it can
		// book what the message carried as lost.
		if !e.model.MessageArrived(e, m) || e.dead[m.To] {
			return false
		}
		if e.filed[m.Kind] {
			c := e.slots[m.To]
			c.Inbox = append(c.Inbox, m)
		}
		return true
	})
}

// RecordPreparer is a Model part of whose indicators reads nothing that
// delivery writes (the network's shape, the grid, say), so that it can be
// worked out while the messages are delivered: on a second core, when
// delivery runs serially, it takes that part off the record phase.
type RecordPreparer interface {
	Model
	// PrepareRecord works out that part for the current tick's row, which
	// Indicators then uses. It runs beside delivery, so it must not read
	// what delivery writes (recipients' records and inboxes, the messages
	// in flight, what MessageArrived books) nor write what delivery reads;
	// Indicators must give the same row whether it ran or not. The work is
	// cut into RecordPieces pieces, piece 0 the longest; they run at once,
	// in any order, each writing only its own part.
	PrepareRecord(e *Engine, piece int)
	// RecordPieces is how many pieces PrepareRecord has this tick.
	RecordPieces() int
}

// guard runs one of the model's whole-world steps, turning a panic in it
// into an error that names the step.
func (e *Engine) guard(step string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &AgentError{ID: -1, Kind: step, Tick: e.tick, Value: r, Stack: debug.Stack()}
		}
	}()
	return fn()
}

// forget counts reaped agent id against its page of IDs, and once all
// PageLen agents of the page are reaped, lets go of the page in every table
// indexed by ID that only live agents use: a long run's births then cost
// memory while their agents live, not for the rest of the run. An ID is
// reaped once.
func (e *Engine) forget(id int32) {
	k, full := e.gone.add(id)
	if !full {
		return
	}
	e.agents.Drop(k)
	e.Net.adj.Drop(k)
	// So with the buffer of arrivals for a band of IDs all reaped, which
	// would otherwise keep the most that band ever received.
	const pagesPerBand = 1 << (arriveShift - pageShift)
	if b := k / pagesPerBand; b < len(e.arrivals) {
		all := true
		for p := b * pagesPerBand; p < (b+1)*pagesPerBand; p++ {
			all = all && e.gone.full(p)
		}
		if all {
			e.arrivals[b] = nil
		}
	}
}

// reap drops killed agents from the live list and their slots, and
// compacts the contexts once a quarter belong to reaped agents.
func (e *Engine) reap() {
	e.Net.forgetLinks()
	if e.killed == 0 {
		return
	}
	keep := e.live[:0]
	for _, id := range e.live {
		if e.dead[id] {
			e.sched.retire(id)
			c := e.slots[id]
			c.Inbox, c.Out = nil, nil
			e.slots[id] = nil
			e.reaped++
			e.forget(id)
			continue
		}
		keep = append(keep, id)
	}
	e.live = keep
	e.killed = 0
	if e.reaped > e.contexts.Len()/4 {
		e.contexts.Compact(func(c *Context) bool { return !e.dead[c.ID] },
			func(c *Context, _ int32) { e.slots[c.ID] = c })
		e.reaped = 0
	}
}
