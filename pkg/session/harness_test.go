package session

import (
	"context"
	"encoding/json"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/internal/logcapture"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// recSink records what the manager delivers.
type recSink struct {
	mu       sync.Mutex
	events   []event.Event
	gaps     []event.Gap
	statuses []event.TopicStatus
	rejected []event.Rejected
}

func (s *recSink) Rejected(r event.Rejected) {
	s.mu.Lock()
	s.rejected = append(s.rejected, r)
	s.mu.Unlock()
}

func (s *recSink) Event(e event.Event) { s.mu.Lock(); s.events = append(s.events, e); s.mu.Unlock() }
func (s *recSink) Gap(g event.Gap)     { s.mu.Lock(); s.gaps = append(s.gaps, g); s.mu.Unlock() }
func (s *recSink) TopicStatus(t event.TopicStatus) {
	s.mu.Lock()
	s.statuses = append(s.statuses, t)
	s.mu.Unlock()
}

func (s *recSink) eventCount(topic string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.events {
		if topic == "" || event.Key(e.Topic) == event.Key(topic) {
			n++
		}
	}
	return n
}

func (s *recSink) snapshotGaps() []event.Gap {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]event.Gap(nil), s.gaps...)
}

// firstStatus returns the first status of topic in state, if any.
func (s *recSink) firstStatus(topic, state string) (event.TopicStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.statuses {
		if event.Key(st.Topic) == event.Key(topic) && st.State == state {
			return st, true
		}
	}
	return event.TopicStatus{}, false
}

func (s *recSink) lastStatus(topic string) (event.TopicStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.statuses) - 1; i >= 0; i-- {
		if event.Key(s.statuses[i].Topic) == event.Key(topic) {
			return s.statuses[i], true
		}
	}
	return event.TopicStatus{}, false
}

type harness struct {
	t      *testing.T
	clock  *clockwork.FakeClock
	sim    *simulator.Server
	src    *auth.Source
	tokens *tokenSpy
	m      *Manager
	sink   *recSink
	logs   *logcapture.Logger
}

var epoch = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

const testSecret = "sim-secret"

// newHarness serves a simulator on a fake clock and builds (not starts) a manager.
func newHarness(t *testing.T, sc simulator.Config, mod func(*Config, *auth.Config)) *harness {
	t.Helper()
	clock := clockwork.NewFakeClockAt(epoch)
	sc.Clock = clock
	sim := simulator.NewTestServer(t, sc)
	hc := &http.Client{Timeout: 10 * time.Second}
	ac := auth.Config{ClientID: "sim-client", ClientSecret: testSecret, LoginURL: sim.URL(), Clock: clock, HTTPClient: hc}
	api, err := genesys.New(sim.URL(), hc)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, clock: clock, sim: sim, sink: &recSink{}, logs: logcapture.New()}
	cfg := Config{Name: "test-ds", API: api, Clock: clock, Rand: rand.New(rand.NewSource(1)), Sink: h.sink, Logger: h.logs,
		PongTimeout: 10 * time.Second}
	if mod != nil {
		mod(&cfg, &ac)
	}
	if h.src, err = auth.New(ac); err != nil {
		t.Fatal(err)
	}
	h.tokens = &tokenSpy{Source: h.src}
	cfg.Auth = h.tokens
	if h.m, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("manager log:\n%s", h.logs.All())
		}
		h.m.Close()
		hc.CloseIdleConnections()
		h.assertNoSecrets()
	})
	return h
}

// tokenSpy remembers every token handed to the manager, to look for them in logs.
type tokenSpy struct {
	*auth.Source
	mu   sync.Mutex
	seen []string
}

func (s *tokenSpy) Token(ctx context.Context) (auth.Token, error) {
	t, err := s.Source.Token(ctx)
	if err == nil {
		s.mu.Lock()
		s.seen = append(s.seen, t.Value)
		s.mu.Unlock()
	}
	return t, err
}

