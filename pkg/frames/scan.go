package frames

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Row is what Scan read from one event body: its family's cells and time. The live
// streams place it without reading the body again (event.Event.Scanned). It is shared
// by every stream of the topic, so nothing may modify it, and reused once they are all
// done with it (event.Shared: the hub holds it per subscriber, a Streamer releases it
// once it has placed it), so a steady stream allocates no row per event.
type Row struct {
	fam   Family
	at    time.Time // zero: arrival
	cells []cell
	refs  atomic.Int32
}

// Hold adds n consumers.
func (r *Row) Hold(n int) { r.refs.Add(int32(n)) }

// Release ends one consumer's use; the last one makes the row reusable.
func (r *Row) Release() {
	if r.refs.Add(-1) == 0 {
		rowPool.Put(r)
	}
}

// rowPool keeps released rows with their cells' capacity; the session's readers scan
// concurrently.
var rowPool = sync.Pool{New: func() any { return new(Row) }}

// Scan is the one pass over a notified event body (session.Config.Scan). text is the
// socket message from the body's first byte on, the session's own copy: Scan reads the
// body value at its start with the extractor of topic's family, validating it as
// encoding/json does, and returns the value's length and its *Row, whose strings may
// alias text[:n] (the event's body from then on). A body that is not valid JSON, or not
// of its family's shape, fails with ErrMalformed, and the session rejects the event:
// so the hub's history only ever holds bodies the frames can read.
func Scan(topic string, text []byte) (n int, scanned any, err error) {
	r := rowPool.Get().(*Row)
	r.fam = familyOf(topic)
	cells, at, end, err := extractorFor(r.fam)(text, r.cells[:0])
	if err != nil {
		rowPool.Put(r)
		return 0, nil, err
	}
	r.at, r.cells = at, cells
	r.refs.Store(0)
	return end, r, nil
}

// scannedRow is e's Row when Scan read its body for fam's extractor.
func scannedRow(e event.Event, fam Family) (*Row, bool) {
	r, ok := e.Scanned.(*Row)
	return r, ok && r.fam == fam
}

// familyOf is Detect's family without the labels and, for ASCII topics (all of
// Genesys'), without allocating: Scan asks it for every event.
func familyOf(topic string) Family {
	for i := 0; i < len(topic); i++ {
		if topic[i] >= utf8.RuneSelf { // Detect lower-cases Unicode; leave that to it
			f, _ := Detect(topic)
			return f
		}
	}
	var seg [5]string
	n := strings.Count(topic, ".") + 1
	rest := topic
	for i := range seg {
		seg[i], rest, _ = strings.Cut(rest, ".")
	}
	is := func(i int, want string) bool { return i < n && strings.EqualFold(seg[i], want) }
	switch {
	case n >= 5 && is(0, "v2") && is(1, "analytics") && is(2, "queues") && is(4, "observations"):
		return QueueObservations
	case n >= 5 && is(0, "v2") && is(1, "routing") && is(2, "queues"):
		switch {
		case is(4, "conversations"):
			return QueueConversations
		case is(4, "users"):
			return QueueUsers
		}
	case n >= 4 && is(0, "v2") && is(1, "users"):
		switch {
		case is(3, "presence"):
			return UserPresence
		case is(3, "routingstatus"):
			return UserRoutingStatus
		case is(3, "activity"):
			return UserActivity
		case is(3, "conversations"):
			return UserConversations
		}
	case n >= 5 && is(0, "v2") && is(1, "detail") && is(2, "events") && is(3, "conversation"):
		return DetailEvents
	}
	return Other
}
