package sim

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// aheadModel notes, by agent, how often its read-ahead was asked for in
// the tick and which agent it named as next.
type aheadModel struct {
	emptyModel
	calls, next []int32
}

func (m *aheadModel) ReadAhead(id, next int32) {
	m.calls[id]++
	m.next[id] = next
}

// TestRunsReadAhead checks that in actors mode every agent but the first of
// its run has its read-ahead asked for once a tick, by the run's driver
// just before it resumes the agent before it, naming the agent after it in
// the live list, or none at the end of its run; the first, resumed before
// any other agent of its run, is not asked about.
func TestRunsReadAhead(t *testing.T) {
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprint(procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			const n = 1000
			m := &aheadModel{calls: make([]int32, n), next: make([]int32, n)}
			e := NewEngine(Config{Seed: 1, Mode: ModeActors}, m)
			for range n {
				e.Spawn(emptyAgent{})
			}
			if err := e.Advance(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			live := e.Live()
			runs := runsPerCore * procs
			run := (len(live) + runs - 1) / runs
			for pos, id := range live {
				calls, next := int32(1), int32(-1)
				if pos%run == 0 {
					calls = 0
				} else if pos+1 < len(live) && (pos+1)%run != 0 {
					next = live[pos+1]
				}
				if m.calls[id] != calls || (calls == 1 && m.next[id] != next) {
					t.Fatalf("agent %d at %d of %d (runs of %d): asked %d times, next %d; want %d, %d",
						id, pos, len(live), run, m.calls[id], m.next[id], calls, next)
				}
			}
		})
	}
}
