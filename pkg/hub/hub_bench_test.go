package hub

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

var benchBody = json.RawMessage(`{"group":{"queueId":"8f2b3c1e-0d5a-4b7e-9c61-2a4f5e6d7c8b","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:15:00.000Z","metrics":[{"metric":"oWaiting","stats":{"count":3}},{"metric":"oServiceLevel","stats":{"ratio":0.8,"numerator":8,"denominator":10,"target":0.8}}]}]}`)

// BenchmarkEvent measures ingestion under a byte budget small enough that every
// event also evicts one: the steady state of a busy hub.
func BenchmarkEvent(b *testing.B) {
	b.Run("lower-case", func(b *testing.B) { benchEvent(b, "v2.analytics.queues.q%03d.observations") })
	b.Run("mixed-case", func(b *testing.B) { benchEvent(b, "v2.users.U%03d.routingStatus") })
	b.Run("stream-per-topic", func(b *testing.B) { benchEventStreams(b, "v2.users.U%03d.routingStatus") })
}

// benchEventStreams gives every topic its own live stream (as pkg/plugin streams each
// topic on its own channel), never read: every event walks its topic's subscribers.
func benchEventStreams(b *testing.B, topicFormat string) {
	clock := clockwork.NewFakeClockAt(time.Now())
	h := New(Config{Clock: clock, MaxBytes: 4 << 20})
	topics := make([]string, 200)
	for i := range topics {
		topics[i] = fmt.Sprintf(topicFormat, i)
		defer h.Subscribe(topics[i:i+1], 64).Close()
	}
	now := clock.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Event(event.Event{Topic: topics[i%len(topics)], Body: benchBody, Received: now.Add(time.Duration(i))})
	}
}

func benchEvent(b *testing.B, topicFormat string) {
	clock := clockwork.NewFakeClockAt(time.Now())
	h := New(Config{Clock: clock, MaxBytes: 4 << 20})
	topics := make([]string, 200)
	for i := range topics {
		topics[i] = fmt.Sprintf(topicFormat, i)
	}
	sub := h.Subscribe(topics[:10], 64) // never read: exercises the drop path
	defer sub.Close()
	now := clock.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Event(event.Event{Topic: topics[i%len(topics)], Body: benchBody, Received: now.Add(time.Duration(i))})
	}
}

func BenchmarkHistory(b *testing.B) {
	clock := clockwork.NewFakeClockAt(time.Now())
	h := New(Config{Clock: clock})
	start := clock.Now()
	for i := 0; i < 10_000; i++ {
		h.Event(event.Event{Topic: "v2.analytics.queues.q.observations", Body: benchBody, Received: start.Add(time.Duration(i) * time.Millisecond)})
	}
	from, to := start.Add(5*time.Second), start.Add(6*time.Second) // 1,000 events
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n := len(h.History("v2.analytics.queues.q.observations", from, to)); n != 1001 {
			b.Fatalf("got %d", n)
		}
	}
}
