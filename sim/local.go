package sim

import (
	"runtime/debug"
	"unsafe"

	"github.com/ecosim/ecosim/internal/prefetch"
)

// LocalApplier is a Model whose apply phase splits in two. The local part of
// every agent runs over fixed blocks of the live list at once: it commits
// what touches only the agent's own record, its own cell and its block's
// partial sums. What reaches further (births, deaths, links, cells others
// share) is left for ApplyAgent, called serially in ID order afterwards. The
// blocks are cut by position in the live list, never by worker count, and
// each block's partials are folded in block order, so the result does not
// depend on how many cores ran the blocks or in which order they finished.
type LocalApplier interface {
	Model
	// PrepareBlocks is called serially before the local part with the
	// number of blocks, so the model can size and clear its partials.
	PrepareBlocks(n int)
	// SentLocal is MessageSent for a message routed in the local part of
	// block; it may touch only the sender's record and the block's partials.
	SentLocal(e *Engine, m Message, amount float64, lost bool, block int)
	// ApplyLocal commits the local part of agent id's decision after its
	// outbox has been routed; it reports whether ApplyAgent must follow.
	// A message it adds to c.Out is routed at the next tick's apply.
	ApplyLocal(e *Engine, id int32, c *Context, block int) (serial bool)
	// MergeBlocks folds the n blocks' partials into the totals, in block
	// order, serially.
	MergeBlocks(n int)
}

// applyBlock is the number of live agents per block of the local apply:
// large enough that per-block bookkeeping is negligible, small enough that
// two cores share the work evenly. It is fixed, since partial sums depend on
// where blocks are cut.
const applyBlock = 512

// blockState is what one block of the local apply gathers. What it routed
// sits in the send buffer of the goroutine that ran it (Engine.sendBufs),
// between the marks it took before and after: one buffer per goroutine
// holds about what a tick routes, where one per block came to hold each
// block's most ever (four times as much after 3,000 ticks at 100,000
// agents), and fills one run of memory rather than hundreds.
type blockState struct {
	w          int    // the goroutine that ran the block
	msgs       [2]int // its part of that goroutine's buffer, [from, to)
	sent, lost int64
	serial     []int32 // agents that still need ApplyAgent, ascending
	err        error
}

// applyLocal runs the local part of the apply phase over blocks in parallel,
// then folds the blocks in order; it returns the agents left for the serial
// part, in ID order.
func (e *Engine) applyLocal(lm LocalApplier) ([]int32, error) {
	live := e.live
	nb := (len(live) + applyBlock - 1) / applyBlock
	for len(e.blocks) < nb {
		e.blocks = append(e.blocks, &blockState{})
	}
	for len(e.sendBufs) < e.pool.workers() {
		e.sendBufs = append(e.sendBufs, sendBuf{})
	}
	for i := range e.sendBufs {
		e.sendBufs[i].reset()
	}
	lm.PrepareBlocks(nb)
	warm := len(live) >= e.warmMin || e.cfg.Mode == ModeActors
	if warm {
		e.warmed++
	}
	e.localLM, e.localWarm = lm, warm
	e.pool.runBy(nb, e.localFn)
	e.localLM = nil
	e.serial = e.serial[:0]
	for _, bs := range e.blocks[:nb] {
		if bs.err != nil {
			return nil, bs.err
		}
		buf := &e.sendBufs[bs.w]
		e.Transport.merge(&sendBuf{
			msgs: buf.msgs[bs.msgs[0]:bs.msgs[1]],
			sent: bs.sent, lost: bs.lost,
		})
		e.serial = append(e.serial, bs.serial...)
	}
	lm.MergeBlocks(nb)
	e.evenSendBufs()
	return e.serial, nil
}

