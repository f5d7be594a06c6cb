package session

import (
	"fmt"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

type nopSink struct{ n int }

func (s *nopSink) Event(event.Event)             { s.n++ }
func (s *nopSink) Gap(event.Gap)                 {}
func (s *nopSink) TopicStatus(event.TopicStatus) {}
func (s *nopSink) Rejected(event.Rejected)       {}

// BenchmarkHandle is the session's per-message work (envelope decode, dedupe, delivery
// to the sink) on ~700-byte messages over 200 mixed-case topics, each with its own
// correlation id (more than the dedupe window, so none is a duplicate).
func BenchmarkHandle(b *testing.B) {
	sink := &nopSink{}
	m := handleManager(b, sink)
	msgs := make([][]byte, 20000)
	for i := range msgs {
		msgs[i] = fmt.Appendf(nil, `{"topicName":"v2.users.U%03d.routingStatus","version":"2","eventBody":{"id":"8f2b3c1e-0d5a-4b7e-9c61-2a4f5e6d7c8b","routingStatus":{"status":"INTERACTING","startTime":"2026-11-29T01:00:00.000Z"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:15:00.000Z","metrics":[{"metric":"oWaiting","stats":{"count":%d}},{"metric":"oServiceLevel","stats":{"ratio":0.8,"numerator":8,"denominator":10,"target":0.8}}]}],"note":"caf\u00e9 \"quoted\""},"metadata":{"CorrelationId":"c-%d"}}`, i%200, i, i)
	}
	s := &socketConn{done: make(chan struct{})}
	now := time.Now() // the reader reads the clock once per message, outside handle
	b.SetBytes(int64(len(msgs[0])))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.handle(s, msgs[i%len(msgs)], now)
	}
	if sink.n == 0 {
		b.Fatal("nothing delivered")
	}
}
