package plugin

import (
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
)

// hubStore adapts *hub.Hub to store: the hub's TopicStatus is its Sink method, so the
// verdict lookup is its Status.
type hubStore struct{ h *hub.Hub }

func (s hubStore) History(topic string, from, to time.Time) []event.Event {
	return s.h.History(topic, from, to)
}
func (s hubStore) LastBefore(topic string, t time.Time) (event.Event, bool) {
	return s.h.LastBefore(topic, t)
}
func (s hubStore) Gaps(topic string, from, to time.Time) []event.Gap {
	return s.h.Gaps(topic, from, to)
}
func (s hubStore) TopicStatus(topic string) (event.TopicStatus, bool) { return s.h.Status(topic) }
func (s hubStore) Rejections(topic string) hub.Rejections             { return s.h.Rejections(topic) }
func (s hubStore) Subscribe(topics []string, buffer int) feed         { return s.h.Subscribe(topics, buffer) }
