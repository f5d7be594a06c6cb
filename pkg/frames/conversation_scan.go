package frames

import (
	"bytes"
	"strings"

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
	media        []bool // by mediaKinds index
	mediaOrder   []int
	states       []byte
	spans        [][2]int // one participant's session arrays, by mediaKinds index
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
	c := convScan{Walker: jsonscan.NewWalker(body), cells: cells, media: make([]bool, len(mediaKinds)),
		spans: make([][2]int, len(mediaKinds))}
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
	str := func(name string, s []byte) { c.cells = append(c.cells, cell{name: name, v: stringValue(string(s))}) }
	if has[0] {
		str("conversationId", id)
	}
	if len(c.queueID) > 0 {
		str("queueId", c.queueID)
	}
	c.cells = append(c.cells, cell{name: "participants.count", v: numberValue(float64(c.participants))})
	str("purposes", bytes.Join(c.purposes, []byte{','}))
	var media []byte
	for i, k := range c.mediaOrder {
		if i > 0 {
			media = append(media, ',')
		}
		media = append(media, mediaKinds[k].name...)
	}
	str("media", media)
	str("states", c.states)
	for i, f := range [][]byte{recording, address, tag} {
		if has[2+i] {
			str(convKeys[2+i], f)
		}
	}
	return c.cells, true
}

// participant reads one participant object: purpose, first queueId, and the
// states of its media sessions in mediaKinds order.
func (c *convScan) participant() bool {
	var purpose, queueID []byte
	clear(c.spans)
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
				start := c.Pos
				ok = c.Elements(func() bool { return c.Fields(sessionKeys, c.sessionState) })
				c.spans[i] = [2]int{start, c.Pos}
				return ok
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
	for i, span := range c.spans {
		if span[1] == 0 {
			continue
		}
		sessions := 0
		sub := jsonscan.Walker{Scanner: jsonscan.Scanner{Data: c.Data[:span[1]], Pos: span[0]}}
		sub.Elements(func() bool {
			sessions++
			var state []byte
			sub.Fields(sessionKeys, func(key []byte) bool {
				if string(key) == "state" {
					state, _ = sub.Text()
					return true
				}
				return sub.Skip()
			})
			if len(c.states) > 0 {
				c.states = append(c.states, ',')
			}
			c.states = append(c.states, purpose...)
			c.states = append(append(c.states, ':'), mediaKinds[i].name...)
			c.states = append(append(c.states, ':'), strings.ToLower(string(state))...)
			return true
		})
		if sessions > 0 && !c.media[i] {
			c.media[i] = true
			c.mediaOrder = append(c.mediaOrder, i)
		}
	}
	return true
}

// sessionState validates one member of a session object: state must be a string
// (null or other types: slow path).
func (c *convScan) sessionState(key []byte) bool {
	if string(key) == "state" {
		_, ok := c.Text()
		return ok
	}
	return c.Skip()
}

func containsBytes(list [][]byte, b []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}
