package session

import (
	"strings"
	"testing"
	"time"
)

// An event whose body is not valid JSON is rejected for its topic: counted as
// malformed, reported to the sink with a reason that holds nothing of the body, never
// delivered. A malformed envelope is only counted, as before.
func TestBadBodyRejectedForItsTopic(t *testing.T) {
	sink := &recSink{}
	m := handleManager(t, sink)
	s := &socketConn{done: make(chan struct{})}
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	for _, msg := range []string{
		`{"topicName":"v2.users.u1.presence","eventBody":{"source":"PURECLOUD","message":"secret-ish"},"metadata":{"CorrelationId":"c1"}}`,
		`{"topicName":"v2.users.u1.presence","eventBody":{"message":"secret-ish","primary":tru},"metadata":{"CorrelationId":"c2"}}`,
		`{"topicName":"v2.analytics.queues.q1.observations","eventBody":{"group":"secret-ish"},"metadata":{"CorrelationId":"c3"}}`,
		`{"eventBody":{"routingStatus":"secret-ish",},"topicName":"v2.users.u1.routingStatus"}`,
	} {
		m.handle(s, []byte(msg), at)
	}
	if len(sink.events) != 2 || sink.events[0].CorrelationID != "c1" || sink.events[1].CorrelationID != "c3" {
		t.Fatalf("delivered %+v", sink.events)
	}
	if len(sink.rejected) != 1 {
		t.Fatalf("rejected %+v", sink.rejected)
	}
	if r := sink.rejected[0]; r.Topic != "v2.users.u1.presence" || !r.At.Equal(at) || r.Reason == "" || strings.Contains(r.Reason, "secret-ish") {
		t.Errorf("rejected %+v", r)
	}
	if c := m.Status().Counters; c.Malformed != 2 || c.Events != 2 {
		t.Errorf("counters %+v", c)
	}
}
