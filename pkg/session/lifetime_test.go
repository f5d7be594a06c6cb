package session

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// Token lifetimes against refresh margins (margin 0 = the default 60 s) for one
// simulated hour, with every socket dropped every 4 minutes: channels created stay
// bounded, no handshake uses a stale token, and events flow again after every drop
// (for short tokens once the next channel is allowed).
func TestTokenLifetimeAgainstMargin(t *testing.T) {
	for _, life := range []time.Duration{15 * time.Second, 90 * time.Second, 300 * time.Second, 86400 * time.Second} {
		for _, margin := range []time.Duration{0, 60 * time.Second, 600 * time.Second, 3600 * time.Second} {
			t.Run(fmt.Sprintf("life=%s/margin=%s", life, margin), func(t *testing.T) { testLifetimeMargin(t, life, margin) })
		}
	}
}

func testLifetimeMargin(t *testing.T, life, margin time.Duration) {
	h := newHarness(t, simulator.Config{TokenLifetime: life}, func(_ *Config, ac *auth.Config) { ac.Margin = margin })
	h.start(topicA)
	h.publishSeen(topicA)
	const drops = 4 * time.Minute
	short := life < minTokenLifetime
	// Recovery after a drop: the backoff (first attempts ≤ a few s), or for short tokens
	// the channel pace.
	recover := time.Minute
	if short {
		recover = h.m.cfg.ShortTokenInterval + time.Minute
	}
	for h.clock.Now().Sub(epoch) < time.Hour {
		opened := h.m.Status().Counters.SocketsOpened
		h.sim.DropAllSockets()
		// delivery is part of the condition: a drop can catch a rotation's socket mid-upgrade,
		// and the reconnect after it needs the clock to move
		h.advanceUntil("events flowing again", 10*time.Second, recover, func() bool {
			st := h.m.Status()
			return st.Counters.SocketsOpened > opened && st.OpenGaps == 0 && st.State == StateConnected &&
				h.allConnected() && h.delivers(topicA)
		})
		next := h.clock.Now().Add(drops)
		h.advanceUntil("next drop", 20*time.Second, drops, func() bool { return !h.clock.Now().Before(next) })
	}
	created := h.sim.Count("channel_create")
	applied := min(margin, life/2)
	if margin == 0 {
		applied = min(auth.DefaultMargin, life/2)
	}
	bound := 2 + int(time.Hour/(life-applied)) // one rotation per token, plus the first
	if short {
		bound = 2 + shortTokenBurst*int(time.Hour/h.m.cfg.ShortTokenInterval)
	}
	if created > bound {
		t.Errorf("%d channels created in an hour, want at most %d", created, bound)
	}
	if n := staleHandshakes(h); n != 0 {
		t.Errorf("%d handshakes used a stale token", n)
	}
	st := h.m.Status()
	if st.Counters.Failures != 0 || st.Counters.AuthFailures != 0 {
		t.Errorf("failures %d, auth failures %d: a fresh token was refused or a loop ran", st.Counters.Failures, st.Counters.AuthFailures)
	}
	err := h.m.Check(t.Context())
	want := fmt.Sprintf("tokens from this OAuth client live %d s; the margin is %d s", int(life.Seconds()), int(h.src.Margin().Seconds()))
	if short {
		if !errors.Is(err, ErrTokenLifetime) || !strings.Contains(err.Error(), want) {
			t.Errorf("Check = %v, want it to say %q", err, want)
		}
		if !strings.Contains(st.Reason+st.LastError, want) {
			t.Errorf("status reason %q / last error %q does not say %q", st.Reason, st.LastError, want)
		}
	} else if err != nil {
		t.Errorf("Check = %v", err)
	}
	t.Logf("channels %d (bound %d), tokens %d, subscribes %d", created, bound, h.sim.Count("token"), st.Counters.Subscribes)
}

