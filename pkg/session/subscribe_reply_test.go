package session

import (
	"strings"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// TestSocketSubscribeRepliesAreNotEvents: replies to socket subscribe/unsubscribe messages
// (channel.metadata carrying the request's correlationId and per-topic verdicts) reach a
// client's socket too, e.g. when another tool shares the channel. The reader must neither
// deliver them as events, nor count them malformed, nor take them for a pong, nor open a gap.
func TestSocketSubscribeRepliesAreNotEvents(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	id := h.sim.Channels()[0].ID
	before := h.m.Status().Counters
	h.sim.SendRaw(id, simulator.SubscribeReply("corr-1", topicA, topicB))
	h.sim.SendRaw(id, simulator.EncodeSocketReply(simulator.SocketReply{Message: "unsubscribe", CorrelationID: "corr-2", Status: 200}))
	h.sim.SendRaw(id, simulator.EncodeSocketReply(simulator.SocketReply{Message: "subscribe", CorrelationID: "corr-3", Status: 400,
		Error: "topics must be a non-empty list of topic ids"}))
	h.publishSeen(topicA) // the socket keeps order: the replies were read before this event
	after := h.m.Status().Counters
	if after.Malformed != before.Malformed || after.Pongs != before.Pongs || after.Gaps != before.Gaps {
		t.Errorf("replies changed counters: before %+v, after %+v", before, after)
	}
	if h.state() != StateConnected {
		t.Errorf("state %s after the replies", h.state())
	}
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	for _, e := range h.sink.events {
		if e.Topic == "channel.metadata" || strings.Contains(string(e.Body), "corr-") {
			t.Errorf("a reply was delivered as an event: %s %s", e.Topic, e.Body)
		}
	}
	if len(h.sink.gaps) != 0 {
		t.Errorf("gaps %v", h.sink.gaps)
	}
}
