package bench

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
)

// maxBatch mirrors pkg/plugin's flushEvents: a stream sends at most this many events
// per packet round.
const maxBatch = 500

// pipeline is the plugin's live path after the session: hub subscription → per-topic
// frames.Streamer → the JSON packet handed to Grafana Live (data-only once the schema
// is known), as pkg/plugin's stream batcher does it. Unlike the plugin it flushes as soon
// as its queue is empty instead of on a 100 ms ticker, so that what it measures is
// processing, not the batching wait (reported separately).
type pipeline struct {
	sub       *hub.Subscription
	streamers map[string]*frames.Streamer
	schemas   map[string]bool
	pending   map[string][]event.Event
	order     []string
	count     int
	packets   int64
	bytes     int64
	// onPacket sees the events of each packet when it is ready.
	onPacket func(evs []event.Event, ready time.Time)
}

func newPipeline(h *hub.Hub, topics []string, buffer int, onPacket func([]event.Event, time.Time)) *pipeline {
	return &pipeline{sub: h.Subscribe(topics, buffer), streamers: map[string]*frames.Streamer{},
		schemas: map[string]bool{}, pending: map[string][]event.Event{}, onPacket: onPacket}
}

// run consumes until the subscription is closed.
func (p *pipeline) run() {
	for e := range p.sub.C() {
		p.add(e)
		if p.count >= maxBatch || len(p.sub.C()) == 0 {
			p.flush()
		}
	}
}

func (p *pipeline) add(e event.Event) {
	if _, ok := p.pending[e.Topic]; !ok {
		p.order = append(p.order, e.Topic)
	}
	p.pending[e.Topic] = append(p.pending[e.Topic], e)
	p.count++
}

func (p *pipeline) flush() {
	for _, topic := range p.order {
		evs := p.pending[topic]
		s := p.streamers[topic]
		if s == nil {
			s = frames.NewStreamer(topic, frames.Options{})
			p.streamers[topic] = s
		}
		f, changed := s.Frame(evs)
		if f != nil {
			cache, err := data.FrameToJSONCache(f)
			if err == nil {
				include := data.IncludeDataOnly
				if changed || !p.schemas[topic] {
					include = data.IncludeAll
					p.schemas[topic] = true
				}
				p.bytes += int64(len(cache.Bytes(include)))
				p.packets++
			}
		}
		if p.onPacket != nil {
			p.onPacket(evs, time.Now())
		}
		delete(p.pending, topic)
	}
	p.order = p.order[:0]
	p.count = 0
}
