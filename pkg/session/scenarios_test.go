package session

import (
	"strings"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// The seed thread: 502s while the link is down, the token expires meanwhile, and an
// upgrade with the stale token would be dropped (1006). The manager must check the
// token before the handshake: exactly one refresh, one new channel, then events.
func TestSeedStaleTokenAfter502s(t *testing.T) {
	h := newHarness(t, simulator.Config{TokenLifetime: time.Hour, DropStaleUpgrades: true}, nil)
	h.start(topicA)
	tokens, creates := h.sim.Count("token"), h.sim.Count("channel_create")
	cancel := h.sim.FailHTTP(simulator.HTTPFault{Status: 502})
	h.sim.DropAllSockets()
	h.advanceUntil("token expiry during the 502s", time.Minute, 2*time.Hour, func() bool {
		return h.clock.Now().After(epoch.Add(61 * time.Minute))
	})
	faults := h.sim.Count("http_fault")
	cancel()
	h.advanceUntil("recovery", 10*time.Second, 10*time.Minute, func() bool { return h.state() == StateConnected && h.allConnected() })
	h.publishSeen(topicA)
	if got := h.sim.Count("token") - tokens; got != 1 {
		t.Errorf("token refreshes = %d, want exactly 1", got)
	}
	if got := h.sim.Count("channel_create") - creates; got != 1 {
		t.Errorf("new channels = %d, want exactly 1", got)
	}
	if n := staleHandshakes(h); n != 0 {
		t.Errorf("%d handshakes used a stale token", n)
	}
	// Backoff capped at 120 s: about one handshake attempt a minute and a half at most,
	// never a tight loop; between them a probe every 5–20 s (probe.go).
	st := h.m.Status()
	if st.Counters.Failures > 60 || st.Counters.Probes > 250 || faults > 310 {
		t.Errorf("%d handshake attempts, %d probes, %d refused requests during 61 minutes of 502s: not bounded", st.Counters.Failures, st.Counters.Probes, faults)
	}
	t.Logf("requests refused during the outage: %d (%d handshake attempts, %d probes)", faults, st.Counters.Failures, st.Counters.Probes)
}

func TestTokenWithinMarginRefreshedBeforeHandshake(t *testing.T) {
	for _, jwt := range []bool{false, true} {
		t.Run(map[bool]string{false: "opaque", true: "jwt"}[jwt], func(t *testing.T) { testMarginRefresh(t, jwt) })
	}
}

func testMarginRefresh(t *testing.T, jwt bool) {
	h := newHarness(t, simulator.Config{TokenLifetime: 10 * time.Minute, JWTTokens: jwt}, nil)
	h.start(topicA)
	// The channel belongs to its token: before the token enters its last minute the
	// manager moves to a new channel made with a new token, without any 401.
	h.advanceUntil("replacement channel", 10*time.Second, 12*time.Minute, func() bool { return h.sim.Count("channel_create") == 2 && h.allConnected() })
	if h.clock.Now().After(epoch.Add(10 * time.Minute)) {
		t.Errorf("replaced only at %s, after the token expired", h.clock.Now().Sub(epoch))
	}
	h.publishSeen(topicA)
	if n := h.sim.Count("unauthorized") + h.sim.Count("upgrade_rejected"); n != 0 {
		t.Errorf("%d requests were refused: the token was refreshed after a 401, not before", n)
	}
	if n := h.sim.Count("token"); n != 2 {
		t.Errorf("tokens = %d, want 2", n)
	}
}

func TestStaticJWTExpiredIsNeverSent(t *testing.T) {
	expired := signedJWT(t, epoch.Add(-time.Minute))
	h := newHarness(t, simulator.Config{}, func(_ *Config, ac *auth.Config) {
		*ac = auth.Config{Mode: auth.ModeStaticToken, StaticToken: expired, Clock: ac.Clock}
	})
	h.m.Start()
	h.m.Acquire(topicA)
	h.eventually("auth_failed", func() bool { return h.state() == StateAuthFailed })
	if r := h.m.Status().Reason; !strings.Contains(r, "static token expired at") || !strings.Contains(r, "enter a new token") {
		t.Errorf("reason = %q", r)
	}
	if n := h.sim.Count("unauthorized") + h.sim.Count("channel_create"); n != 0 {
		t.Errorf("the expired token was sent %d times", n)
	}
}

func TestWrongSecretAuthFailedBoundedThenRecovers(t *testing.T) {
	h := newHarness(t, simulator.Config{ClientSecret: "rotated-secret"}, nil)
	h.m.Start()
	h.m.Acquire(topicA)
	h.eventually("auth_failed", func() bool { return h.state() == StateAuthFailed })
	if r := h.m.Status().Reason; !strings.Contains(r, "HTTP 401 invalid_client") {
		t.Errorf("reason = %q", r)
	}
	h.advanceUntil("three hours", time.Minute, 3*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= 3*time.Hour })
	denied := h.sim.Count("token_denied")
	if max := int(3*time.Hour/(5*time.Minute)) + 2; denied > max {
		t.Errorf("%d token requests in 3 h of auth failure, want at most %d", denied, max)
	}
	if err := h.m.Check(t.Context()); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("Check = %v", err)
	}
	h.sim.SetCredentials("sim-client", testSecret)
	h.advanceUntil("recovery", time.Minute, 10*time.Minute, func() bool { return h.state() == StateConnected && h.allConnected() })
	h.publishSeen(topicA)
}

