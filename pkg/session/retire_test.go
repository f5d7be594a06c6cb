package session

import (
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// TestReplacedSocketLostDuringReplacementIsAGap is the interleaving behind issue #19's
// silently lost events: a maintenance notice (socket_closing) makes the manager build
// a new channel; while the new channel's subscription is still on its way, the
// service closes the old socket. The reader sees that loss before the swap, but the
// loop only reads its note after the swap, when the old socket is already "retired".
// Events published between the old socket's end and the new subscription reached
// neither socket, so that span must be reported as a gap. The manager used to drop
// the note of a retired socket without a word.
func TestReplacedSocketLostDuringReplacementIsAGap(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	defer h.start(topicA)()
	h.publishSeen(topicA)
	h.m.mu.Lock()
	old := h.m.channels[0]
	oldSock, oldID := old.sock, old.id
	h.m.mu.Unlock()
	lastMsg := time.Unix(0, oldSock.lastMsg.Load())

	// Hold the new channel's subscription PUT until the clock moves.
	cancel := h.sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/notifications/channels/", Method: "PUT", Delay: 10 * time.Second})
	defer cancel()
	h.sim.SendSocketClosing(oldID)
	h.eventually("the new channel's PUT held", func() bool { return h.sim.Count("http_delay") == 1 })

	// The service ends the old socket now; the reader sees it before the swap.
	h.sim.ExpireChannel(oldID)
	select {
	case <-oldSock.done:
	case <-time.After(safetyNet):
		t.Fatal("the old socket's reader never returned")
	}
	lostAt := h.clock.Now()
	h.clock.Advance(10 * time.Second) // the PUT goes through: the new channel takes over
	swap := h.clock.Now()
	h.eventually("replaced", func() bool {
		h.m.mu.Lock()
		defer h.m.mu.Unlock()
		return len(h.m.channels) == 1 && h.m.channels[0] != old && h.m.channels[0].sock != nil && len(h.m.retired) == 0
	})
	h.idle(0)

	var found *event.Gap
	for _, g := range h.sink.snapshotGaps() {
		if event.Key(g.Topic) == event.Key(topicA) && !g.Open() {
			found = &g
		}
	}
	if found == nil {
		t.Fatalf("no gap for the span the old socket was gone before the new one took over (lost at %s, swapped at %s): gaps %+v",
			lostAt.Format(time.TimeOnly), swap.Format(time.TimeOnly), h.sink.snapshotGaps())
	}
	if found.Start.After(lostAt) || found.End.Before(swap) || found.Start.Before(lastMsg) {
		t.Errorf("gap %s..%s must cover the old socket's last message %s to the swap %s",
			found.Start.Format(time.TimeOnly), found.End.Format(time.TimeOnly), lastMsg.Format(time.TimeOnly), swap.Format(time.TimeOnly))
	}
	h.publishSeen(topicA) // and events flow on the new channel
}
