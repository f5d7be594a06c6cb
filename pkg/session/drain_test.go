package session

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// gatedSink holds every Event call while held: a reader delivering into it is starved,
// and what its socket received waits unread behind it.
type gatedSink struct {
	Sink
	mu      sync.Mutex
	gate    chan struct{} // non-nil while held
	blocked chan struct{} // gets a value when an Event call starts waiting
}

func (g *gatedSink) hold() {
	g.mu.Lock()
	g.gate, g.blocked = make(chan struct{}), make(chan struct{}, 1)
	g.mu.Unlock()
}

func (g *gatedSink) release() {
	g.mu.Lock()
	close(g.gate)
	g.gate = nil
	g.mu.Unlock()
}

func (g *gatedSink) Event(e event.Event) {
	g.mu.Lock()
	gate, blocked := g.gate, g.blocked
	g.mu.Unlock()
	if gate != nil {
		select {
		case blocked <- struct{}{}:
		default:
		}
		<-gate
	}
	g.Sink.Event(e)
}

// starvedRetirement connects with 10-minute tokens, starves the reader, publishes n
// events that only the current socket carries, and lets the token rotation retire that
// socket; it returns when the drain period has passed (the close frame is out).
func starvedRetirement(t *testing.T, n int) (*harness, *gatedSink, time.Time) {
	gs := &gatedSink{}
	h := newHarness(t, simulator.Config{TokenLifetime: 10 * time.Minute}, func(c *Config, _ *auth.Config) {
		gs.Sink, c.Sink = c.Sink, gs
	})
	h.start(topicA)
	h.publishSeen(topicA)
	h.advanceUntil("just before the rotation", 10*time.Second, 9*time.Minute, func() bool {
		return h.clock.Now().Sub(epoch) >= 8*time.Minute+50*time.Second
	})
	gs.hold()
	published := h.clock.Now()
	for i := 0; i < n; i++ {
		if h.sim.Publish(topicA, map[string]int{"k": i}) != 1 {
			t.Fatalf("event %d not taken by exactly one socket", i)
		}
	}
	select {
	case <-gs.blocked:
	case <-time.After(5 * time.Second):
		t.Fatal("the reader never reached the sink")
	}
	h.advanceUntil("rotation", time.Second, 30*time.Second, func() bool {
		return h.m.Status().Counters.ChannelsCreated == 2 && h.allConnected()
	})
	h.idle(0)
	h.clock.Advance(h.m.cfg.DrainPeriod + time.Second) // the drain period is over: close frame
	h.idle(0)
	return h, gs, published
}

// delivered returns the distinct "k" of topicA's events (starvedRetirement's).
func delivered(h *harness) map[int]bool {
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	got := map[int]bool{}
	for _, e := range h.sink.events {
		var b struct{ K *int }
		if json.Unmarshal(e.Body, &b) == nil && b.K != nil {
			got[*b.K] = true
		}
	}
	return got
}

// A replaced socket whose reader is behind is not closed on the drain timer: every event
// it received reaches the sink once the reader catches up, and no gap is reported.
func TestRetiredSocketDrainsStarvedReader(t *testing.T) {
	const n = 40
	h, gs, _ := starvedRetirement(t, n)
	h.clock.Advance(10 * time.Second) // still inside DrainTimeout
	h.idle(0)
	gs.release()
	defer func() {
		if t.Failed() {
			for _, r := range h.sim.Records() {
				t.Logf("%s %s %s %s", r.Time.Sub(epoch), r.Kind, shortID(r.Channel), r.Detail)
			}
			t.Logf("delivered %d", len(delivered(h)))
		}
	}()
	h.eventually("every event the old socket received", func() bool { return len(delivered(h)) == n })
	if gaps := h.sink.snapshotGaps(); len(gaps) != 0 {
		t.Fatalf("gaps %+v", gaps)
	}
	// The reader returns by itself on the server's close reply; nothing is cut.
	h.advanceUntil("retired socket gone", time.Second, time.Minute, func() bool {
		h.m.mu.Lock()
		defer h.m.mu.Unlock()
		return len(h.m.retired) == 0
	})
	if strings.Contains(h.logs.All(), "cut off a replaced socket") {
		t.Error("the drained socket was cut off")
	}
}

// A reader still behind DrainTimeout after the close frame is cut off, and what it had
// not delivered lies inside a reported gap.
func TestRetiredSocketCutOffReportsGap(t *testing.T) {
	const n = 40
	h, gs, published := starvedRetirement(t, n)
	h.clock.Advance(h.m.cfg.DrainTimeout)
	h.eventually("cut off", func() bool { return strings.Contains(h.logs.All(), "cut off a replaced socket") })
	cut := h.clock.Now()
	gs.release()
	h.eventually("gap reported", func() bool { return len(h.sink.snapshotGaps()) > 0 })
	got := delivered(h)
	missing := 0
	for i := 0; i < n; i++ {
		if !got[i] {
			missing++
		}
	}
	gaps := h.sink.snapshotGaps()
	g := gaps[0]
	if len(gaps) != 1 || g.Open() || g.Reason != "replaced socket closed before its reader caught up" ||
		published.Before(g.Start) || !g.End.Equal(cut) {
		t.Fatalf("gaps %+v, want one closed gap from at most %s to %s", gaps, published.Sub(epoch), cut.Sub(epoch))
	}
	h.publishSeen(topicA) // the new channel carries on
	t.Logf("%d of %d events missing, all inside the gap %s–%s", missing, n, g.Start.Sub(epoch), g.End.Sub(epoch))
}
