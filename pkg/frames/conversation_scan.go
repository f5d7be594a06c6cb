package frames

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// convScan reads a conversation body in one pass; like obsScan it gives up (ok
// false) on anything json.Unmarshal might read differently, and conversation then
// decodes with encoding/json.
type convScan struct {
	jsonscan.Walker
	cells        []cell
	participants int
	queueID      []byte
	purposes     [][]byte
	media        uint32 // bit i: mediaKinds[i] seen
	mediaOrder   []int
	states       []byte
	sessions     []mediaSession // one participant's, in document order
}

// convBuffers is the per-body scratch of convScan, pooled: growing these slices from
// nothing cost ≈ 5 allocations per conversation body.
type convBuffers struct {
	purposes [][]byte
	order    []int
	states   []byte
	sessions []mediaSession
	join     []byte // purposes, then media, joined by commas before becoming strings
}

var convScratch = sync.Pool{New: func() any { return new(convBuffers) }}

// mediaSession is one session of a participant: its media (mediaKinds index) and state.
type mediaSession struct {
	media int
	state []byte
}

var (
	convKeys        = []string{"id", "participants", "recordingState", "address", "externalTag"}
	participantKeys = func() []string {
		keys := []string{"purpose", "queueId"}
		for _, m := range mediaKinds {
			keys = append(keys, m.key)
		}
		return keys
	}()
	sessionKeys = []string{"state"}
)

func conversationFast(body []byte, cells []cell) (_ []cell, ok bool) {
	sc := convScratch.Get().(*convBuffers)
	defer convScratch.Put(sc)
	c := convScan{Walker: jsonscan.NewWalker(body), cells: cells,
		purposes: sc.purposes[:0], mediaOrder: sc.order[:0], states: sc.states[:0], sessions: sc.sessions[:0]}
	defer func() { // the slices of body they hold must not keep it alive
		clear(c.purposes[:cap(c.purposes)])
		clear(c.sessions[:cap(c.sessions)])
		sc.purposes, sc.order, sc.states, sc.sessions = c.purposes[:0], c.mediaOrder[:0], c.states[:0], c.sessions[:0]
	}()
	first := len(cells)
	var id, recording, address, tag []byte
	var has [5]bool
	ok = c.Fields(convKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "id":
			id, ok = c.Text()
			has[0] = ok
		case "participants":
			return c.Elements(c.participant)
		case "recordingState":
			recording, ok = c.Text()
			has[2] = ok
		case "address":
			address, ok = c.Text()
			has[3] = ok
		case "externalTag":
			tag, ok = c.Text()
			has[4] = ok
		default:
			return c.Skip()
		}
		return ok
	})
	if !ok || !c.AtEnd() {
		return cells[:first], false
	}
	// Values read from the body share its bytes (bodyString); the lists joined in
	// scratch buffers are copied.
	str := func(name string, s []byte) { c.cells = append(c.cells, cell{name: name, v: stringValue(string(s))}) }
	fromBody := func(name string, s []byte) {
		c.cells = append(c.cells, cell{name: name, v: stringValue(bodyString(s))})
	}
	if has[0] {
		fromBody("conversationId", id)
	}
	if len(c.queueID) > 0 {
		fromBody("queueId", c.queueID)
	}
	c.cells = append(c.cells, cell{name: "participants.count", v: numberValue(float64(c.participants))})
	join := sc.join[:0]
	for i, p := range c.purposes {
		if i > 0 {
			join = append(join, ',')
		}
		join = append(join, p...)
	}
	str("purposes", join)
	join = join[:0]
	for i, k := range c.mediaOrder {
		if i > 0 {
			join = append(join, ',')
		}
		join = append(join, mediaKinds[k].name...)
	}
	str("media", join)
	sc.join = join[:0]
	str("states", c.states)
	for i, f := range [][]byte{recording, address, tag} {
		if has[2+i] {
			fromBody(convKeys[2+i], f)
		}
	}
	return c.cells, true
}

// participant reads one participant object: purpose, first queueId, and the
// states of its media sessions, listed in mediaKinds order once the whole
// participant has been read (and found usable).
func (c *convScan) participant() bool {
	var purpose, queueID []byte
	c.sessions = c.sessions[:0]
	ok := c.Fields(participantKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "purpose":
			purpose, ok = c.Text()
			return ok
		case "queueId":
			queueID, ok = c.Text()
			return ok
		}
		for i, m := range mediaKinds {
			if string(key) == m.key {
				return c.Elements(func() bool { return c.session(i) })
			}
		}
		return c.Skip()
	})
	if !ok {
		return false
	}
	c.participants++
	if len(c.queueID) == 0 {
		c.queueID = queueID
	}
	if len(purpose) > 0 && !containsBytes(c.purposes, purpose) {
		c.purposes = append(c.purposes, purpose)
	}
	for i, m := range mediaKinds {
		n := 0
		for _, s := range c.sessions {
			if s.media != i {
				continue
			}
			n++
			if len(c.states) > 0 {
				c.states = append(c.states, ',')
			}
			c.states = append(c.states, purpose...)
			c.states = append(append(c.states, ':'), m.name...)
			c.states = appendLower(append(c.states, ':'), s.state)
		}
		if n > 0 && c.media&(1<<i) == 0 {
			c.media |= 1 << i
			c.mediaOrder = append(c.mediaOrder, i)
		}
	}
	return true
}

// session reads one media session object of mediaKinds[media]: state must be a string
// (null or other types: slow path).
func (c *convScan) session(media int) bool {
	var state []byte
	ok := c.Fields(sessionKeys, func(key []byte) bool {
		if string(key) != "state" {
			return c.Skip()
		}
		var ok bool
		state, ok = c.Text()
		return ok
	})
	c.sessions = append(c.sessions, mediaSession{media: media, state: state})
	return ok
}

// appendLower appends s lower-cased as strings.ToLower does, without allocating when s
// is ASCII (session states are).
func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return append(dst, strings.ToLower(string(s))...)
		}
	}
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func containsBytes(list [][]byte, b []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}