// The reproduction: 15 s tokens and the default 60 s margin. One channel,
// subscribed with the token it was created with; the open socket is kept past the
// token for an hour (no churn, no busy loop), and a new topic then moves to a new
// channel (the channel's token cannot PUT any more) made with a fresh token.
func TestShortTokensKeepTheSocketThenMoveOnChange(t *testing.T) {
	h := newHarness(t, simulator.Config{TokenLifetime: 15 * time.Second}, nil)
	h.start(topicA)
	h.advanceUntil("an hour", time.Minute, 2*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= time.Hour })
	h.publishSeen(topicA)
	if n := h.sim.Count("channel_create"); n != 1 {
		t.Fatalf("%d channels in an hour with an open socket, want 1", n)
	}
	if r := h.m.Status().Reason; !strings.Contains(r, "tokens from this OAuth client live 15 s; the margin is 60 s (7 s applied") {
		t.Errorf("reason = %q", r)
	}
	h.m.Acquire(topicB)
	h.advanceUntil("topic B on a new channel", time.Second, time.Minute, func() bool {
		st, ok := h.sink.lastStatus(topicB)
		return ok && st.State == event.StatePermitted && h.allConnected()
	})
	h.publishSeen(topicB)
	h.publishSeen(topicA)
	if n := h.sim.Count("channel_create"); n != 2 {
		t.Fatalf("channels = %d, want 2", n)
	}
	if n := h.sim.Count("unauthorized") + h.sim.Count("upgrade_rejected"); n != 0 {
		t.Errorf("%d requests with an expired token", n)
	}
}

// staleHandshakes counts the handshakes the simulator refused for their token. An upgrade
// the test's own DropAllSockets caught mid-way ("fault: ...") is not one of them.
func staleHandshakes(h *harness) int {
	n := h.sim.Count("unauthorized") + h.sim.Count("upgrade_rejected")
	for _, r := range h.sim.Records() {
		if r.Kind == "upgrade_dropped" && !strings.HasPrefix(r.Detail, "fault:") {
			n++
		}
	}
	return n
}

// TestShortTokensRecoverFromAnOutageSoonAfterStart (issue #22 item 9): with 60 s tokens
// a 20 s outage 30 s after the channel was made used to wait out the rest of the
// 5-minute channel pace (270 s with no socket); a burst of two channels per interval
// lets it come back within 10 s of the outage's end. A third fault inside the interval
// then waits, and says so (item 10): a log line with the end of the wait, a reason that
// says no socket is open, and topics shown without a socket.
func TestShortTokensRecoverFromAnOutageSoonAfterStart(t *testing.T) {
	h := newHarness(t, simulator.Config{TokenLifetime: 60 * time.Second}, nil)
	h.start(topicA)
	h.publishSeen(topicA)
	h.advanceUntil("30 s", 5*time.Second, time.Minute, func() bool { return h.clock.Now().Sub(epoch) >= 30*time.Second })
	cancel := h.sim.FailHTTP(simulator.HTTPFault{Status: 502})
	h.sim.DropAllSockets()
	h.advanceUntil("outage over", time.Second, time.Minute, func() bool { return h.clock.Now().Sub(epoch) >= 50*time.Second })
	cancel()
	end := h.clock.Now()
	h.advanceUntil("events again", time.Second, 10*time.Second, func() bool { return h.allConnected() && h.delivers(topicA) })
	t.Logf("events again %s after the outage's end", h.clock.Now().Sub(end))

	// A third channel inside the interval waits, visibly: once the second channel's
	// token is past its margin, a dropped socket needs a new channel.
	at := h.clock.Now().Add(40 * time.Second)
	h.advanceUntil("the token past its margin", 5*time.Second, time.Minute, func() bool { return !h.clock.Now().Before(at) })
	h.sim.DropAllSockets()
	h.advanceUntil("waiting for the next channel", time.Second, time.Minute, func() bool {
		return strings.Contains(h.m.Status().Reason, "no socket open: the next channel is allowed at")
	})
	st := h.m.Status()
	if len(st.Topics) != 1 || st.Topics[0].SocketOpen || st.Connected() {
		t.Errorf("status while waiting: %s, topics %+v", st.State, st.Topics)
	}
	if !strings.Contains(h.logs.All(), "waiting for the next channel allowed") {
		t.Error("the wait is not logged")
	}
	h.advanceUntil("events after the wait", 10*time.Second, 6*time.Minute, func() bool { return h.allConnected() && h.delivers(topicA) })
	if n := h.sim.Count("channel_create"); n > 4 {
		t.Errorf("%d channels", n)
	}
}
