package frames

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Options shape a frame.
type Options struct {
	// Fields keeps only these dotted paths (and their children) besides time; empty
	// keeps all. Paths no event has are reported in a frame notice, not an error.
	Fields []string
}

// Build turns the history of one topic into a frame whose schema is the union over
// the events, in order of first appearance. Malformed bodies are skipped: the frame
// then holds the good events and err wraps ErrMalformed with the count, so the
// caller can count them and still use the frame. The frame is never nil.
func Build(topic string, events []event.Event, opts Options) (*data.Frame, error) {
	return build(topic, events, opts, false)
}

// Latest is the one-row frame of the topic's latest state (stat panels, tables,
// alerts) from its recent events, oldest first. Queue observations arrive in two
// shapes, o* metrics alone and t*/n* aggregates alone, so their latest state is the
// last value of each field over the events; for every other family a field missing
// from the last event is not current, and only the last event counts. Malformed
// bodies are left out as in Build: the frame is then built from the others and err
// wraps ErrMalformed.
func Latest(topic string, events []event.Event, opts Options) (*data.Frame, error) {
	return build(topic, events, opts, true)
}

// LatestSpan is how far before a topic's last event Latest wants the topic's events:
// for queue observations, the 30-minute interval within which their aggregates are
// re-published whenever they change; zero (the last event alone) for other families.
func LatestSpan(topic string) time.Duration {
	if fam, _ := Detect(topic); fam == QueueObservations {
		return 30 * time.Minute
	}
	return 0
}

// build is Build, or Latest when latest is set.
func build(topic string, events []event.Event, opts Options, latest bool) (*data.Frame, error) {
	fam, labels := Detect(topic)
	if latest && fam != QueueObservations && len(events) > 1 {
		events = events[len(events)-1:]
	}
	t := &table{s: newSchema(topic, labels, opts.Fields), rows: len(events)}
	bad, err := fill(t, extractorFor(fam), events)
	if latest {
		t.keepLastValues()
	}
	f := t.frame(true)
	markTimeSeries(f, fam)
	if bad > 0 {
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("%d event(s) with a malformed body were left out", bad)})
		return f, fmt.Errorf("topic %s: %d of %d events left out: %w", topic, bad, len(events), err)
	}
	return f, nil
}

// fill adds the rows of events to t and returns how many were malformed and the
// first such error.
func fill(t *table, ex extractor, events []event.Event) (int, error) {
	var cells []cell
	var first error
	bad := 0
	for _, e := range events {
		row, at, err := rowOf(ex, e, cells)
		if err != nil {
			bad++
			first = cmpOr(first, err)
			continue
		}
		t.addRow(at, row)
		cells = row
	}
	return bad, first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// markTimeSeries declares observation frames (time + numbers only) as wide time
// series, which alerting and graphs read without conversion.
func markTimeSeries(f *data.Frame, fam Family) {
	if fam != QueueObservations {
		return
	}
	for _, fl := range f.Fields[1:] {
		if fl.Type() != data.FieldTypeNullableFloat64 {
			return
		}
	}
	if f.Meta == nil {
		f.Meta = &data.FrameMeta{}
	}
	f.Meta.Type = data.FrameTypeTimeSeriesWide
}

// Streamer builds the successive packets of one live topic. Its schema only grows
// and keeps its order, so packets between schema changes have the same schema
// (data.FrameJSONCache.SameSchema) and can be sent data-only. Not safe for
// concurrent use: one streamer belongs to one stream loop.
type Streamer struct {
	fam       Family
	ex        extractor
	s         *schema
	sent      bool // a frame was returned: its schema is the client's
	malformed atomic.Uint64
	t         table // reused by every Frame: its columns keep their capacity between flushes
}

// NewStreamer starts the schema of topic empty.
func NewStreamer(topic string, opts Options) *Streamer {
	fam, labels := Detect(topic)
	return &Streamer{fam: fam, ex: extractorFor(fam), s: newSchema(topic, labels, opts.Fields)}
}

// Frame builds the packet of events. schemaChanged is true for the first packet and
// whenever a field was added; only then does the frame carry notices (a notice is
// part of the schema). A nil frame means no event was usable; malformed bodies are
// skipped and counted (Malformed).
func (s *Streamer) Frame(events []event.Event) (*data.Frame, bool) {
	t := &s.t
	t.reuse(s.s, len(events))
	defer t.release()
	bad, _ := fill(t, s.ex, events)
	s.malformed.Add(uint64(bad))
	if len(t.times) == 0 {
		return nil, false
	}
	changed := !s.sent || t.changed
	s.sent = true
	f := t.frame(changed)
	markTimeSeries(f, s.fam)
	return f, changed
}

// Malformed counts the events the streamer skipped because their body was malformed.
func (s *Streamer) Malformed() uint64 { return s.malformed.Load() }

// Conflicts counts the values kept as text because their type differed from their
// field's, by field name.
func (s *Streamer) Conflicts() map[string]int {
	out := make(map[string]int, len(s.s.conflicts))
	for k, v := range s.s.conflicts {
		out[k] = v
	}
	return out
}

// IsMalformed reports whether err is about a malformed body.
func IsMalformed(err error) bool { return errors.Is(err, ErrMalformed) }

// LeftOut counts values not shown because the topic's schema reached MaxFields.
// Stream packets between schema changes carry no notices, so callers report it.
func (s *Streamer) LeftOut() int { return s.s.overflow }
