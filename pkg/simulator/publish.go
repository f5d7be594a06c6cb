package simulator

import (
	"encoding/json"
	"strconv"
	"strings"
)

// envelope is one socket message (field for field).
type envelope struct {
	TopicName string          `json:"topicName"`
	Version   string          `json:"version"`
	EventBody json.RawMessage `json:"eventBody"`
	Metadata  metadata        `json:"metadata"`
}

type metadata struct {
	CorrelationID string `json:"CorrelationId"`
}

// Envelope encodes body as a socket message for topic with a fresh correlation id.
// body may be any JSON-encodable value, or json.RawMessage / []byte holding JSON.
func (s *Server) Envelope(topic string, body any) []byte {
	var raw []byte
	switch b := body.(type) {
	case json.RawMessage:
		raw = b
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(body); err != nil {
			raw = []byte(`{}`)
		}
	}
	msg, _ := json.Marshal(envelope{TopicName: topic, Version: "2", EventBody: raw, Metadata: metadata{CorrelationID: newUUID()}})
	return msg
}

// Publish sends an envelope to every connected socket whose channel is subscribed to topic
// (case-insensitive) and returns how many sockets took it (a full queue drops it).
func (s *Server) Publish(topic string, body any) int {
	lower := strings.ToLower(topic)
	var targets []*socket
	s.mu.Lock()
	for _, ch := range s.channels {
		if ch.sock == nil {
			continue
		}
		if _, ok := ch.topics[lower]; ok {
			targets = append(targets, ch.sock)
		}
	}
	s.mu.Unlock()
	if len(targets) == 0 {
		return 0
	}
	msg := s.Envelope(topic, body)
	n := 0
	for _, sk := range targets {
		if sk.enqueue(msg) {
			n++
		}
	}
	return n
}

// Blast writes payloads (already encoded messages, cycled) n times to the channel's socket,
// waiting for queue space rather than dropping; it stops early when the socket or the
// server closes and returns how many were queued. For benchmarks.
func (s *Server) Blast(channelID string, payloads [][]byte, n int) int {
	sk := s.socketOf(channelID)
	if sk == nil || len(payloads) == 0 {
		return 0
	}
	for i := 0; i < n; i++ {
		select {
		case sk.out <- payloads[i%len(payloads)]:
			sk.queued.Add(1)
		case <-sk.done:
			return i
		case <-s.closed:
			return i
		}
	}
	return n
}

// SendRaw queues msg as-is (malformed, oversized...) on the channel's socket.
func (s *Server) SendRaw(channelID string, msg []byte) {
	if sk := s.socketOf(channelID); sk != nil {
		s.record(Record{Kind: "fault_raw", Channel: channelID, Detail: itoa(int64(len(msg))) + " bytes"})
		sk.enqueue(msg)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
