package bench

import (
	"sync/atomic"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
)

// pipeline is the plugin's live path after the session, running pkg/plugin's own code:
// a hub subscription → livestream.Batcher (per-topic frames.Streamer → the JSON packet
// handed to Grafana Live, data-only once the schema is known). Unlike the plugin it
// flushes as soon as its queue is empty (or at livestream.FlushEvents) instead of on the
// 100 ms ticker, so that what it measures is processing, not the batching wait (reported
// separately).
type pipeline struct {
	sub      *hub.Subscription
	b        *livestream.Batcher
	out      *countSender
	batch    []event.Event // events of the current flush, kept only when onPacket is set
	onPacket func(evs []event.Event, ready time.Time)
	onCount  func(n int)
}

// countSender is the Grafana Live end: it counts packets and bytes.
type countSender struct{ packets, bytes atomic.Int64 }

func (c *countSender) SendBytes(b []byte) error {
	c.packets.Add(1)
	c.bytes.Add(int64(len(b)))
	return nil
}

func newPipeline(h *hub.Hub, topics []string, buffer int) *pipeline {
	out := &countSender{}
	newStreamer := func(topic string) livestream.Streamer { return frames.NewStreamer(topic, frames.Options{}) }
	return &pipeline{sub: h.Subscribe(topics, buffer), out: out, b: livestream.NewBatcher(newStreamer, out)}
}

// run consumes until the subscription is closed.
func (p *pipeline) run() {
	for e := range p.sub.C() {
		p.b.Add(e)
		if p.onPacket != nil {
			p.batch = append(p.batch, e)
		}
		if p.b.Len() >= livestream.FlushEvents || len(p.sub.C()) == 0 {
			p.flush()
		}
	}
}

func (p *pipeline) flush() {
	n := p.b.Len()
	if err := p.b.Flush(p.sub.Dropped()); err != nil {
		panic(err) // countSender never fails
	}
	if p.onCount != nil {
		p.onCount(n)
	}
	if p.onPacket != nil {
		p.onPacket(p.batch, time.Now())
		clear(p.batch)
		p.batch = p.batch[:0]
	}
}
