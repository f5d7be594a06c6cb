// Package livestream batches a live feed of events into Grafana Live packets: one frame
// per topic per flush, the schema sent once and data-only packets while it holds.
// pkg/plugin drives it from RunStream; the benchmarks in ./bench drive the same code.
package livestream

import (
	"bytes"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

const (
	FlushEvery  = 100 * time.Millisecond // bursts become one packet per topic per flush
	FlushEvents = 500                    // ...or sooner when this many events wait
	Buffer      = 1024                   // hub feed bound; beyond it the hub drops and counts
)

// Streamer builds successive frames of one live topic with a stable schema
// (*frames.Streamer). It must not keep the events slice: the batcher reuses it.
type Streamer interface {
	Frame(events []event.Event) (frame *data.Frame, schemaChanged bool)
}

// Sender receives the packets ((*backend.StreamSender)).
type Sender interface {
	SendBytes(b []byte) error
}

// Batcher collects events per topic between flushes. Not safe for concurrent use: one
// stream goroutine owns it.
type Batcher struct {
	newStreamer func(topic string) Streamer
	out         Sender
	topics      map[string]*topicBatch // by Topic as sent
	order       []*topicBatch          // topics with pending events, first arrival first
	count       int
	last        []byte // schema of the last packet sent on this channel (data.IncludeSchemaOnly)
	dropped     uint64
	scratch     []byte // data-only packets are encoded here, then copied to their own slice
}

// topicBatch is one topic's streamer and pending events; the slice is reused across
// flushes so a steady stream does not allocate per event.
type topicBatch struct {
	s       Streamer
	pending []event.Event
	shape   *data.Frame   // the last schema sent (no rows): a notice can go out on it with no event
	notices []data.Notice // carried by every packet of the topic until replaced (SetNotices)
}

// NewBatcher returns a batcher that builds frames with streamers from newStreamer
// (called once per topic) and sends packets to out.
func NewBatcher(newStreamer func(topic string) Streamer, out Sender) *Batcher {
	return &Batcher{newStreamer: newStreamer, out: out, topics: map[string]*topicBatch{}}
}

// Prime gives topic the schema its viewers already have (the query's frame) before any
// event arrives, so a notice can reach them on a stream that has had nothing to send: a
// panel opened during an outage must say so at once. A topic that has a schema keeps it.
func (b *Batcher) Prime(topic string, f *data.Frame) {
	if f == nil || len(f.Fields) == 0 {
		return
	}
	if t := b.topic(topic); t.shape == nil {
		t.shape = shapeOf(f)
	}
}

// topic is the batch of topic, made on first use.
func (b *Batcher) topic(name string) *topicBatch {
	t := b.topics[name]
	if t == nil {
		t = &topicBatch{s: b.newStreamer(name)}
		b.topics[name] = t
	}
	return t
}

// shapeOf is f's schema without rows or notices: the standing notice is added per packet,
// not kept in the shape.
func shapeOf(f *data.Frame) *data.Frame {
	shape := emptyLike(f)
	if shape.Meta != nil {
		shape.Meta = &data.FrameMeta{Type: shape.Meta.Type}
	}
	return shape
}

// Add queues e for the next flush.
func (b *Batcher) Add(e event.Event) {
	t := b.topic(e.Topic)
	if len(t.pending) == 0 {
		b.order = append(b.order, t)
	}
	t.pending = append(t.pending, e)
	b.count++
}

// Len is the number of events waiting for a flush.
func (b *Batcher) Len() int { return b.count }

// Flush sends one frame per topic with pending events, data-only when the schema is
// the one the client already has. dropped is the feed's running count of events the
// hub skipped; an increase since the last flush puts a notice on the next frame.
func (b *Batcher) Flush(dropped uint64) error {
	if b.count == 0 {
		return nil
	}
	defer b.reset()
	for _, t := range b.order {
		f, changed := t.s.Frame(t.pending)
		if f == nil {
			continue
		}
		if len(t.notices) > 0 {
			if f.Meta == nil {
				f.Meta = &data.FrameMeta{}
			}
			f.Meta.Notices = append(f.Meta.Notices, t.notices...)
		}
		if dropped > b.dropped {
			if f.Meta == nil {
				f.Meta = &data.FrameMeta{}
			}
			f.Meta.Notices = append(f.Meta.Notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: fmt.Sprintf("%d events were skipped because the viewer could not keep up", dropped-b.dropped)})
			b.dropped = dropped
		}
		if err := b.send(t, f, changed); err != nil {
			return fmt.Errorf("send stream packet: %w", err)
		}
	}
	return nil
}