func TestRetryAfterHonoured(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/notifications/channels", Method: "POST", Status: 429, RetryAfter: 90 * time.Second, Count: 1})
	h.m.Start()
	h.m.Acquire(topicA)
	h.eventually("429 seen", func() bool { return h.state() == StateReconnecting })
	if next := h.m.Status().NextAttempt; next.Sub(h.clock.Now()) < 90*time.Second {
		t.Fatalf("next attempt in %s, want >= Retry-After 90s", next.Sub(h.clock.Now()))
	}
	h.advanceUntil("connected", 10*time.Second, 5*time.Minute, func() bool { return h.state() == StateConnected && h.allConnected() })
	for _, r := range h.sim.Records() {
		if r.Kind == "channel_create" && r.Time.Sub(epoch) < 90*time.Second {
			t.Errorf("channel created %s after the 429, before Retry-After", r.Time.Sub(epoch))
		}
	}
}

func Test503StormBoundedByBackoff(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	cancel := h.sim.FailHTTP(simulator.HTTPFault{Status: 503})
	h.sim.DropAllSockets()
	h.advanceUntil("an hour of 503s", 10*time.Second, 2*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= time.Hour })
	attempts, probes := h.m.Status().Counters.Failures, h.m.Status().Counters.Probes
	if attempts < 10 || attempts > 60 {
		t.Errorf("%d handshake attempts in an hour of 503s; want the backoff (cap 120 s) to allow roughly 30-60", attempts)
	}
	if probes > 250 || int64(h.sim.Count("http_fault")) > attempts+2*probes+10 {
		t.Errorf("%d probes (%d refused requests) in an hour: a probe is one or two requests every 5-20 s", probes, h.sim.Count("http_fault"))
	}
	if st := h.m.Status(); st.Attempt < 5 || st.State != StateReconnecting {
		t.Errorf("status %s attempt %d", st.State, st.Attempt)
	}
	cancel()
	h.advanceUntil("recovery", 10*time.Second, 5*time.Minute, func() bool { return h.state() == StateConnected && h.allConnected() })
	h.publishSeen(topicA)
}

// The seed's symptom when the client cannot know: the service expired the token early,
// and an upgrade on the token's channel is accepted then dropped (1006). One drop, then
// the manager asks the channel (HEAD → 401) instead of re-dialling in a loop: one new
// token, one new channel.
func TestSeedServerSideExpiryDetectedAfterOneDrop(t *testing.T) {
	h := newHarness(t, simulator.Config{DropStaleUpgrades: true}, nil)
	h.start(topicA)
	h.clock.Advance(30 * time.Second) // a heartbeat: the socket has carried messages
	h.eventually("heartbeat", func() bool { return h.m.Status().Counters.Heartbeats > 0 })
	tokens, creates := h.sim.Count("token"), h.sim.Count("channel_create")
	h.sim.ExpireTokens()
	h.sim.DropAllSockets()
	h.advanceUntil("recovery", time.Second, 10*time.Minute, func() bool {
		return h.sim.Count("channel_create") > creates && h.allConnected() && h.m.Status().OpenGaps == 0
	})
	h.publishSeen(topicA)
	if n := h.sim.Count("upgrade_dropped"); n != 1 {
		t.Errorf("stale upgrades = %d, want 1", n)
	}
	if got := h.sim.Count("token") - tokens; got != 1 {
		t.Errorf("token refreshes = %d, want 1", got)
	}
	if got := h.sim.Count("channel_create") - creates; got != 1 {
		t.Errorf("new channels = %d, want 1", got)
	}
}

