package sim_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/ecosim/ecosim/scenarios"
	"github.com/ecosim/ecosim/sim"
)

// scaled is the forest without failures, its grid and populations scaled so
// the world holds about n agents at the start at the forest's densities.
func scaled(b testing.TB, n int) *scenarios.Scenario {
	base, err := scenarios.Load("forest", nil)
	if err != nil {
		b.Fatal(err)
	}
	k := float64(n) / 3752
	side := int(math.Round(128 * math.Sqrt(k)))
	sets := []string{
		fmt.Sprintf("world.width=%d", side), fmt.Sprintf("world.height=%d", side),
		fmt.Sprintf("trees.count=%d", int(3000*k)), fmt.Sprintf("fungi.count=%d", int(150*k)),
		fmt.Sprintf("fungi.max_count=%d", int(300*k)), fmt.Sprintf("ants.max_workers=%d", int(400*k)),
		fmt.Sprintf("ants.colonies[0].workers=%d", int(300*k)), fmt.Sprintf("ants.colonies[1].workers=%d", int(300*k)),
		fmt.Sprintf("ants.colonies[1].nest=[%d,%d]", side*100/128, side*90/128),
	}
	s, err := scenarios.Load("forest", sets)
	if err != nil {
		b.Fatal(err)
	}
	_ = base
	return s.Control()
}

// warmTicks is how long a benchmark world runs before it is measured: by
// then the fungal network has formed (links level off by tick 160–200 at
// 10k, 100k and 1M agents) and the trees' number has levelled, so the
// ticks measured are the steady state a long run spends its time in, not
// the cheaper first ticks before any link exists.
const warmTicks = 200

// warm keeps the last world benchTick warmed up, so the testing package's
// calibration run and the measured run share one warm-up: at a million
// agents a warm-up takes a minute or more.
var warm struct {
	key    string
	e      *sim.Engine
	stamps *sim.TickStamps
}

// warmWorld returns the scaled forest of about n agents in mode, run for
// ticks, or further when it was warmed for an earlier run of the same
// benchmark at the same GOMAXPROCS.
func warmWorld(b *testing.B, mode sim.Mode, n, ticks int) *sim.Engine {
	key := fmt.Sprint(mode, n, ticks, runtime.GOMAXPROCS(0))
	if warm.key == key {
		return warm.e
	}
	warm.key, warm.e, warm.stamps = "", nil, nil // let the last world go before building the next
	s := scaled(b, n)
	s.Ticks = ticks
	_, e, err := s.Build(mode, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	warm.stamps = &sim.TickStamps{}
	e.Observe(warm.stamps)
	warm.key, warm.e = key, e
	return e
}

// benchTick measures ticks of a world of about n agents at the start after
// warmUp ticks (warmTicks for its steady state), and reports agent-steps per
// second (the live agents of each tick measured, summed), the live agents
// when measuring began, and the cost of each phase of the tick per
// agent-step, so the decide and apply phases are measured on their own in
// the same run.
func benchTick(b *testing.B, mode sim.Mode, n, warmUp int) {
	e := warmWorld(b, mode, n, warmUp)
	agents := len(e.Live())
	before := e.Timings()
	warm.stamps.Expect(e, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	if err := e.Advance(context.Background(), b.N); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	warm.stamps.Report(b)
	after := e.Timings()
	steps := float64(after.AgentSteps - before.AgentSteps)
	b.ReportMetric(steps/b.Elapsed().Seconds(), "agent-steps/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/steps, "ns/agent-step")
	b.ReportMetric(float64(agents), "agents")
	for _, p := range []struct {
		name string
		d    time.Duration
	}{
		{"decide", after.Decide - before.Decide},
		{"apply", after.Apply - before.Apply},
		{"apply-serial", after.ApplySerial - before.ApplySerial},
		{"env", after.Environment - before.Environment},
		{"deliver", after.Deliver - before.Deliver},
		{"record", after.Record - before.Record},
	} {
		b.ReportMetric(float64(p.d.Nanoseconds())/steps, p.name+"-ns/agent-step")
	}
}

// BenchmarkTick is one tick of the forest at several sizes, in both modes;
// a million agents in shards mode only (in actors mode that world needs
// about 4 GB and many minutes to warm up).
func BenchmarkTick(b *testing.B) {
	defer func() { warm.key, warm.e, warm.stamps = "", nil, nil }()
	for _, n := range []int{3752, 10_000, 100_000, 1_000_000} {
		for _, mode := range []sim.Mode{sim.ModeShards, sim.ModeActors} {
			if mode == sim.ModeActors && n > 100_000 {
				continue
			}
			b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) { benchTick(b, mode, n, warmTicks) })
		}
	}
}

// lateTicks is where BenchmarkTickLate measures: by then every tree
// planted at the start has died (at 100,000 agents, 1,209 of 135,328
// living trees were planted at tick 0), so trees' IDs no longer follow the
// grid, and the grid layers a tick reads by ID are read in no order.
const lateTicks = 1000

// BenchmarkTickLate is BenchmarkTick's shards mode after lateTicks rather
// than warmTicks: what a long run's ticks cost, and how much of the cost
// at 200 ticks the grid order of the trees still planted then saves.
func BenchmarkTickLate(b *testing.B) {
	defer func() { warm.key, warm.e, warm.stamps = "", nil, nil }()
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("shards/%d", n), func(b *testing.B) { benchTick(b, sim.ModeShards, n, lateTicks) })
	}
}