// evenSendBufs gives every goroutine's send buffer room for all the tick
// routed and a quarter more, and its capacity table and read-ahead scratch
// the size of the largest. Which blocks a goroutine runs is left to
// chance, so without it a buffer grew, an allocation, whenever chance
// first gave its goroutine more than it had ever had, at any time in a
// run, however settled the world; with it, only when the world's own
// traffic grows by a quarter. Made to the tick's size exactly, a buffer
// was made anew at every tick of a world whose traffic grows a little each
// tick, as a forest's does while it fills in: at 100,000 agents that was
// two buffers of about 3 MB a tick, and the 250-tick run took 4.7 s and
// 150 MB rather than 4.1 s and 132 MB. The buffers' contents are spent by
// now (merged, and each table is reset at every sender).
func (e *Engine) evenSendBufs() {
	total, slots, lines := 0, 0, 0
	for i := range e.sendBufs {
		b := &e.sendBufs[i]
		total += len(b.msgs)
		slots, lines = max(slots, len(b.caps.slots)), max(lines, cap(b.lines))
	}
	// The tables and the scratch follow the largest as it is: they grow
	// within a tick only for a sender or a block that needs more, which
	// the traffic's total does not foretell.
	for i := range e.sendBufs {
		b := &e.sendBufs[i]
		if cap(b.msgs) < total {
			b.msgs = make([]Message, 0, total+total/4)
		}
		if cap(b.lines) < lines {
			b.lines = make([]uintptr, 0, lines)
		}
		if len(b.caps.slots) < slots {
			b.caps.slots, b.caps.n = make([]capSlot, slots), 0
		}
	}
}

// applyWarmMin is the live population from which the local apply reads
// each block ahead (warmBlock): below it a world's outboxes, links and
// cells mostly stay in the caches from one phase to the next, and the
// extra pass only costs (measured in shards mode: 3,752 agents 4.8% slower,
// 10,000 2%; with prefetches, 10,000 agents' apply 5% slower on 1 core).
// In actors mode the apply reads ahead at every size: the
// decide phase has run through every agent's goroutine stack, which leaves
// nothing of the world in the caches (measured: 10,000 agents on 1 core,
// apply 92 → 65 ns/agent-step).
const applyWarmMin = 1 << 15

// warmBlock asks for the record of the link each message of a block's
// outboxes is about to take, where its capacity entry sits too. In a big
// world these lie anywhere in memory, and routing the messages one at a
// time waits for each miss in turn. Loads of them all ahead, as this loop
// once made, overlap only as many misses as the processor's window of
// instructions holds, since nothing after a load retires before its data
// comes; a prefetch retires at once, so a block's worth are in flight
// together. Measured at 100,000 agents on 1 core against those loads (5
// pairs, BENCHMARKS.md): the apply 97.6 → 87.9 ns/agent-step, the tick
// −3.5%. lines is scratch for the addresses, returned for reuse.
func (e *Engine) warmBlock(ids []int32, lines []uintptr) []uintptr {
	links := &e.Net.links
	lines = lines[:0]
	for _, id := range ids {
		for _, m := range e.slots[id].Out {
			if r := links.Ref(m.Link); r != nil {
				lines = append(lines, uintptr(unsafe.Pointer(r)))
			}
		}
	}
	prefetch.Lines(lines)
	return lines
}

// localBlock is the local apply of block b by goroutine w (applyLocal):
// it routes each agent's outbox into w's send buffer and commits the
// agent's local part. A method bound once (Engine.localFn), since a
// closure over the tick's state was a heap allocation every tick.
func (e *Engine) localBlock(b, w int) {
	bs := e.blocks[b]
	bs.serial, bs.err = bs.serial[:0], nil
	buf := &e.sendBufs[w]
	bs.w, bs.msgs[0], bs.sent, bs.lost = w, len(buf.msgs), buf.sent, buf.lost
	lm, live := e.localLM, e.live
	lo, hi := b*applyBlock, min((b+1)*applyBlock, len(live))
	if e.localWarm {
		buf.lines = e.warmBlock(live[lo:hi], buf.lines)
	}
	var cur int32 = -1
	defer func() {
		if r := recover(); r != nil {
			ae := &AgentError{ID: cur, Kind: "apply", Tick: e.tick, Value: r, Stack: debug.Stack()}
			if cur >= 0 {
				ae.Kind = kindOf(*e.agents.At(cur))
			}
			bs.err = ae
		}
	}()
	for _, id := range live[lo:hi] {
		cur = id
		c := e.slots[id]
		buf.caps.reset()
		for _, m := range c.Out {
			outcome, amount := e.Transport.send(e.tick, m, buf, &buf.caps, &c.seq)
			if outcome != Rejected {
				m.Amount = amount
				lm.SentLocal(e, m, amount, outcome == LostOnSend, b)
			}
		}
		c.Out = c.Out[:0]
		if lm.ApplyLocal(e, id, c, b) {
			bs.serial = append(bs.serial, id)
		} else {
			c.Inbox = c.Inbox[:0]
		}
	}
	bs.msgs[1] = len(buf.msgs)
	bs.sent, bs.lost = buf.sent-bs.sent, buf.lost-bs.lost
}
