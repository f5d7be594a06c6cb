package session

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// fuzzTokens is a TokenSource that is never asked: handle does no I/O.
type fuzzTokens struct{}

func (fuzzTokens) Token(context.Context) (auth.Token, error) { return auth.Token{}, nil }
func (fuzzTokens) Invalidate(string)                         {}
func (fuzzTokens) Margin() time.Duration                     { return time.Minute }
func (fuzzTokens) Stats() (int64, int64)                     { return 0, 0 }

// handleManager is a manager for calling handle directly: no I/O, no loop started.
func handleManager(tb testing.TB, sink Sink) *Manager {
	tb.Helper()
	api, err := genesys.New("http://127.0.0.1:1", nil)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := New(Config{Auth: fuzzTokens{}, API: api, Sink: sink, Logger: log.NewNullLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// FuzzHandle feeds arbitrary socket messages to the envelope decoder (owned by the
// benchmarks/reliability helper): it must never panic, deliver only events with a
// topic and a valid JSON body, never deliver heartbeats or system messages as events,
// count every event it rejects for its body, and keep its note queue bounded.
func FuzzHandle(f *testing.F) {
	for _, seed := range []string{
		`{"topicName":"v2.users.u1.presence","version":"2","eventBody":{"presenceDefinition":{"systemPresence":"Available"}},"metadata":{"CorrelationId":"c1"}}`,
		`{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}`,
		`{"topicName":"channel.metadata","eventBody":{"message":"pong"}}`,
		`{"topicName":"v2.system.socket_closing","eventBody":{"reason":"MAINTENANCE"}}`,
		`{"topicName":"v2.system.token_revoked.abc","eventBody":null}`,
		`{"topicName":"v2.system.no_longer_subscribed.abc"}`,
		`{"topicName":"v2.users.u1.presence"}`, `{"topicName":"","eventBody":{}}`,
		`{"topicName":"v2.x","eventBody":"str","metadata":{"CorrelationId":5}}`,
		`{"topicName":1}`, `[]`, `null`, `{`, "\x00", ``,
		`{"topicName":"v2.users.u1.presence","eventBody":{"a":01}}`, `{"eventBody":{"a":1},"topicName":"v2.x"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := &recSink{}
		m := handleManager(t, sink)
		s := &socketConn{done: make(chan struct{})}
		for i := 0; i < 3; i++ { // repeats: the dedupe and note bounds see them too
			m.handle(s, data, time.Now())
		}
		if c := m.Status().Counters; int(c.Malformed) < len(sink.rejected) {
			t.Fatalf("%d rejected, %d counted", len(sink.rejected), c.Malformed)
		}
		for _, r := range sink.rejected {
			if r.Topic == "" || len(sink.events) > 0 {
				t.Fatalf("rejected %+v, delivered %d", r, len(sink.events))
			}
		}
		for _, e := range sink.events {
			if e.Topic == "" || !json.Valid(e.Body) {
				t.Fatalf("delivered %+v", e)
			}
			if e.Topic == "channel.metadata" || strings.HasPrefix(e.Topic, "v2.system.") {
				t.Fatalf("control message delivered as an event: %s", e.Topic)
			}
		}
		if len(sink.events) > 1 && sink.events[0].CorrelationID != "" {
			t.Fatalf("the same correlation id was delivered %d times", len(sink.events))
		}
		m.mu.Lock()
		notes := len(m.notes)
		m.mu.Unlock()
		if notes > maxNotes {
			t.Fatalf("%d notes queued", notes)
		}
	})
}
