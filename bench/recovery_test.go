package bench

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

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
			for i := 0; i < b.N; i++ {
				res := recoverOnce(b, f.apply)
				b.ReportMetric(res.simulated.Seconds(), "sim-s")
				b.ReportMetric(float64(res.real.Milliseconds()), "real-ms")
				b.ReportMetric(float64(res.lost), "lost")
				b.ReportMetric(float64(res.inGap), "in-gap")
			}
		})
	}
}

type recovery struct {
	simulated, real time.Duration
	lost, inGap     int
}

func recoverOnce(b *testing.B, fault func(*simulator.Server, string)) recovery {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	sink := &countSink{}
	r := newRig(b, clock, simulator.Config{TokenLifetime: time.Hour}, sink, nil)
	r.m.Start()
	release := r.m.Acquire(recoveryTopic)
	defer release()
	r.waitConnected(b, 1)
	id := r.connectedChannel(b)

	sentOpen, inGap := 0, 0
	publish := func() {
		if r.sim.Publish(recoveryTopic, map[string]any{"n": sentOpen + inGap}) > 0 {
			sentOpen++
		} else {
			inGap++
		}
	}
	for k := 0; k < 5; k++ { // steady traffic before the fault
		publish()
	}
	waitEvents(b, sink, int64(sentOpen))
	upgrades := r.sim.Count("upgrade")
	t0, w0 := clock.Now(), time.Now()
	fault(r.sim, id)
	var res recovery
	for {
		publish()
		// A socket opened after the fault delivered an event published after it.
		if r.sim.Count("upgrade") > upgrades && settle(func() bool { return sink.events.Load() >= int64(sentOpen) }) &&
			r.m.Status().Connected() {
			res.simulated, res.real = clock.Now().Sub(t0), time.Since(w0)
			break
		}
		if clock.Now().Sub(t0) > 10*time.Minute {
			b.Fatalf("no recovery within 10 simulated minutes; status %+v", r.m.Status())
		}
		idle(b, clock)
		clock.Advance(recoveryStep)
	}
	// Keep publishing through the old socket's end (socket_closing grace) and drain.
	for k := 0; k < 700; k++ {
		publish()
		idle(b, clock)
		clock.Advance(recoveryStep)
	}
	settle(func() bool { return sink.events.Load() >= int64(sentOpen) })
	res.lost, res.inGap = sentOpen-int(sink.events.Load()), inGap
	return res
}

// idle waits until the manager's loop and the simulator's ticker wait on the clock.
func idle(tb testing.TB, clock *clockwork.FakeClock) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		tb.Fatalf("loop never went idle on the clock: %v", err)
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
