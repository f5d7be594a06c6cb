package bench

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

const recoveryTopic = "v2.users.00000000-0000-4000-8000-00000000000a.presence"

// recoveryStep is the simulated time between two published events and clock steps.
const recoveryStep = 100 * time.Millisecond

// BenchmarkRecovery measures, on a fake clock shared by the simulator and the session,
// the simulated time from a socket loss to events flowing again on a socket opened after
// it, and counts events lost: published while a socket was open (the simulator took
// them) yet never delivered. Events published while no socket was open fall in the
// reported gap and are counted apart ("in-gap").
func BenchmarkRecovery(b *testing.B) {
	faults := []struct {
		name  string
		apply func(sim *simulator.Server, channel string)
	}{
		{"drop", func(sim *simulator.Server, _ string) { sim.DropAllSockets() }},
		{"drop+expired-token", func(sim *simulator.Server, _ string) { sim.ExpireTokens(); sim.DropAllSockets() }},
		{"socket_closing", func(sim *simulator.Server, ch string) { sim.SendSocketClosing(ch) }},
		{"channel-expiry", func(sim *simulator.Server, ch string) { sim.ExpireChannel(ch) }},
	}
	for _, f := range faults {
		b.Run(f.name, func(b *testing.B) {
			// Means over the iterations (a metric reported per iteration would keep only the
			// last one), plus the slowest recovery so that a spread cannot hide.
			var sum recovery
			var slowest time.Duration
			for i := 0; i < b.N; i++ {
				res := recoverOnce(b, f.apply)
				sum.simulated += res.simulated
				sum.real += res.real
				sum.lost += res.lost
				sum.inGap += res.inGap
				slowest = max(slowest, res.simulated)
			}
			n := float64(b.N)
			b.ReportMetric(sum.simulated.Seconds()/n, "sim-s")
			b.ReportMetric(slowest.Seconds(), "max-sim-s")
			b.ReportMetric(float64(sum.real.Milliseconds())/n, "real-ms")
			b.ReportMetric(float64(sum.lost)/n, "lost")
			b.ReportMetric(float64(sum.inGap)/n, "in-gap")
		})
	}
}

type recovery struct {
	simulated, real time.Duration
	lost, inGap     int
}

func recoverOnce(b *testing.B, fault func(*simulator.Server, string)) recovery {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	got := map[int]bool{}
	sink := &countSink{onEvent: func(e event.Event) {
		var body struct{ N int }
		_ = json.Unmarshal(e.Body, &body)
		mu.Lock()
		got[body.N] = true
		mu.Unlock()
	}}
	r := newRig(b, clock, simulator.Config{TokenLifetime: time.Hour}, sink, nil)
	r.m.Start()
	release := r.m.Acquire(recoveryTopic)
	defer release()
	r.waitConnected(b, 1)
	id := r.connectedChannel(b)

	sentAt := map[int]time.Time{} // events a socket took, by n
	inGap, next := 0, 0
	// publish sends one event and gives it up to 50 ms (real) to arrive, so the fake
	// clock does not run ahead of the loopback network (which would starve heartbeats).
	publish := func() {
		n := next
		next++
		if r.sim.Publish(recoveryTopic, map[string]any{"n": n}) == 0 {
			inGap++
			return
		}
		sentAt[n] = clock.Now()
		settle(func() bool { mu.Lock(); defer mu.Unlock(); return got[n] })
	}
	for k := 0; k < 5; k++ { // steady traffic before the fault
		publish()
	}
	upgrades := r.sim.Count("upgrade")
	opened := r.m.Status().Counters.SocketsOpened
	t0, w0 := clock.Now(), time.Now()
	fault(r.sim, id)
	// The client learns of the fault over loopback, in real time; until it has, the loop's
	// timer still counts as a waiter, so idle would let the clock run ahead (70 simulated
	// seconds in a few real milliseconds, the 0.9-100 s spread this benchmark once had).
	reacted(b, r.m, opened)
	var res recovery
	for {
		n := next
		publish()
		// A socket opened after the fault delivered an event published after it.
		mu.Lock()
		ok := got[n]
		mu.Unlock()
		if ok && r.sim.Count("upgrade") > upgrades && r.m.Status().Connected() {
			res.simulated, res.real = clock.Now().Sub(t0), time.Since(w0)
			break
		}
		if clock.Now().Sub(t0) > 10*time.Minute {
			b.Fatalf("no recovery within 10 simulated minutes; status %+v", r.m.Status())
		}
		idle(b, clock)
		clock.Advance(recoveryStep)
	}
	// Keep publishing through the old socket's end (socket_closing grace: 60 s).
	for k := 0; k < 650; k++ {
		publish()
		idle(b, clock)
		clock.Advance(recoveryStep)
	}
	// Lost: taken by a socket, never delivered, and outside every reported gap.
	sink.mu.Lock()
	gaps := append([]event.Gap(nil), sink.gapLog...)
	sink.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	for n, at := range sentAt {
		if !got[n] && !inAnyGap(gaps, at) {
			res.lost++
		}
	}
	res.inGap = inGap
	if res.lost > 0 {
		b.Logf("lost %d: status %+v", res.lost, r.m.Status())
	}
	return res
}

// inAnyGap reports whether at falls inside a reported gap (open gaps have no end yet;
// a gap's open and close are reported as two records with the same start).
func inAnyGap(gaps []event.Gap, at time.Time) bool {
	for _, g := range gaps {
		if !at.Before(g.Start) && (g.Open() || !at.After(g.End)) {
			if g.Open() {
				closed := false
				for _, c := range gaps {
					if !c.Open() && c.Start.Equal(g.Start) && c.Topic == g.Topic {
						closed = true
						if !at.After(c.End) {
							return true
						}
					}
				}
				if !closed {
					return true
				}
				continue
			}
			return true
		}
	}
	return false
}

// idle waits until the manager's loop and the simulator's ticker wait on the clock.
func idle(tb testing.TB, clock *clockwork.FakeClock) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		tb.Fatalf("loop never went idle on the clock: %v", err)
	}
}

// reacted waits (real time, bounded) until the manager has seen a fault: it lost its
// socket (not connected, backing off on the clock) or opened a new one.
func reacted(tb testing.TB, m *session.Manager, opened int64) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := m.Status()
		if !st.Connected() || st.Counters.SocketsOpened > opened {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("client did not react to the fault within 5 s (real): %+v", st)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// settle gives goroutines up to 50 ms (real) for cond.
func settle(cond func() bool) bool {
	for i := 0; i < 50; i++ {
		if cond() {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return cond()
}

func waitEvents(tb testing.TB, s *countSink, n int64) {
	deadline := time.Now().Add(5 * time.Second)
	for s.events.Load() < n {
		if time.Now().After(deadline) {
			tb.Fatalf("only %d of %d events delivered", s.events.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}