// BenchmarkRoute is the transport alone: n agents on a random network of
// mean degree 4, each sending one message down each of its links per tick,
// routed (capacity and loss drawn) and delivered.
func BenchmarkRoute(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			net, r := nodes(n)
			for net.LiveLinks() < 2*n {
				net.AddLink(int32(r.Intn(n)), int32(r.Intn(n)))
			}
			tr := sim.NewTransport(net, 1, sim.TransportConfig{Latency: 1, Capacity: 10, Loss: 0.01})
			var msgs []sim.Message
			for id := range int32(n) {
				for _, e := range net.Edges(id) {
					msgs = append(msgs, sim.Message{From: id, To: e.Other, Kind: 1, Amount: 0.5, Link: e.Link})
				}
			}
			route := func(tick int, deliver func(sim.Message) bool) {
				for _, m := range msgs {
					tr.Send(tick, m)
				}
				tr.Deliver(tick+1, deliver)
			}
			route(0, func(sim.Message) bool { return true }) // sizes the tables
			b.ReportAllocs()
			b.ResetTimer()
			delivered := 0
			for tick := range b.N {
				route(tick+1, func(sim.Message) bool { delivered++; return true })
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(msgs)), "ns/message")
			if delivered == 0 {
				b.Fatal("nothing delivered")
			}
		})
	}
}

// BenchmarkComponents is the labelling of the network's components after a
// change, as the forest's environment phase runs it every tick: n nodes,
// one in twenty a hub (a fungus) linked to random others, about as many
// links as the steady-state forest has (0.52 a node), which leaves most
// components a lone tree. As in a long run, the links left are a few of
// many made, their records scattered over the link table.
func BenchmarkComponents(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			net, r := nodes(n)
			for net.LiveLinks() < 4*n {
				net.AddLink(int32(r.Intn(n/20)*20), int32(r.Intn(n)))
			}
			for net.LiveLinks() > n*52/100 {
				net.RemoveLink(int32(r.Intn(net.NumLinks())))
			}
			live := int32(0)
			for net.Link(live).Removed {
				live++
			}
			// In a tick the other phases have been through the caches
			// since the last labelling; so here, untimed.
			flush := make([]int64, 8<<20)
			var giant, count int
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				for j := range flush {
					flush[j]++
				}
				b.StartTimer()
				net.SetDown(live, i%2 == 0) // a change, so the labels are made again
				giant, count = net.Components()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
			if giant < 1 || count < 1 {
				b.Fatalf("giant %d of %d components", giant, count)
			}
		})
	}
}

// nodes returns a network of nodes 0 to n-1 without links, and the stream
// that draws them.
func nodes(n int) (*sim.Network, *sim.Stream) {
	net := sim.NewNetwork()
	for id := range int32(n) {
		net.AddNode(id)
	}
	r := sim.NewStream(1, 0)
	return net, &r
}
