package session

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// handle decodes one message; garbage is counted and skipped, never fatal, and an
// event whose body is not valid JSON is rejected for its topic. Every delivered body
// is valid JSON. data may be the reader's reused buffer: nothing kept may alias it.
func (m *Manager) handle(s *socketConn, data []byte, received time.Time) {
	if s.names == nil {
		s.names = map[string]string{}
	}
	var env envelope
	err := decodeEnvelope(data, &env, s.names)
	if bad, ok := err.(*bodyError); ok && env.TopicName != "" {
		m.reject(env.TopicName, bad.err, received)
		return
	}
	if err != nil || env.TopicName == "" {
		m.ctr.add(&m.ctr.malformed, 1)
		m.cfg.Logger.Debug("skipped a malformed notification", "bytes", len(data))
		return
	}
	m.ctr.add(&m.ctr.bytes, int64(len(data)))
	topic := env.TopicName
	switch {
	case topic == heartbeatTopic:
		var b struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(env.EventBody, &b)
		if strings.EqualFold(b.Message, "pong") {
			m.pong(s)
		} else {
			m.ctr.add(&m.ctr.heartbeats, 1)
		}
		return
	case strings.HasPrefix(topic, systemPrefix):
		m.system(s, topic, env.EventBody)
		return
	}
	var body json.RawMessage
	if len(bytes.TrimSpace(env.EventBody)) == 0 {
		body = json.RawMessage("null")
	} else {
		body = append(json.RawMessage(nil), env.EventBody...) // own copy: the hub keeps it
	}
	m.deliver(event.Event{Topic: topic, Body: body, CorrelationID: env.Metadata.CorrelationID,
		Received: received})
}

// reject counts, logs and reports to the topic's viewers an event whose body is not
// valid JSON. The reason says where and why, never what the body holds.
func (m *Manager) reject(topic string, err error, at time.Time) {
	m.ctr.add(&m.ctr.malformed, 1)
	reason := truncate(err.Error(), 120)
	m.cfg.Logger.Debug("rejected a notification with a malformed body", "topic", topic, "reason", reason)
	m.sinkMu.Lock()
	defer m.sinkMu.Unlock()
	m.cfg.Sink.Rejected(event.Rejected{Topic: topic, At: at, Reason: reason})
}

// system turns a v2.system.* message into a note for the loop.
func (m *Manager) system(s *socketConn, topic string, body json.RawMessage) {
	var b struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &b)
	kind := ""
	switch {
	case strings.HasPrefix(topic, "v2.system.socket_closing"):
		kind = "socket_closing"
	case strings.HasPrefix(topic, "v2.system.no_longer_subscribed"):
		kind = "no_longer_subscribed"
	case strings.HasPrefix(topic, "v2.system.token_revoked"):
		kind = "token_revoked"
	default:
		m.cfg.Logger.Debug("ignored a system notification", "topic", topic)
		return
	}
	m.ctr.add(&m.ctr.system, 1)
	reason := kind
	if b.Reason != "" {
		reason += " (" + truncate(b.Reason, 80) + ")"
	}
	m.cfg.Logger.Info("notification system message", "kind", kind, "reason", truncate(b.Reason, 80))
	m.addNote(note{sock: s, kind: kind, reason: reason})
}

// deliver drops duplicates (same topic and correlation id, e.g. during a channel
// overlap), closes the topic's open gap, and hands the event to the sink.
func (m *Manager) deliver(ev event.Event) {
	m.mu.Lock()
	key := m.keyLocked(ev.Topic)
	if ev.CorrelationID != "" && !m.dedupe.add(dedupeKey{key, ev.CorrelationID}) {
		m.mu.Unlock()
		m.ctr.add(&m.ctr.duplicates, 1)
		return
	}
	var closed []event.Gap
	if g, ok := m.openGaps[key]; ok {
		closed = append(closed, m.closeGapLocked(key, g, ev.Received))
	}
	m.mu.Unlock()
	m.ctr.add(&m.ctr.events, 1)
	m.emit([]event.Event{ev}, closed, nil)
}

// maxKeyCache bounds m.keys; past it the cache starts over.
const maxKeyCache = 8192

// keyLocked is event.Key(topic), cached: most topics have upper-case letters, so
// lower-casing allocated for every event.
func (m *Manager) keyLocked(topic string) string {
	if k, ok := m.keys[topic]; ok {
		return k
	}
	if len(m.keys) >= maxKeyCache {
		clear(m.keys)
	}
	k := event.Key(topic)
	m.keys[topic] = k
	return k
}

// emit calls the sink, one caller at a time, outside m.mu.
func (m *Manager) emit(evs []event.Event, gaps []event.Gap, sts []event.TopicStatus) {
	if len(evs)+len(gaps)+len(sts) == 0 {
		return
	}
	m.sinkMu.Lock()
	defer m.sinkMu.Unlock()
	for _, g := range gaps {
		m.cfg.Sink.Gap(g)
	}
	for _, st := range sts {
		m.cfg.Sink.TopicStatus(st)
	}
	for _, ev := range evs {
		m.cfg.Sink.Event(ev)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