// Three simulated days with the default 24 h tokens and channels: the manager rotates
// token and channel about once a day, before expiry, with no failure and no loop.
func TestThreeDaysSteadyState(t *testing.T) {
	// Tokens and channels both live 24 h, so a rotation falls due one margin before the
	// channel expires. The clock moves in 5-minute steps: with the default 60 s margin the
	// rotation and the expiry land on the same step and race, which continuous time never
	// does. A 10-minute margin (a setting users choose) puts the rotation a step earlier.
	h := newHarness(t, simulator.Config{}, func(_ *Config, a *auth.Config) { a.Margin = 10 * time.Minute })
	h.start(topicA)
	h.advanceUntil("three days", 5*time.Minute, 73*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= 72*time.Hour })
	h.publishSeen(topicA)
	st := h.m.Status()
	if tokens, chans := h.sim.Count("token"), h.sim.Count("channel_create"); tokens < 3 || tokens > 5 || chans < 3 || chans > 5 {
		t.Errorf("tokens %d, channels %d over 3 days; want about one rotation a day", tokens, chans)
	}
	if st.Counters.Failures != 0 || st.OpenGaps != 0 || h.sim.Count("unauthorized")+h.sim.Count("upgrade_rejected") != 0 {
		t.Errorf("failures %d, open gaps %d, refused %d", st.Counters.Failures, st.OpenGaps, h.sim.Count("unauthorized")+h.sim.Count("upgrade_rejected"))
	}
	t.Logf("tokens %d, channels %d, pings %d, subscribes %d", h.sim.Count("token"), h.sim.Count("channel_create"), st.Counters.Pings, st.Counters.Subscribes)
}

// A fault soon after an outage (within HealthyAfter of its end) is backed off by the
// time the link was down, not by the time since the outage began: a channel expiry 40 s
// after a 20 s outage of 502s is over within 0.4 × the ≈ 20–28 s down (≤ 15 s here),
// where counting from the outage's start waited 0.4 × ≈ 60–68 s, at least 16 s (the soak
// against a real Grafana saw 42 s with faults a minute apart).
func TestFaultSoonAfterAnOutageBacksOffOnDowntime(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	t0 := h.clock.Now()
	cancel := h.sim.FailHTTP(simulator.HTTPFault{Status: 502})
	h.sim.DropAllSockets()
	h.advanceUntil("the end of the 502s", time.Second, time.Minute, func() bool { return h.clock.Since(t0) >= 20*time.Second })
	cancel()
	h.advanceUntil("recovery", time.Second, 2*time.Minute, func() bool { return h.state() == StateConnected && h.allConnected() })
	up := h.clock.Now()
	h.advanceUntil("40 s of service", time.Second, time.Minute, func() bool { return h.clock.Since(up) >= 40*time.Second })
	creates := h.sim.Count("channel_create")
	for _, c := range h.sim.Channels() {
		h.sim.ExpireChannel(c.ID)
	}
	t1 := h.clock.Now()
	h.advanceUntil("recovery after the channel expiry", time.Second, 2*time.Minute, func() bool {
		return h.sim.Count("channel_create") > creates && h.allConnected() && h.delivers(topicA)
	})
	if took := h.clock.Since(t1); took > 15*time.Second {
		t.Fatalf("recovered %s after the channel expiry; 0.4 × the downtime so far is at most 11.2 s", took)
	}
}

// TestIdleSessionWithWrongSecretIsNotConnected: with no topic in use, a data source
// whose secret is wrong must not report "connected" (an alert on connected < 1 would
// stay quiet); it signs in once, says why it failed, and makes no further calls until
// a topic or a health check asks.
func TestIdleSessionWithWrongSecretIsNotConnected(t *testing.T) {
	h := newHarness(t, simulator.Config{}, func(_ *Config, ac *auth.Config) { ac.ClientSecret = "wrong-secret" })
	h.m.Start()
	h.eventually("auth_failed", func() bool { return h.state() == StateAuthFailed })
	if st := h.m.Status(); st.Connected() || !strings.Contains(st.Reason, "signing in failed") {
		t.Fatalf("status %+v", st)
	}
	denied := h.sim.Count("token_denied")
	for i := 0; i < 10; i++ {
		h.idle(0)
		h.clock.Advance(10 * time.Minute)
	}
	if n := h.sim.Count("token_denied"); n != denied {
		t.Errorf("an idle session with a wrong secret asked for tokens %d more times in 100 minutes", n-denied)
	}
	if h.state() != StateAuthFailed {
		t.Errorf("state %s, want auth_failed to stay", h.state())
	}
}
