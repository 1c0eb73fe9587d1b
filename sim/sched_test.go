package sim

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// tickLog is an agent that notes every tick it decides in.
type tickLog struct{ ticks []int }

func (a *tickLog) Decide(c *Context) { a.ticks = append(a.ticks, c.Tick) }

// churn kills some agents and spawns others every tick, so the live list's
// length crosses the boundaries of the actors' runs.
type churn struct {
	emptyModel
	all  []*tickLog
	born []int // tick each agent was spawned after
	died []int // tick each agent was killed in; 0 while alive
}

func (m *churn) spawn(e *Engine) {
	a := &tickLog{}
	e.Spawn(a)
	m.all = append(m.all, a)
	m.born = append(m.born, e.Tick())
	m.died = append(m.died, 0)
}

func (m *churn) ApplyAgent(e *Engine, id int32, c *Context) error {
	if (int(id)+c.Tick)%5 == 0 {
		e.Kill(id)
		m.died[id] = c.Tick
	}
	return nil
}

func (m *churn) EndTick(e *Engine) error {
	for range e.Tick() % 4 {
		m.spawn(e)
	}
	return nil
}

// TestActorsDecideEveryAgentOncePerTick runs populations around the
// multiples of the actors' runs, on 1 to 3 cores, and checks
// that every agent decided exactly once in every tick it was alive for: a
// run that stopped early or ran into the next would leave an agent out or
// decide one twice.
func TestActorsDecideEveryAgentOncePerTick(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const ticks = 12
	for _, procs := range []int{1, 2, 3} {
		runs := runsPerCore * procs
		for _, n := range []int{1, runs - 1, runs, runs + 1, 3*runs + 2, 500} {
			t.Run(fmt.Sprintf("procs=%d/n=%d", procs, n), func(t *testing.T) {
				runtime.GOMAXPROCS(procs)
				m := &churn{}
				e := NewEngine(Config{Seed: 1, Ticks: ticks, Mode: ModeActors}, m)
				for range n {
					m.spawn(e)
				}
				ran := make(chan error, 1)
				go func() { ran <- e.Run(context.Background()) }()
				select {
				case err := <-ran:
					if err != nil {
						t.Fatal(err)
					}
				case <-time.After(2 * time.Minute):
					// Far beyond the milliseconds the run takes: an
					// agent was never woken, or a run never counted
					// down to zero, and the tick waits for ever.
					t.Fatal("the run did not finish")
				}
				if died, born := count(m.died, func(t int) bool { return t != 0 }), count(m.born, func(t int) bool { return t != 0 }); died == 0 || born == 0 {
					t.Fatalf("the live list did not change: %d died, %d born during the run", died, born)
				}
				for id, a := range m.all {
					last := ticks
					if m.died[id] != 0 {
						last = m.died[id]
					}
					want := last - m.born[id]
					if len(a.ticks) != want {
						t.Fatalf("agent %d (born after tick %d, last tick %d) decided %d times: %v", id, m.born[id], last, len(a.ticks), a.ticks)
					}
					for i, tick := range a.ticks {
						if tick != m.born[id]+1+i {
							t.Fatalf("agent %d decided in ticks %v, want each of %d to %d once", id, a.ticks, m.born[id]+1, last)
						}
					}
				}
			})
		}
	}
}

func count(xs []int, f func(int) bool) int {
	n := 0
	for _, x := range xs {
		if f(x) {
			n++
		}
	}
	return n
}
