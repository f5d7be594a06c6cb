package frames

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Row is what Scan read from one event body: its family's cells and time. The live
// streams place it without reading the body again (event.Event.Scanned); it is shared
// by every stream of the topic, so nothing may modify it.
type Row struct {
	fam   Family
	at    time.Time // zero: arrival
	cells []cell
}

// Scan is the one pass over a notified event body (session.Config.Scan). text is the
// socket message from the body's first byte on, the session's own copy: Scan reads the
// body value at its start with the extractor of topic's family, validating it as
// encoding/json does, and returns the value's length and its *Row, whose strings may
// alias text[:n] (the event's body from then on). A body that is not valid JSON, or not
// of its family's shape, fails with ErrMalformed, and the session rejects the event:
// so the hub's history only ever holds bodies the frames can read.
func Scan(topic string, text []byte) (n int, scanned any, err error) {
	fam := familyOf(topic)
	sc := rowScratch.Get().(*[]cell)
	defer rowScratch.Put(sc)
	cells, at, end, err := extractorFor(fam)(text, (*sc)[:0])
	if cells != nil {
		defer func() { clear(cells); *sc = cells[:0] }() // the scratch must not keep text alive
	}
	if err != nil {
		return 0, nil, err
	}
	return end, &Row{fam: fam, at: at, cells: append(make([]cell, 0, len(cells)), cells...)}, nil
}

// rowScratch holds the cells of a body while Scan reads it, so a Row is allocated once
// at its final size; the session's readers scan concurrently, hence a pool.
var rowScratch = sync.Pool{New: func() any { return new([]cell) }}

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
