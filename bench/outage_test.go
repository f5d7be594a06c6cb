package bench

import (
	"fmt"
	"math/rand"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/session"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// Outage recovery on a fake clock shared by the simulator and the session: every socket
// dropped and every endpoint (token, REST, socket upgrade) answering 502 for the
// outage, then healthy again. Each run has its own jitter seed.
//
//   - recovery: simulated time from the outage's end until an event published then is
//     delivered (the retry in flight when the outage ends decides it);
//   - attempts: failed connection passes (handshake attempts) during the outage.
//
// The clock jumps straight to the session's next attempt (Status().NextAttempt), so a
// run costs a few dozen steps however long the outage.

const (
	outageRuns  = 24
	shortOutage = 20 * time.Second
	longOutage  = time.Hour
)

type outageRun struct {
	recovery time.Duration
	attempts int64
	requests int   // HTTP requests refused with 502
	probes   int64 // cheap checks between handshakes
}

func runOutage(tb testing.TB, seed int64, outage time.Duration) outageRun {
	tb.Helper()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	sink := &countSink{}
	r := newRig(tb, clock, simulator.Config{}, sink, func(c *session.Config) { c.Rand = rand.New(rand.NewSource(seed)) })
	r.m.Start()
	release := r.m.Acquire(recoveryTopic)
	defer release()
	r.waitConnected(tb, 1)
	subscribed := func() bool {
		st := r.m.Status()
		return st.Connected() && len(st.Channels) == 1 && st.Channels[0].Connected && st.Counters.Subscribes > 0
	}
	if !settle(subscribed) {
		tb.Fatalf("seed %d: not subscribed: %+v", seed, r.m.Status())
	}
	failures := r.m.Status().Counters.Failures
	cancel := r.sim.FailHTTP(simulator.HTTPFault{Status: 502})
	r.sim.DropAllSockets()
	if !settle(func() bool { return r.m.Status().OpenGaps > 0 }) { // the readers saw the drop
		tb.Fatalf("seed %d: the session did not notice the drop: %+v", seed, r.m.Status())
	}
	end := clock.Now().Add(outage)
	for clock.Now().Before(end) {
		idle(tb, clock)
		step := end.Sub(clock.Now())
		if next := nextWake(r.m.Status(), clock.Now()); !next.IsZero() && next.Before(end) {
			step = next.Sub(clock.Now())
		}
		clock.Advance(step)
	}
	idle(tb, clock)
	res := outageRun{attempts: r.m.Status().Counters.Failures - failures, requests: r.sim.Count("http_fault"),
		probes: r.m.Status().Counters.Probes}
	cancel()
	for {
		idle(tb, clock)
		if st := r.m.Status(); st.Connected() && len(st.Channels) > 0 && st.Channels[0].Connected && st.OpenGaps == 0 {
			before := sink.events.Load()
			if settle(func() bool { r.sim.Publish(recoveryTopic, map[string]int{"n": 1}); return sink.events.Load() > before }) {
				res.recovery = clock.Now().Sub(end)
				return res
			}
		}
		if clock.Now().Sub(end) > 10*time.Minute {
			tb.Fatalf("seed %d: no recovery within 10 minutes of the outage's end: %+v", seed, r.m.Status())
		}
		step := 100 * time.Millisecond // a handshake is due now: let it run
		if next := nextWake(r.m.Status(), clock.Now()); !next.IsZero() {
			step = next.Sub(clock.Now())
		}
		clock.Advance(step)
	}
}

// nextWake is the session's next handshake or probe after now (zero: none pending).
func nextWake(st session.Status, now time.Time) time.Time {
	var next time.Time
	for _, t := range []time.Time{st.NextAttempt, st.NextProbe} {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

type outageFigures struct {
	outage        time.Duration
	p50, p90, max time.Duration
	within10s     int
	attempts      []int64 // handshake attempts during the outage, per seed (sorted)
	probes        []int64 // probes during the outage, per seed (sorted)
}

// measureOutages runs outageRuns seeded outages of one length.
func measureOutages(tb testing.TB, outage time.Duration) outageFigures {
	f := outageFigures{outage: outage}
	var rec []time.Duration
	for seed := int64(1); seed <= outageRuns; seed++ {
		r := runOutage(tb, seed, outage)
		rec = append(rec, r.recovery)
		f.attempts = append(f.attempts, r.attempts)
		f.probes = append(f.probes, r.probes)
		if r.recovery <= 10*time.Second {
			f.within10s++
		}
	}
	slices.Sort(rec)
	slices.Sort(f.attempts)
	slices.Sort(f.probes)
	f.p50, f.p90, f.max = rec[len(rec)/2], rec[(len(rec)*9+9)/10-1], rec[len(rec)-1]
	return f
}

func (f outageFigures) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }
	return fmt.Sprintf("%s outage, %d seeds: recovery p50 %s p90 %s max %s (%d within 10 s); handshake attempts %d–%d (median %d); probes %d–%d",
		f.outage, outageRuns, r(f.p50), r(f.p90), r(f.max), f.within10s, f.attempts[0], f.attempts[len(f.attempts)-1],
		f.attempts[len(f.attempts)/2], f.probes[0], f.probes[len(f.probes)-1])
}

// TestOutageRecovery holds the targets (issue #11 and #22 item 12): after a 20 s outage
// events flow again within 10 s of its end in ≥ 90 % of the seeded runs; after a
// 2-minute outage within 15 s and after a 10-minute one within 30 s (p90); a 1 h outage
// costs at most 60 handshake attempts (every seed). Simulated time only: nothing here
// depends on the machine's speed.
func TestOutageRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("seeded simulated outages")
	}
	short, two, ten, hour := measureOutages(t, shortOutage), measureOutages(t, 2*time.Minute), measureOutages(t, 10*time.Minute), measureOutages(t, longOutage)
	var reqs []int
	for seed := int64(1); seed <= 3; seed++ {
		reqs = append(reqs, runOutage(t, seed, longOutage).requests)
	}
	summary := fmt.Sprintf("%s\n%s\n%s\n%s\n1 h outage: requests refused with 502 (attempts and probes) %v", short, two, ten, hour, reqs)
	t.Log(summary)
	if out := os.Getenv("OUTAGE_SUMMARY"); out != "" {
		_ = os.WriteFile(out, []byte(summary+"\n"), 0o644)
	}
	if short.within10s*10 < outageRuns*9 {
		t.Errorf("only %d of %d runs recovered within 10 s of a 20 s outage's end, want ≥ 90 %%", short.within10s, outageRuns)
	}
	if two.p90 > 15*time.Second {
		t.Errorf("2-minute outage: recovery p90 %s, want ≤ 15 s", two.p90)
	}
	if ten.p90 > 30*time.Second {
		t.Errorf("10-minute outage: recovery p90 %s, want ≤ 30 s", ten.p90)
	}
	if maxLong := hour.attempts[len(hour.attempts)-1]; maxLong > 60 {
		t.Errorf("%d handshake attempts during a 1 h outage, want ≤ 60", maxLong)
	}
}
