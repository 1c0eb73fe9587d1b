package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// walker is a toy agent: it draws from its stream, sends a unit message to a
// neighbour, and panics at a chosen tick.
type walker struct {
	sum     float64
	panicAt int
	decided int
}

func (w *walker) Decide(c *Context) {
	if c.Tick == w.panicAt {
		panic("boom")
	}
	w.decided++
	w.sum += c.Rand.Float64()
	for _, m := range c.Inbox {
		w.sum += m.Amount
	}
	c.Send((c.ID+1)%int32(toyAgents), 1, 1)
}

const toyAgents = 50

// toy is a Model that records the sum of the walkers' state and kills and
// spawns agents so the live set changes.
type toy struct {
	arrived, lostOnSend int
}

func (t *toy) BeginTick(*Engine) {}
func (t *toy) ApplyAgent(e *Engine, id int32, c *Context) error {
	if c.Tick%7 == 0 && id%5 == 0 {
		e.Kill(id)
	}
	return nil
}
func (t *toy) EndTick(*Engine) error { return nil }
func (t *toy) MessageSent(_ *Engine, _ Message, _ float64, lost bool) {
	if lost {
		t.lostOnSend++
	}
}
func (t *toy) MessageArrived(*Engine, Message) bool { t.arrived++; return true }
func (t *toy) IndicatorNames() []string             { return []string{"sum", "live"} }
func (t *toy) Indicators(e *Engine, row []float64) {
	s := 0.0
	for _, id := range e.Live() {
		s += e.Agent(id).(*walker).sum
	}
	row[0], row[1] = s, float64(len(e.Live()))
}

type rows struct{ got [][]float64 }

func (r *rows) Tick(_ int, row []float64) error {
	r.got = append(r.got, append([]float64(nil), row...))
	return nil
}
func (r *rows) Event(Event) error { return nil }

func runToy(t *testing.T, mode Mode, workers, panicAt int, ctx context.Context) ([][]float64, Counts, error) {
	t.Helper()
	return runModel(t, &toy{}, mode, workers, panicAt, ctx)
}

func runModel(t *testing.T, m Model, mode Mode, workers, panicAt int, ctx context.Context) ([][]float64, Counts, error) {
	t.Helper()
	e := NewEngine(Config{Seed: 9, Ticks: 40, Mode: mode, Workers: workers, Transport: TransportConfig{Latency: 2, Loss: 0.2}}, m)
	for i := range toyAgents {
		pa := -1
		if i == 17 {
			pa = panicAt
		}
		id := e.Spawn(&walker{panicAt: pa})
		e.Net.AddNode(id)
	}
	for i := range toyAgents {
		e.Net.AddLink(int32(i), int32((i+1)%toyAgents))
	}
	r := &rows{}
	e.Observe(r)
	err := e.Run(ctx)
	return r.got, e.Transport.Counts(), err
}

