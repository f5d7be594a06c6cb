package frames

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// extractor turns one body into cells and the row's time (zero: use arrival).
type extractor func(body json.RawMessage, cells []cell) ([]cell, time.Time, error)

func extractorFor(f Family) extractor {
	switch f {
	case QueueObservations:
		return observations
	case QueueConversations, UserConversations:
		return conversation
	case UserPresence:
		return presence
	case UserRoutingStatus:
		return routingStatus
	}
	return generic
}

// rowOf extracts one event; the row time falls back to arrival.
func rowOf(ex extractor, e event.Event, cells []cell) ([]cell, time.Time, error) {
	cells, at, err := ex(e.Body, cells[:0])
	if err != nil {
		return nil, time.Time{}, err
	}
	if at.IsZero() {
		at = e.Received
	}
	return cells, at, nil
}

// generic flattens the whole body; time is eventTime (epoch ms) when the body has
// a numeric one, as detail events do.
func generic(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	f := flattener{Scanner: jsonscan.Scanner{Data: body}, cells: cells}
	err := f.run()
	return f.cells, f.at, err
}

func unmarshal(body json.RawMessage, into any) error {
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// parseTime reads an ISO-8601 timestamp as Genesys writes them; "" or an
// unreadable one gives the zero time (arrival is used instead).
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

type presenceBody struct {
	Source             *string `json:"source"`
	PresenceDefinition *struct {
		ID             *string `json:"id"`
		SystemPresence *string `json:"systemPresence"`
	} `json:"presenceDefinition"`
	Primary      *bool   `json:"primary"`
	Message      *string `json:"message"`
	ModifiedDate string  `json:"modifiedDate"`
}

// presence: time is modifiedDate, when the presence changed.
func presence(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	if out, at, ok := presenceFast(body, cells); ok {
		return out, at, nil
	}
	return presenceSlow(body, cells)
}

// presenceSlow decodes with encoding/json: bodies the fast scan leaves alone, and the
// exact errors for malformed ones.
func presenceSlow(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	var b presenceBody
	if err := unmarshal(body, &b); err != nil {
		return nil, time.Time{}, err
	}
	str := func(name string, s *string) {
		if s != nil {
			cells = append(cells, cell{name: name, v: stringValue(*s)})
		}
	}
	if d := b.PresenceDefinition; d != nil {
		str("systemPresence", d.SystemPresence)
		str("presenceId", d.ID)
	}
	str("message", b.Message)
	if b.Primary != nil {
		cells = append(cells, cell{name: "primary", v: value{kind: kindBool, b: *b.Primary}})
	}
	str("source", b.Source)
	str("modifiedDate", &b.ModifiedDate)
	return cells, parseTime(b.ModifiedDate), nil
}

type routingBody struct {
	ID            *string `json:"id"`
	RoutingStatus *struct {
		Status    *string `json:"status"`
		StartTime string  `json:"startTime"`
	} `json:"routingStatus"`
}

// routingStatus: time is routingStatus.startTime, when the status began.
func routingStatus(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	if out, at, ok := routingStatusFast(body, cells); ok {
		return out, at, nil
	}
	return routingStatusSlow(body, cells)
}

// routingStatusSlow decodes with encoding/json, as presenceSlow does.
func routingStatusSlow(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	var b routingBody
	if err := unmarshal(body, &b); err != nil {
		return nil, time.Time{}, err
	}
	if b.RoutingStatus == nil {
		return cells, time.Time{}, nil
	}
	if s := b.RoutingStatus.Status; s != nil {
		cells = append(cells, cell{name: "status", v: stringValue(*s)})
	}
	if st := b.RoutingStatus.StartTime; st != "" {
		cells = append(cells, cell{name: "startTime", v: stringValue(st)})
	}
	return cells, parseTime(b.RoutingStatus.StartTime), nil
}

// mediaKinds are the participant session arrays of a conversation, in the order
// they are listed in the summary.
var mediaKinds = []struct{ key, name string }{
	{"calls", "call"}, {"callbacks", "callback"}, {"chats", "chat"}, {"cobrowsesessions", "cobrowse"},
	{"emails", "email"}, {"messages", "message"}, {"screenshares", "screenshare"},
	{"socialExpressions", "social"}, {"videos", "video"},
}

type session struct {
	State string `json:"state"`
}

type conversationBody struct {
	ID             *string                      `json:"id"`
	Participants   []map[string]json.RawMessage `json:"participants"`
	RecordingState *string                      `json:"recordingState"`
	Address        *string                      `json:"address"`
	ExternalTag    *string                      `json:"externalTag"`
}

// conversation summarises a conversation in one row for a "recent conversations"
// table: id, first queue, participant count, purposes, media and the state of every
// media session as purpose:media:state.
// Conversation bodies carry no event time of their own: time is arrival.
func conversation(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	if out, ok := conversationFast(body, cells); ok {
		return out, time.Time{}, nil
	}
	return conversationSlow(body, cells)
}

// conversationSlow decodes with encoding/json: bodies the fast scan leaves alone,
// and the exact errors for malformed ones.
func conversationSlow(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	var b conversationBody
	if err := unmarshal(body, &b); err != nil {
		return nil, time.Time{}, err
	}
	str := func(name string, s string) { cells = append(cells, cell{name: name, v: stringValue(s)}) }
	if b.ID != nil {
		str("conversationId", *b.ID)
	}
	var queueID string
	var purposes, media, states []string
	for _, p := range b.Participants {
		var purpose string
		_ = json.Unmarshal(p["purpose"], &purpose) // absent or not a string: no purpose
		if queueID == "" {
			_ = json.Unmarshal(p["queueId"], &queueID)
		}
		purposes = appendNew(purposes, purpose)
		for _, m := range mediaKinds {
			var ss []session
			if raw, ok := p[m.key]; !ok || json.Unmarshal(raw, &ss) != nil || len(ss) == 0 {
				continue
			}
			media = appendNew(media, m.name)
			for _, s := range ss {
				states = append(states, purpose+":"+m.name+":"+strings.ToLower(s.State))
			}
		}
	}
	if queueID != "" {
		str("queueId", queueID)
	}
	cells = append(cells, cell{name: "participants.count", v: numberValue(float64(len(b.Participants)))})
	str("purposes", strings.Join(purposes, ","))
	str("media", strings.Join(media, ","))
	str("states", strings.Join(states, ","))
	for _, f := range []struct {
		name string
		s    *string
	}{{"recordingState", b.RecordingState}, {"address", b.Address}, {"externalTag", b.ExternalTag}} {
		if f.s != nil {
			str(f.name, *f.s)
		}
	}
	return cells, time.Time{}, nil
}

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
