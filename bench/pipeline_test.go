package bench

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
	"github.com/cxlive/genesyscloud-datasource/pkg/plugin"
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

// runTicked consumes until the subscription is closed, flushing as pkg/plugin's
// runStream does: every livestream.FlushEvery (real clock) or at livestream.FlushEvents.
// The throughput benchmark uses it, so its frames hold what the plugin's would at that
// rate rather than the one or two events a flush-when-empty stream sees per topic.
func (p *pipeline) runTicked() {
	tick := time.NewTicker(livestream.FlushEvery)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-p.sub.C():
			if !ok {
				return
			}
			p.b.Add(e)
			if p.onPacket != nil {
				p.batch = append(p.batch, e)
			}
			if p.b.Len() >= livestream.FlushEvents {
				p.flush()
			}
		case <-tick.C:
			p.flush()
		}
	}
}

// liveStreams is what a dashboard showing topics runs in pkg/plugin: QueryData splits a
// query per topic (Query.PerTopic) and each topic streams on its own Grafana Live
// channel, so each has its own hub subscription, batcher and goroutine (RunStream).
type liveStreams struct {
	pipes []*pipeline
	wg    sync.WaitGroup
	once  sync.Once
}

// startLiveStreams starts one stream per topic; ticked selects the plugin's flush policy
// (runTicked) over flushing whenever the queue is empty (run: processing time only).
func startLiveStreams(h *hub.Hub, topics []string, ticked bool, n namer, setup func(p *pipeline)) *liveStreams {
	ls := &liveStreams{}
	for _, t := range topics {
		p := newPipeline(h, []string{t}, streamBuffer, n)
		setup(p)
		ls.pipes = append(ls.pipes, p)
		ls.wg.Add(1)
		go func() {
			defer ls.wg.Done()
			if ticked {
				p.runTicked()
			} else {
				p.run()
			}
		}()
	}
	return ls
}

// Dropped sums the events the hub dropped because a stream fell behind.
func (ls *liveStreams) Dropped() uint64 {
	var n uint64
	for _, p := range ls.pipes {
		n += p.sub.Dropped()
	}
	return n
}

// Close ends every stream and waits for their goroutines.
func (ls *liveStreams) Close() {
	ls.once.Do(func() {
		for _, p := range ls.pipes {
			p.sub.Close()
		}
		ls.wg.Wait()
	})
}

// countSender is the Grafana Live end: it counts packets and bytes.
type countSender struct{ packets, bytes atomic.Int64 }

func (c *countSender) SendBytes(b []byte) error {
	c.packets.Add(1)
	c.bytes.Add(int64(len(b)))
	return nil
}

// newPipeline streams topics as pkg/plugin does, with the queue and user name labels of
// n (nil: ids only).
func newPipeline(h *hub.Hub, topics []string, buffer int, n namer) *pipeline {
	out := &countSender{}
	newStreamer := func(topic string) livestream.Streamer { return plugin.LiveStreamer(n, topic, nil) }
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
	if n == 0 {
		return
	}
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
