package bench

import (
	"context"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// countSink counts what the session hands over; onEvent (optional) sees every event.
type countSink struct {
	events, gaps atomic.Int64
	onEvent      func(event.Event)
	mu           sync.Mutex
	gapLog       []event.Gap
}

func (s *countSink) Event(e event.Event) {
	s.events.Add(1)
	if s.onEvent != nil {
		s.onEvent(e)
	}
}
func (s *countSink) Gap(g event.Gap) {
	s.gaps.Add(1)
	s.mu.Lock()
	s.gapLog = append(s.gapLog, g)
	s.mu.Unlock()
}
func (s *countSink) TopicStatus(event.TopicStatus) {}
func (s *countSink) Rejected(event.Rejected)       {}

// rig is a simulator plus a session manager connected to it.
type rig struct {
	sim  *simulator.Server
	m    *session.Manager
	sink session.Sink
}

// newRig serves a simulator on clock and builds a manager delivering to sink (not started).
func newRig(tb testing.TB, clock clockwork.Clock, sc simulator.Config, sink session.Sink, mod func(*session.Config)) *rig {
	tb.Helper()
	sc.Clock = clock
	sim := simulator.NewTestServer(tb, sc)
	hc := &http.Client{Timeout: 10 * time.Second}
	src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: "sim-secret", LoginURL: sim.URL(), Clock: clock, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	api, err := genesys.New(sim.URL(), hc)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := session.Config{Name: "bench", Auth: src, API: api, Clock: clock, Rand: rand.New(rand.NewSource(1)),
		Sink: sink, Logger: log.NewNullLogger()}
	if mod != nil {
		mod(&cfg)
	}
	m, err := session.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(m.Close)
	return &rig{sim: sim, m: m, sink: sink}
}

// waitConnected polls (real time) until every simulator channel has a socket.
func (r *rig) waitConnected(tb testing.TB, channels int) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		chs := r.sim.Channels()
		n := 0
		for _, c := range chs {
			if c.Connected {
				n++
			}
		}
		if r.m.Status().Connected() && n >= channels {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := r.sim.WaitCount(ctx, "upgrade", channels)
			cancel()
			if err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not connected after 10s: %+v", r.m.Status())
		}
		time.Sleep(time.Millisecond)
	}
}

// connectedChannel returns the id of the first connected channel.
func (r *rig) connectedChannel(tb testing.TB) string {
	tb.Helper()
	for _, c := range r.sim.Channels() {
		if c.Connected {
			return c.ID
		}
	}
	tb.Fatal("no connected channel")
	return ""
}

// sampleTopics returns the distinct topics of sample.
func sampleTopics(sample []simulator.SampledEvent) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range sample {
		if !seen[e.Topic] {
			seen[e.Topic] = true
			out = append(out, e.Topic)
		}
	}
	return out
}
