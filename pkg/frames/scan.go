package frames

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Row is what Scan read from one event body: its family's values and time. The live
// streams place it without reading the body again (event.Event.Scanned). It is shared
// by every stream of the topic, so nothing may modify it, and reused once they are all
// done with it (event.Shared: the hub holds it per subscriber, a Streamer releases it
// once it has placed it), so a steady stream allocates no row per event. Its values
// are compact (rowCell): rows are written on arrival and read by the streams long
// after, so their size is what the CPU's caches pay for.
type Row struct {
	fam   Family
	at    time.Time // zero: arrival
	media string    // the mediaType of every value (observations)
	body  []byte    // the event's body: string values are slices of it...
	extra []byte    // ...or of this, for strings not in it (decoded, joined); never reused
	cells []rowCell
	refs  atomic.Int32
}

// rowCell is one value of a Row without pointers to the body: a string value is an
// offset and length in the body (or in extra).
type rowCell struct {
	name    string
	num     float64 // a number; a boolean as 0 or 1
	off, n  uint32  // a string: where in body (or extra)
	kind    kind
	inExtra bool
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

// cellScratch holds a body's cells while Scan reads it (hot in the cache, unlike a
// pooled row), so the row is written in one compact copy.
var cellScratch = sync.Pool{New: func() any { return new([]cell) }}

// Scan is the one pass over a notified event body (session.Config.Scan). text is the
// socket message from the body's first byte on, the session's own copy: Scan reads the
// body value at its start with the extractor of topic's family, validating it as
// encoding/json does, and returns the value's length and its *Row, which refers to
// text[:n] (the event's body from then on). A body that is not valid JSON, or not of its
// family's shape, fails with ErrMalformed, and the session rejects the event: so the
// hub's history only ever holds bodies the frames can read.
func Scan(topic string, text []byte) (n int, scanned any, err error) {
	fam := familyOf(topic)
	sc := cellScratch.Get().(*[]cell)
	defer cellScratch.Put(sc)
	cells, at, end, err := extractorFor(fam)(text, (*sc)[:0])
	if cells != nil {
		*sc = cells[:0]
	}
	if err != nil {
		return 0, nil, err
	}
	r := rowPool.Get().(*Row)
	r.fam, r.at, r.body, r.extra, r.cells = fam, at, text[:end], nil, r.cells[:0]
	r.refs.Store(0)
	if len(cells) > 0 {
		r.media = cells[0].mediaType
	}
	for _, c := range cells {
		if c.mediaType != r.media { // not one observation group: the stream reads the body itself
			rowPool.Put(r)
			return end, nil, nil
		}
		rc := rowCell{name: c.name, kind: c.v.kind, num: c.v.num}
		switch c.v.kind {
		case kindBool:
			if c.v.b {
				rc.num = 1
			}
		case kindString:
			if off, ok := within(r.body, c.v.str); ok {
				rc.off, rc.n = off, uint32(len(c.v.str))
			} else {
				rc.off, rc.n, rc.inExtra = uint32(len(r.extra)), uint32(len(c.v.str)), true
				r.extra = append(r.extra, c.v.str...)
			}
		}
		r.cells = append(r.cells, rc)
	}
	return end, r, nil
}

// within reports where s lies in body, if it does.
func within(body []byte, s string) (uint32, bool) {
	if len(s) == 0 {
		return 0, true
	}
	b, p := uintptr(unsafe.Pointer(unsafe.SliceData(body))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if p < b || p+uintptr(len(s)) > b+uintptr(len(body)) {
		return 0, false
	}
	return uint32(p - b), true
}

// appendCells appends the row's values to cells as the extractor gave them.
func (r *Row) appendCells(cells []cell) []cell {
	for _, rc := range r.cells {
		v := value{kind: rc.kind, num: rc.num}
		switch rc.kind {
		case kindBool:
			v.num, v.b = 0, rc.num != 0
		case kindString:
			src := r.body
			if rc.inExtra {
				src = r.extra
			}
			v.str = bodyString(src[rc.off : rc.off+rc.n])
		}
		cells = append(cells, cell{name: rc.name, mediaType: r.media, v: v})
	}
	return cells
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