// assertNoSecrets fails when the secret or any token shows in logs or Status JSON.
func (h *harness) assertNoSecrets() {
	h.t.Helper()
	st, _ := json.Marshal(h.m.Status())
	text := h.logs.All() + "\n" + string(st)
	h.tokens.mu.Lock()
	defer h.tokens.mu.Unlock()
	for _, secret := range append([]string{testSecret}, h.tokens.seen...) {
		if secret != "" && strings.Contains(text, secret) {
			h.t.Errorf("a secret or token leaked into logs or status")
		}
	}
	for _, c := range h.sim.Channels() {
		if strings.Contains(string(st), c.ID) {
			h.t.Errorf("status shows a full channel id (the socket's credential)")
		}
	}
}

// eventually polls cond (real time, ms steps) for up to 5 s.
// safetyNet bounds a wait that should end at once; it is no performance limit.
const safetyNet = 30 * time.Second

func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	// only a safety net against a hang: conditions hold within milliseconds, but a shared
	// CI machine under -race (1500-topic subscriptions) has taken over 5 s
	deadline := time.Now().Add(safetyNet)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; status %+v", what, h.m.Status())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// idle waits until the manager's loop (and the simulator's ticker) wait on the clock.
func (h *harness) idle(extra int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	if err := h.clock.BlockUntilContext(ctx, 2+extra); err != nil {
		h.t.Fatalf("manager never went idle on the clock: %v; status %+v", err, h.m.Status())
	}
}

// advanceUntil moves the clock in steps (waiting for the loop to be idle before each)
// until cond holds, failing after max simulated time.
func (h *harness) advanceUntil(what string, step, max time.Duration, cond func() bool) {
	h.t.Helper()
	for spent := time.Duration(0); ; spent += step {
		if h.settled(cond) {
			return
		}
		if spent >= max {
			h.t.Fatalf("%s did not happen within %s of simulated time; status %+v", what, max, h.m.Status())
		}
		h.idle(0)
		h.clock.Advance(step)
	}
}

// settled gives goroutines a few ms to react before evaluating cond.
func (h *harness) settled(cond func() bool) bool {
	for i := 0; i < 5; i++ {
		if cond() {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}

func (h *harness) state() string { return h.m.Status().State }

// connected starts the manager with topics and waits until events flow.
func (h *harness) start(topics ...string) func() {
	h.m.Start()
	rel := h.m.Acquire(topics...)
	h.eventually("connected", func() bool { return h.state() == StateConnected && h.allConnected() })
	return rel
}

// allConnected: the manager has channels and each has its socket.
func (h *harness) allConnected() bool {
	st := h.m.Status()
	for _, c := range st.Channels {
		if !c.Connected {
			return false
		}
	}
	// The simulator records an upgrade once it attached the socket, a moment after
	// the client saw the 101: wait for it so server-side faults reach our sockets.
	return len(st.Channels) > 0 && h.sim.Count("upgrade")+h.sim.Count("upgrade_dropped") >= int(st.Counters.SocketsOpened)
}

// publishSeen publishes one event and waits until the sink has it.
func (h *harness) publishSeen(topic string) {
	h.t.Helper()
	// Publish again until one arrives: a socket the client just closed may still be
	// registered at the server for a moment and swallow one event.
	h.eventually("event delivered", func() bool { return h.delivers(topic) })
}

// delivers publishes one event on topic and reports whether the sink got it within a
// few ms: a condition for advanceUntil where the clock must move for events to flow.
func (h *harness) delivers(topic string) bool {
	before := h.sink.eventCount(topic)
	if h.sim.Publish(topic, map[string]any{"n": before}) == 0 {
		return false // no socket took it: the clock must move first
	}
	// A socket took it: give the reader real time to hand it on. A few ms are enough on
	// a quiet machine; under heavy load (-race, parallel builds) the reader can be
	// descheduled far longer, and a short wait made a delivered event look lost.
	deadline := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if h.sink.eventCount(topic) > before {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}

const (
	topicA = "v2.users.00000000-0000-4000-8000-00000000000a.presence"
	topicB = "v2.users.00000000-0000-4000-8000-00000000000b.presence"
)
