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
}

// Rejected is a notified event left out because its body is not valid JSON: counted,
// logged and reported to the topic's viewers, never stored or delivered.
type Rejected struct {
	Topic  string
	At     time.Time // when it arrived
	Reason string    // where and why it is not JSON, never the body's content
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
