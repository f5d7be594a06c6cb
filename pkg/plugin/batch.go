package plugin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

const (
	flushEvery   = 100 * time.Millisecond // bursts become one packet per topic per flush
	flushEvents  = 500                    // ...or sooner when this many events wait
	streamBuffer = 1024                   // hub feed bound; beyond it the hub drops and counts
)

// errDisposed ends a stream whose instance was replaced (settings changed): Grafana
// runs it again on the new instance.
var errDisposed = errors.New("the data source settings changed; the stream restarts with the new settings")

// packetSender is what RunStream sends to (*backend.StreamSender).
type packetSender interface {
	SendFrame(frame *data.Frame, include data.FrameInclude) error
	SendBytes(b []byte) error
}

// runStream acquires the topics, follows the hub and sends batched frames: the schema
// once, then data-only packets while the schema holds.
func (d *Datasource) runStream(ctx context.Context, q Query, out packetSender) error {
	topics := q.Topics()
	release := d.up.Acquire(topics...)
	defer release()
	sub := d.hub.Subscribe(topics, streamBuffer)
	defer sub.Close()

	b := &batcher{q: q, frames: d.frames, out: out, streamers: map[string]streamer{}, pending: map[string][]event.Event{}}
	ticker := d.clock.NewTicker(flushEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-d.done:
			return errDisposed
		case e, ok := <-sub.C():
			if !ok {
				return errDisposed
			}
			b.add(e)
			if b.count >= flushEvents {
				if err := b.flush(sub.Dropped()); err != nil {
					return err
				}
			}
		case <-ticker.Chan():
			if err := b.flush(sub.Dropped()); err != nil {
				return err
			}
		}
	}
}

// batcher collects events per topic between flushes (at most flushEvents of them).
type batcher struct {
	q         Query
	frames    framer
	out       packetSender
	streamers map[string]streamer
	pending   map[string][]event.Event
	order     []string
	count     int
	last      *data.FrameJSONCache // schema of the last packet sent on this channel
	dropped   uint64
}

func (b *batcher) add(e event.Event) {
	if _, ok := b.pending[e.Topic]; !ok {
		b.order = append(b.order, e.Topic)
	}
	b.pending[e.Topic] = append(b.pending[e.Topic], e)
	b.count++
}

// flush sends one frame per topic with pending events, data-only when the schema is
// the one the client already has.
func (b *batcher) flush(dropped uint64) error {
	if b.count == 0 {
		return nil
	}
	for _, topic := range b.order {
		s, ok := b.streamers[topic]
		if !ok {
			s = b.frames.Streamer(topic, b.q.Fields)
			b.streamers[topic] = s
		}
		f, changed := s.Frame(b.pending[topic])
		if f == nil {
			continue
		}
		if dropped > b.dropped {
			if f.Meta == nil {
				f.Meta = &data.FrameMeta{}
			}
			f.Meta.Notices = append(f.Meta.Notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: fmt.Sprintf("%d events were skipped because the viewer could not keep up", dropped-b.dropped)})
			b.dropped = dropped
		}
		if err := b.send(f, changed); err != nil {
			return fmt.Errorf("send stream packet: %w", err)
		}
	}
	b.pending = map[string][]event.Event{}
	b.order = b.order[:0]
	b.count = 0
	return nil
}

func (b *batcher) send(f *data.Frame, changed bool) error {
	cache, err := data.FrameToJSONCache(f)
	if err != nil {
		return err
	}
	same := !changed && b.last != nil && cache.SameSchema(b.last)
	b.last = &cache
	if same {
		return b.out.SendBytes(cache.Bytes(data.IncludeDataOnly))
	}
	return b.out.SendBytes(cache.Bytes(data.IncludeAll))
}
