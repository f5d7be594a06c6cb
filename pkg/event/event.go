// Package event holds what flows from the connection manager (pkg/session) to the
// topic hub (pkg/hub): events as the service sent them, gaps where the plugin could
// not see events, and the per-topic subscription state. It has no behaviour beyond
// naming, so every other package can depend on it without depending on each other.
package event

import (
	"encoding/json"
	"strings"
	"time"
)

// Event is one notification as received on the socket, or a refill of current state.
type Event struct {
	Topic         string          // topicName exactly as the service sent it
	Body          json.RawMessage // eventBody, untouched; never modified once delivered (pkg/frames keeps strings that alias it)
	CorrelationID string          // metadata.CorrelationId, "" if absent
	Received      time.Time       // arrival time on the session's clock
	// Refilled marks current state read over REST (pkg/refill) rather than notified:
	// the body has the notification's shape, Received is when the answer arrived.
	Refilled bool
	// Scanned is what pkg/frames read from Body on arrival (the session's one pass over
	// the body), for the live streams to use instead of reading Body again; nil when the
	// body was not read that way (refills, events from history). The hub does not keep it.
	Scanned any
}

// Shared is a Scanned value that is reused once every consumer is done with it (pkg/
// frames' rows: no allocation per event). The hub Holds it once for each subscriber it
// hands the event to, and Releases it for a subscriber that drops the event; a consumer
// Releases it at most once, when it reads it no more. One that never releases only
// keeps it from being reused.
type Shared interface {
	Hold(n int)
	Release()
}

// Rejected is a notified event left out because its body failed the frames stage's
// scan (not valid JSON, or not of its topic's shape): counted, logged and reported to
// the topic's viewers, never stored or delivered.
type Rejected struct {
	Topic  string
	At     time.Time // when it arrived
	Reason string    // the scan's error: where and why, never the body's content
}

// Gap is a period in which events of Topic may have been missed. The Notification
// API never replays, so the plugin must say where it was blind.
type Gap struct {
	Topic  string
	Start  time.Time // socket or subscription lost
	End    time.Time // zero while the gap is still open
	Reason string    // human words: "socket closed (1006)", "channel expired", ...
}

// Open reports whether the gap has not ended yet.
func (g Gap) Open() bool { return g.End.IsZero() }

// Subscription states of a topic.
const (
	StatePending   = "pending"
	StatePermitted = "permitted"
	StateRejected  = "rejected"
)

// TopicStatus is the service's (or the plugin's own) verdict on one subscription.
type TopicStatus struct {
	Topic              string   `json:"topic"`
	State              string   `json:"state"`            // StatePending, StatePermitted or StateRejected
	Reason             string   `json:"reason,omitempty"` // rejectionReason from the service, or the plugin's own reason
	MissingPermissions []string `json:"missingPermissions,omitempty"`
}

// Key is the routing key of a topic: some clients lower-case topic names, so the
// service's names are matched case-insensitively.
func Key(topic string) string { return strings.ToLower(topic) }
