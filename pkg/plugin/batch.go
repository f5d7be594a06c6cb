package plugin

import (
	"context"
	"errors"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
)

const (
	flushEvery   = livestream.FlushEvery
	flushEvents  = livestream.FlushEvents
	streamBuffer = livestream.Buffer
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

	newStreamer := func(topic string) livestream.Streamer { return d.frames.Streamer(topic, q.Fields) }
	if q.Format == formatLatest {
		newStreamer = func(topic string) livestream.Streamer { return latestStreamer{d: d, topic: topic, fields: q.Fields} }
	}
	b := livestream.NewBatcher(newStreamer, out)
	// The viewers have the query's frame of each topic: its schema lets a notice reach them
	// before (or without) any new event, e.g. on a panel opened during an outage.
	now := d.clock.Now()
	for _, topic := range topics {
		if f, err := d.topicFrame(q, topic, now.Add(-d.settings.History()), now); err == nil {
			b.Prime(topic, f)
		}
	}
	ticker := d.clock.NewTicker(flushEvery)
	defer ticker.Stop()
	notices := newStreamNotices(d, q)
	ticks := 0
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
			b.Add(e)
			if b.Len() >= flushEvents {
				if err := b.Flush(sub.Dropped()); err != nil {
					return err
				}
			}
		case <-ticker.Chan():
			if err := b.Flush(sub.Dropped()); err != nil {
				return err
			}
			if ticks++; ticks%gapCheckTicks == 0 {
				if err := notices.update(b); err != nil {
					return err
				}
			}
		}
	}
}
