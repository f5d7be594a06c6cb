package frames

import (
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Per-event costs: each op builds a frame of 100 events, so ns/op / 100 is the cost
// of one event.
func batch(topic, body string) []event.Event {
	out := make([]event.Event, 100)
	for i := range out {
		out[i] = evt(topic, at(i), body)
	}
	return out
}

func BenchmarkBuildObservations(b *testing.B)   { benchBuild(b, obsTopic, obsVoice1) }
func BenchmarkBuildConversations(b *testing.B)  { benchBuild(b, convTopic, conversationBody1) }
func BenchmarkStreamObservations(b *testing.B)  { benchStream(b, obsTopic, obsVoice1) }
func BenchmarkStreamConversations(b *testing.B) { benchStream(b, convTopic, conversationBody1) }
func BenchmarkStreamDetailEvents(b *testing.B)  { benchStream(b, detailTopic, detailBody) }

func benchBuild(b *testing.B, topic, body string) {
	events := batch(topic, body)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Build(topic, events, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStream(b *testing.B, topic, body string) {
	events := batch(topic, body)
	s := NewStreamer(topic, Options{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if f, _ := s.Frame(events); f == nil {
			b.Fatal("no frame")
		}
	}
}