func TestModesGiveIdenticalRows(t *testing.T) {
	want, _, err := runToy(t, ModeActors, 0, -1, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Workers beyond GOMAXPROCS run as GOMAXPROCS, so each count has its
	// own.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, w := range []int{1, 3, 8} {
		runtime.GOMAXPROCS(w)
		got, _, err := runToy(t, ModeShards, w, -1, context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			for j := range want[i] {
				if got[i][j] != want[i][j] {
					t.Fatalf("shards/%d differs from actors at row %d col %d: %v vs %v", w, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
	if want[len(want)-1][1] >= toyAgents {
		t.Fatalf("kills did not shrink the live set: %v", want[len(want)-1])
	}
}

func TestMessageAccounting(t *testing.T) {
	_, c, err := runToy(t, ModeShards, 2, -1, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Sent != c.Delivered+c.Lost+c.InFlight {
		t.Fatalf("sent %d != delivered %d + lost %d + in flight %d", c.Sent, c.Delivered, c.Lost, c.InFlight)
	}
	if c.Lost == 0 || c.InFlight == 0 {
		t.Fatalf("loss 0.2 and latency 2 should leave losses and messages in flight: %+v", c)
	}
}

func TestAgentPanicBecomesError(t *testing.T) {
	for _, mode := range []Mode{ModeActors, ModeShards} {
		_, _, err := runToy(t, mode, 2, 5, context.Background())
		var ae *AgentError
		if !errors.As(err, &ae) || ae.ID != 17 || ae.Tick != 5 || !errors.Is(err, ErrAgentPanic) {
			t.Fatalf("%v: want panic of agent 17 at tick 5, got %v", mode, err)
		}
		if !strings.Contains(err.Error(), "agent 17") {
			t.Fatalf("error does not name the agent: %v", err)
		}
	}
}

func TestCancelStopsAtTickBoundary(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, _, err := runToy(t, ModeActors, 0, -1, ctx)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("want ErrInterrupted, got %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("a run cancelled before its first tick records only tick 0, got %d rows", len(got))
	}
	// What a user who pressed Ctrl-C reads: no package prefix, no
	// "context canceled". A deadline says why it stopped.
	if msg := err.Error(); msg != "run interrupted at tick 0" {
		t.Fatalf("cancelled run's error reads %q", msg)
	}
	dl, stop := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer stop()
	if _, _, err := runToy(t, ModeShards, 1, -1, dl); !errors.Is(err, ErrInterrupted) || err.Error() != "run interrupted at tick 0: context deadline exceeded" {
		t.Fatalf("run past its deadline: got %v", err)
	}
}

// TestRunRefusesWorkersOutOfRange: a count of workers no machine has (an
// agent count typed where workers were meant) or a negative one is refused
// before the run records anything, where it used to start that many
// goroutines and hang.
func TestRunRefusesWorkersOutOfRange(t *testing.T) {
	for _, w := range []int{-1, MaxWorkers + 1, 100_000} {
		got, _, err := runToy(t, ModeShards, w, -1, context.Background())
		if err == nil || !strings.Contains(err.Error(), "Config.Workers") || !strings.Contains(err.Error(), fmt.Sprint(w)) {
			t.Fatalf("workers %d: want an error naming Config.Workers and %d, got %v", w, w, err)
		}
		if len(got) != 0 {
			t.Fatalf("workers %d: refused run recorded %d rows", w, len(got))
		}
	}
}

// goroutineCount notes how many goroutines the process has at each tick.
type goroutineCount struct{ most int }

func (g *goroutineCount) Tick(int, []float64) error {
	g.most = max(g.most, runtime.NumGoroutine())
	return nil
}
func (g *goroutineCount) Event(Event) error { return nil }

// TestWorkersBeyondTheCoresRunAsTheCores: 64 workers under GOMAXPROCS 2
// start one helper, not 63, and give the rows of one worker. The 63 used
// to poll two cores and wait for one another at every step.
func TestWorkersBeyondTheCoresRunAsTheCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	count := func(workers int) ([][]float64, int) {
		e := NewEngine(Config{Seed: 9, Ticks: 40, Mode: ModeShards, Workers: workers, Transport: TransportConfig{Latency: 2, Loss: 0.2}}, &toy{})
		for i := range toyAgents {
			e.Net.AddNode(e.Spawn(&walker{panicAt: -1}))
			e.Net.AddLink(int32(i), int32((i+1)%toyAgents))
		}
		r, g := &rows{}, &goroutineCount{}
		e.Observe(r)
		e.Observe(g)
		if err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return r.got, g.most
	}
	one, before := count(1)
	many, most := count(64)
	if most != before+1 {
		t.Fatalf("64 workers under GOMAXPROCS 2 ran with %d goroutines, 1 worker with %d: want one helper more", most, before)
	}
	for i := range one {
		for j := range one[i] {
			if many[i][j] != one[i][j] {
				t.Fatalf("row %d col %d: %v with 64 workers, %v with 1", i, j, many[i][j], one[i][j])
			}
		}
	}
}

func TestStreamsDependOnSeedAndID(t *testing.T) {
	a, b, c := NewStream(1, 5), NewStream(1, 6), NewStream(2, 5)
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	if x == y || x == z {
		t.Fatal("streams for different IDs or seeds coincide")
	}
	a2 := NewStream(1, 5)
	if a2.Uint64() != x {
		t.Fatal("same seed and ID must give the same stream")
	}
	s := NewStream(3, 3)
	n := 100000
	sum := 0.0
	for range n {
		sum += s.Float64()
	}
	if m := sum / float64(n); m < 0.49 || m > 0.51 {
		t.Fatalf("uniform mean %v", m)
	}
}

// stormy is the toy model with an environment step that panics at tick 4.
type stormy struct{ toy }

func (s *stormy) EndTick(e *Engine) error {
	if e.Tick() == 4 {
		panic("storm")
	}
	return nil
}

func TestEnvironmentPanicBecomesError(t *testing.T) {
	e := NewEngine(Config{Seed: 1, Ticks: 10, Mode: ModeShards}, &stormy{})
	for range 5 {
		e.Spawn(&walker{panicAt: -1})
	}
	err := e.Run(context.Background())
	var ae *AgentError
	if !errors.As(err, &ae) || ae.ID != -1 || ae.Tick != 4 || !strings.Contains(err.Error(), "environment step panicked at tick 4: storm") {
		t.Fatalf("got %v", err)
	}
	if tm := e.Timings(); tm.Ticks != 4 || tm.Decide <= 0 {
		t.Fatalf("timings %+v, want 4 ticks with decide time", tm)
	}
}

// bandStorm is the toy model with an environment step cut into pieces, one
// of which panics at tick 3: wherever that piece runs, on a helper or on
// the engine's goroutine, the run ends with an error, not a crash.
type bandStorm struct{ toy }

func (s *bandStorm) EndTick(e *Engine) error {
	e.ParallelFor(16, func(i int) {
		if e.Tick() == 3 && i%5 == 4 {
			panic(fmt.Sprintf("band %d", i))
		}
	})
	return nil
}

func TestPanicInAParallelStepBecomesError(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, workers := range []int{1, 2, 4} {
		e := NewEngine(Config{Seed: 1, Ticks: 10, Mode: ModeShards, Workers: workers}, &bandStorm{})
		for range 5 {
			e.Spawn(&walker{panicAt: -1})
		}
		err := e.Run(context.Background())
		// The lowest piece that panicked is the one reported.
		if err == nil || !strings.Contains(err.Error(), "environment step panicked at tick 3: band 4") {
			t.Fatalf("workers %d: got %v", workers, err)
		}
	}
}

// nested is the toy model with an environment step whose pieces start steps
// of their own.
type nested struct {
	toy
	sums [8]int
}

func (s *nested) EndTick(e *Engine) error {
	e.ParallelFor(len(s.sums), func(i int) {
		e.ParallelFor(100, func(j int) { s.sums[i] += j })
	})
	return nil
}

func TestNestedParallelStepsRunInline(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	m := &nested{}
	e := NewEngine(Config{Seed: 1, Ticks: 20, Mode: ModeShards, Workers: 4}, m)
	e.Spawn(&walker{panicAt: -1})
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, s := range m.sums {
		if s != 20*4950 {
			t.Fatalf("piece %d summed %d, want %d", i, s, 20*4950)
		}
	}
}

// With several agents of one block panicking in the same tick, the error
// names the lowest, and in both modes every other agent is still decided
// that tick, so no agent's state depends on where the blocks are cut.
func TestPanicsInOneBlock(t *testing.T) {
	for _, mode := range []Mode{ModeActors, ModeShards} {
		e := NewEngine(Config{Seed: 1, Ticks: 5, Mode: mode, Workers: 2}, &toy{})
		var cs []*walker
		for i := range 40 {
			c := &walker{panicAt: -1}
			if i == 5 || i == 3 || i == 30 {
				c.panicAt = 2
			}
			cs = append(cs, c)
			e.Spawn(c)
		}
		err := e.Run(context.Background())
		var ae *AgentError
		if !errors.As(err, &ae) || ae.ID != 3 || ae.Tick != 2 {
			t.Fatalf("%v: want agent 3's panic at tick 2, got %v", mode, err)
		}
		for i, c := range cs {
			want := 2
			if c.panicAt == 2 {
				want = 1
			}
			if c.decided != want {
				t.Errorf("%v: agent %d decided %d times, want %d", mode, i, c.decided, want)
			}
		}
	}
}

// blockToy is the toy deciding its walkers a block at a time, counting the
// blocks.
type blockToy struct {
	toy
	blocks atomic.Int64
}

func (b *blockToy) DecideBlock(e *Engine, ids []int32, cur *int32) {
	b.blocks.Add(1)
	for _, id := range ids {
		*cur = id
		e.Agent(id).Decide(e.Slot(id))
	}
}

// A model deciding by blocks gives the rows of one agent at a time, and a
// panic in a block is laid at the door of the agent it was working on.
func TestBlockDecider(t *testing.T) {
	want, _, err := runToy(t, ModeActors, 0, -1, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		m := &blockToy{}
		got, _, err := runModel(t, m, ModeShards, w, -1, context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if m.blocks.Load() == 0 {
			t.Fatal("the shards never called DecideBlock")
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("workers %d: rows differ from one Decide at a time", w)
		}
	}
	_, _, err = runModel(t, &blockToy{}, ModeShards, 2, 5, context.Background())
	var ae *AgentError
	if !errors.As(err, &ae) || ae.ID != 17 || ae.Tick != 5 {
		t.Fatalf("want agent 17's panic at tick 5, got %v", err)
	}
}

// TestTimingsCountAgentSteps: AgentSteps is the live count summed over the
// ticks run, so a population the toy's kills shrink is counted as it was.
func TestTimingsCountAgentSteps(t *testing.T) {
	e := NewEngine(Config{Seed: 9, Ticks: 40, Mode: ModeShards, Workers: 2}, &toy{})
	for range toyAgents {
		e.Net.AddNode(e.Spawn(&walker{panicAt: -1}))
	}
	r := &rows{}
	e.Observe(r)
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Rows are recorded at tick 0 and after every tick; each tick's decide
	// sees the agents the row before it counted.
	if len(r.got) != 41 || r.got[0][1] != toyAgents {
		t.Fatalf("%d rows, the first counting %v agents", len(r.got), r.got[0][1])
	}
	var want int64
	for _, row := range r.got[:40] {
		want += int64(row[1])
	}
	tm := e.Timings()
	if tm.AgentSteps != want || tm.Ticks != 40 || want >= 40*toyAgents {
		t.Fatalf("AgentSteps %d over %d ticks, want %d (fewer than %d)", tm.AgentSteps, tm.Ticks, want, 40*toyAgents)
	}
}

// TestReserveKeepsTablesInPlace spawns as many agents as were reserved and
// checks that no table by ID was copied to grow: a big world is built
// agent by agent, and each copy would hold the table twice at its peak.
func TestReserveKeepsTablesInPlace(t *testing.T) {
	e := NewEngine(Config{Seed: 1, Mode: ModeShards}, emptyModel{})
	e.Spawn(emptyAgent{})
	const n = 5000
	e.Reserve(n)
	slots, dead, live := &e.slots[:1][0], &e.dead[:1][0], &e.live[:1][0]
	for range n {
		e.Spawn(emptyAgent{})
	}
	if &e.slots[0] != slots || &e.dead[0] != dead || &e.live[0] != live {
		t.Fatalf("a table by ID was copied while spawning the reserved agents: slots %v, dead %v, live %v",
			&e.slots[0] == slots, &e.dead[0] == dead, &e.live[0] == live)
	}
}

// preparing is a toy whose record is prepared beside delivery in a number
// of pieces that changes from tick to tick; it counts the calls of each.
type preparing struct {
	toy
	calls [20]atomic.Int32
	bad   []string // what went wrong, by tick
	ticks int      // ticks whose pieces were checked
}

func (p *preparing) RecordPieces() int { return 1 + p.ticks%len(p.calls) }

func (p *preparing) PrepareRecord(_ *Engine, piece int) { p.calls[piece].Add(1) }

func (p *preparing) Indicators(e *Engine, row []float64) {
	p.toy.Indicators(e, row)
	if e.Tick() == 0 {
		return // recorded before any delivery
	}
	n := p.RecordPieces()
	for i := range p.calls {
		want := int32(0)
		if i < n {
			want = 1
		}
		if got := p.calls[i].Swap(0); got != want && len(p.bad) < 5 {
			p.bad = append(p.bad, fmt.Sprintf("tick %d, %d pieces: piece %d prepared %d times", e.Tick(), n, i, got))
		}
	}
	p.ticks++
}

// TestRecordPiecesEachOnce: beside delivery, every piece of the record's
// preparation runs once a tick, whatever their number, and none beyond it.
func TestRecordPiecesEachOnce(t *testing.T) {
	p := &preparing{}
	e := NewEngine(Config{Seed: 1, Ticks: 45, Mode: ModeShards, Workers: 2, Transport: TransportConfig{Latency: 1}}, p)
	for range 50 {
		e.Spawn(&walker{panicAt: -1})
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.ticks != 45 || len(p.bad) > 0 {
		t.Fatalf("%d ticks checked; %v", p.ticks, p.bad)
	}
}