// SetNotices puts ns on every packet of topic (matched case-insensitively) from now on,
// replacing the previous ones, and tells the viewer at once: a packet on the last schema
// sent, with no rows, or with one row of nulls at breakAt (non-zero) so a time series
// breaks there. Grafana replaces a streaming frame's notices with those of each schema
// packet, so the stream must carry them itself: a panel so shows "stream interrupted"
// while it is, and keeps the query's gap and refill notices once streaming. Nothing is
// sent for a topic that has not sent a frame yet (the query's own frame has them).
func (b *Batcher) SetNotices(topic string, ns []data.Notice, breakAt time.Time) error {
	key := event.Key(topic)
	for name, t := range b.topics {
		if event.Key(name) != key || t.shape == nil {
			continue
		}
		t.notices = append([]data.Notice(nil), ns...)
		f := emptyLike(t.shape)
		if !breakAt.IsZero() && len(f.Fields) > 1 && f.Fields[0].Type() == data.FieldTypeTime && nullableValues(f) {
			f.Fields[0].Append(breakAt)
			for _, fl := range f.Fields[1:] {
				fl.Append(data.NewFieldFromFieldType(fl.Type(), 1).At(0)) // nil for nullable fields
			}
		}
		if len(ns) > 0 {
			if f.Meta == nil {
				f.Meta = &data.FrameMeta{}
			}
			f.Meta.Notices = append(f.Meta.Notices, ns...)
		}
		if err := b.send(t, f, false); err != nil {
			return fmt.Errorf("send stream notice: %w", err)
		}
	}
	return nil
}

// reset empties the pending lists, keeping their capacity but not their bodies.
func (b *Batcher) reset() {
	for _, t := range b.order {
		clear(t.pending)
		t.pending = t.pending[:0]
	}
	clear(b.order)
	b.order = b.order[:0]
	b.count = 0
}

// send sends f data-only when its schema is the channel's last (what
// data.FrameJSONCache.SameSchema compares), else schema and data. Data-only packets,
// nearly all of a steady stream, are encoded by appendDataPacket when it can.
func (b *Batcher) send(t *topicBatch, f *data.Frame, changed bool) error {
	schema, err := data.FrameToJSON(f, data.IncludeSchemaOnly)
	if err != nil {
		return err
	}
	same := !changed && b.last != nil && bytes.Equal(schema, b.last)
	b.last = schema
	if !same || t.shape == nil {
		t.shape = shapeOf(f)
	}
	if same {
		if pkt, ok := appendDataPacket(b.scratch[:0], f); ok {
			b.scratch = pkt
			// a packet of its own: the sender may keep it after SendBytes returns
			return b.out.SendBytes(append([]byte(nil), pkt...))
		}
	}
	cache, err := data.FrameToJSONCache(f)
	if err != nil {
		return err
	}
	if same {
		return b.out.SendBytes(cache.Bytes(data.IncludeDataOnly))
	}
	return b.out.SendBytes(cache.Bytes(data.IncludeAll))
}

// nullableValues: every field after time can hold a null (a break row of zeros would
// draw a drop to 0 instead of a break).
func nullableValues(f *data.Frame) bool {
	for _, fl := range f.Fields[1:] {
		if !fl.Type().Nullable() {
			return false
		}
	}
	return true
}

// emptyLike is f's schema with no rows, exactly as f encodes it (data.Frame.EmptyCopy
// turns nil labels into empty ones, which changes the schema the viewer compares).
func emptyLike(f *data.Frame) *data.Frame {
	out := data.NewFrame(f.Name)
	out.RefID = f.RefID
	if f.Meta != nil {
		m := *f.Meta
		out.Meta = &m
	}
	for _, fl := range f.Fields {
		e := data.NewFieldFromFieldType(fl.Type(), 0)
		e.Name, e.Labels, e.Config = fl.Name, fl.Labels, fl.Config
		out.Fields = append(out.Fields, e)
	}
	return out
}
