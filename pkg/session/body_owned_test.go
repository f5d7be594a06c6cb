package session

import (
	"bytes"
	"testing"
	"time"
)

// TestDeliveredBodyOwnsItsBytes: the reader reuses one buffer for every message, and
// what is delivered must not alias it. pkg/frames keeps strings that alias event
// bodies (event.Event.Body is never modified once delivered), so a body sharing the
// read buffer would change the values of frames and history under them.
func TestDeliveredBodyOwnsItsBytes(t *testing.T) {
	sink := &recSink{}
	m := handleManager(t, sink)
	s := &socketConn{done: make(chan struct{})}
	buf := []byte(`{"topicName":"v2.detail.events.conversation.c1.acd.start","eventBody":{"queueId":"q-1","mediaType":"voice"},"metadata":{"CorrelationId":"c1"}}`)
	m.handle(s, buf, time.Now())
	want := `{"queueId":"q-1","mediaType":"voice"}`
	for i := range buf { // the next message overwrites the reader's buffer
		buf[i] = 'x'
	}
	if len(sink.events) != 1 {
		t.Fatalf("delivered %d events, want 1", len(sink.events))
	}
	if got := sink.events[0].Body; !bytes.Equal(got, []byte(want)) {
		t.Fatalf("delivered body changed with the read buffer: %s", got)
	}
}
