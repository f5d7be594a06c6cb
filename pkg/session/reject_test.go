package session

import (
	"strings"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
)

// With pkg/frames' Scan, a body it refuses (not JSON, or not of its topic's shape)
// rejects the event: counted as malformed, reported to the sink with its topic and a
// reason that holds nothing of the body, never delivered. Readable bodies are
// delivered with what the scan read, whether it read them in the envelope's pass
// (topic first) or after it (body first).
func TestRefusedBodyRejected(t *testing.T) {
	sink := &recSink{}
	m := handleManager(t, sink, frames.Scan)
	s := &socketConn{done: make(chan struct{})}
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	for _, msg := range []string{
		`{"topicName":"v2.users.u1.presence","eventBody":{"source":"PURECLOUD","message":"secret-ish"},"metadata":{"CorrelationId":"c1"}}`,
		`{"topicName":"v2.users.u1.presence","eventBody":{"message":"secret-ish","primary":tru},"metadata":{"CorrelationId":"c2"}}`,
		`{"topicName":"v2.analytics.queues.q1.observations","eventBody":{"group":"secret-ish"},"metadata":{"CorrelationId":"c3"}}`,
		`{"eventBody":{"routingStatus":{"status":"IDLE"}},"topicName":"v2.users.u1.routingStatus"}`,
		`{"eventBody":{"routingStatus":"secret-ish"},"topicName":"v2.users.u1.routingStatus"}`,
	} {
		m.handle(s, []byte(msg), at)
	}
	if len(sink.events) != 2 || sink.events[0].CorrelationID != "c1" || sink.events[1].Topic != "v2.users.u1.routingStatus" {
		t.Fatalf("delivered %+v", sink.events)
	}
	for _, e := range sink.events {
		if _, ok := e.Scanned.(*frames.Row); !ok {
			t.Errorf("%s delivered without its row: %v", e.Topic, e.Scanned)
		}
	}
	want := []string{"v2.users.u1.presence", "v2.analytics.queues.q1.observations", "v2.users.u1.routingStatus"}
	if len(sink.rejected) != len(want) {
		t.Fatalf("rejected %+v", sink.rejected)
	}
	for i, r := range sink.rejected {
		if r.Topic != want[i] || !r.At.Equal(at) || r.Reason == "" || strings.Contains(r.Reason, "secret-ish") {
			t.Errorf("rejected[%d] = %+v", i, r)
		}
	}
	if c := m.Status().Counters; c.Malformed != 3 || c.Events != 2 {
		t.Errorf("counters %+v", c)
	}
}
