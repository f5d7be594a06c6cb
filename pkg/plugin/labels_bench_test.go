package plugin

import (
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
)

// BenchmarkStreamPacketNames compares a stream packet of ten observations with and
// without the name labels: the cost of naming is a label-map copy per value field.
func BenchmarkStreamPacketNames(b *testing.B) {
	names := newFakeNames()
	names.nameQueue("q1", "Support")
	evs := make([]event.Event, 10)
	for i := range evs {
		evs[i] = observationEvent("q1", float64(i), time.Unix(int64(i), 0))
	}
	topic := evs[0].Topic
	b.Run("ids only", func(b *testing.B) {
		s := frames.NewStreamer(topic, frames.Options{})
		b.ReportAllocs()
		for b.Loop() {
			s.Frame(evs)
		}
	})
	b.Run("with names", func(b *testing.B) {
		s := newFramer(names).Streamer(topic, nil)
		b.ReportAllocs()
		for b.Loop() {
			s.Frame(evs)
		}
	})
}
