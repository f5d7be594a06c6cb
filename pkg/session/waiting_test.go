package session

import (
	"strings"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// A topic requested while no channel can be made is blind from the request on: once it
// has waited longer than a handshake takes it is in a gap that starts at the request,
// and the gap ends with its first subscription.
func TestTopicNotYetSubscribedIsAGapFromItsRequest(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	cancel := h.sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/notifications/channels", Method: "POST", Status: 503})
	requested := h.clock.Now()
	h.m.Start()
	h.m.Acquire(topicA)
	h.eventually("the first attempt refused", func() bool { return h.state() == StateReconnecting })
	h.idle(0)
	h.clock.Advance(h.m.cfg.HandshakeTimeout - time.Second)
	h.idle(0)
	if gaps := h.sink.snapshotGaps(); len(gaps) != 0 {
		t.Fatalf("gap within a handshake's time of the request: %+v", gaps)
	}
	h.advanceUntil("the waiting topic's gap", time.Second, time.Minute, func() bool { return len(h.sink.snapshotGaps()) == 1 })
	g := h.sink.snapshotGaps()[0]
	if !g.Open() || !g.Start.Equal(requested) || g.Topic != topicA {
		t.Fatalf("gap %+v, want open from the request at %s", g, requested)
	}
	if !strings.Contains(g.Reason, "not subscribed yet") || !strings.Contains(g.Reason, "503") {
		t.Errorf("gap reason %q does not say the topic waits, and why", g.Reason)
	}
	if st := h.m.Status(); st.OpenGaps != 1 || len(st.Gaps) != 1 || st.Counters.Gaps != 1 {
		t.Errorf("status: %d open gaps, gap log %+v, counter %d", st.OpenGaps, st.Gaps, st.Counters.Gaps)
	}
	waited := h.clock.Now().Add(45 * time.Second) // the retries go on: the gap stays one record
	h.advanceUntil("45 s more of retries", time.Second, time.Minute, func() bool { return !h.clock.Now().Before(waited) })
	if n := len(h.sink.snapshotGaps()); n != 1 {
		t.Fatalf("%d gap records while waiting, want the one open gap", n)
	}

	cancel()
	h.advanceUntil("subscribed", time.Second, 5*time.Minute, func() bool { return h.state() == StateConnected && h.allConnected() })
	h.publishSeen(topicA)
	gaps := h.sink.snapshotGaps()
	if len(gaps) != 2 || gaps[1].Open() || !gaps[1].Start.Equal(requested) || gaps[1].End.Before(requested.Add(time.Minute)) {
		t.Fatalf("gaps %+v, want the gap from the request closed at the subscription", gaps)
	}
	if st := h.m.Status(); st.OpenGaps != 0 {
		t.Errorf("%d gaps still open after the subscription", st.OpenGaps)
	}
}

// A topic that is subscribed at once has no gap: the rule is for topics left waiting.
func TestPromptSubscriptionHasNoGap(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.advanceUntil("a minute connected", 5*time.Second, 2*time.Minute, func() bool { return h.clock.Now().Sub(epoch) >= time.Minute })
	h.m.Acquire(topicB) // added to the open channel by one PUT
	h.advanceUntil("B subscribed", time.Second, time.Minute, func() bool {
		st, _ := h.sink.lastStatus(topicB)
		return st.State == event.StatePermitted
	})
	h.idle(0)
	h.clock.Advance(time.Minute)
	h.publishSeen(topicB)
	if gaps := h.sink.snapshotGaps(); len(gaps) != 0 {
		t.Fatalf("gaps for promptly subscribed topics: %+v", gaps)
	}
}
