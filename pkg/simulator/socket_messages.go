package simulator

import (
	"encoding/json"
	"strings"
)

// clientMessage is a text message a client sends on the socket: {"message":"ping"}, or
// {"message":"subscribe"|"unsubscribe","topics":[...],"correlationId":"..."}.
type clientMessage struct {
	Message       string            `json:"message"`
	Topics        []json.RawMessage `json:"topics"`
	CorrelationID string            `json:"correlationId"`
}

// SocketReply is the simulator's answer to a socket subscribe/unsubscribe. Public sources
// show the request but not the service's answer, so it takes the shape of the socket's own
// control messages: topicName channel.metadata (which clients already treat as not-an-event),
// the request's correlationId both in the body and in metadata.CorrelationId, an HTTP-like
// status, the per-topic verdicts as the subscriptions REST response has them, and an error
// sentence when the request was refused.
type SocketReply struct {
	Message       string               `json:"message"` // "subscribe" or "unsubscribe"
	CorrelationID string               `json:"correlationId,omitempty"`
	Status        int                  `json:"status"`
	Entities      []subscriptionEntity `json:"entities"`
	Error         string               `json:"error,omitempty"`
}

// EncodeSocketReply is the socket message carrying r.
func EncodeSocketReply(r SocketReply) []byte {
	if r.Entities == nil {
		r.Entities = []subscriptionEntity{}
	}
	body, _ := json.Marshal(r)
	msg, _ := json.Marshal(envelope{TopicName: "channel.metadata", Version: "2", EventBody: body,
		Metadata: metadata{CorrelationID: r.CorrelationID}})
	return msg
}

// SubscribeReply is the reply to a successful socket subscribe of topics (for tests of
// clients that meet such replies).
func SubscribeReply(correlationID string, topics ...string) []byte {
	r := SocketReply{Message: "subscribe", CorrelationID: correlationID, Status: 200}
	for _, t := range topics {
		r.Entities = append(r.Entities, subscriptionEntity{ID: t, State: "Permitted"})
	}
	return EncodeSocketReply(r)
}

// handleClientMessage answers one text message from the client; unknown ones are recorded.
func (sk *socket) handleClientMessage(data []byte) {
	var m clientMessage
	_ = json.Unmarshal(data, &m)
	switch strings.ToLower(m.Message) {
	case "ping":
		sk.s.record(Record{Kind: "ping", Channel: sk.ch.id, Token: sk.token})
		if sk.s.pongs.Load() {
			sk.enqueue(pongMsg)
		}
	case "subscribe", "unsubscribe":
		reply := sk.s.socketSubscription(sk.ch, strings.ToLower(m.Message), m)
		sk.s.record(Record{Kind: "socket_" + reply.Message, Channel: sk.ch.id, Token: sk.token, Status: reply.Status,
			Detail: itoa(int64(len(reply.Entities))) + " topics"})
		sk.enqueue(EncodeSocketReply(reply))
	default:
		sk.s.record(Record{Kind: "client_message", Channel: sk.ch.id, Token: sk.token, Detail: itoa(int64(len(data))) + " bytes"})
	}
}

// socketSubscription applies a socket subscribe (add, each topic judged on its own, as
// with ignoreErrors=true) or unsubscribe to ch.
func (s *Server) socketSubscription(ch *channel, kind string, m clientMessage) SocketReply {
	r := SocketReply{Message: kind, CorrelationID: m.CorrelationID}
	ids, ok := topicIDs(m.Topics)
	if !ok || len(ids) == 0 {
		r.Status, r.Error = 400, `topics must be a non-empty list of topic ids, e.g. {"message":"`+kind+`","topics":["v2.users.<id>.presence"],"correlationId":"<id>"}`
		return r
	}
	if kind == "unsubscribe" {
		removed, status, msg := s.removeTopics(ch, ids)
		r.Status, r.Error = status, msg
		for _, t := range removed {
			r.Entities = append(r.Entities, subscriptionEntity{ID: t, State: "Unsubscribed"})
		}
		return r
	}
	verdicts, status, msg := s.applyTopics(ch, ids, false, true)
	r.Status, r.Error, r.Entities = status, msg, verdicts
	if status == 200 {
		s.mu.Lock()
		ch.lastUsed = s.clock.Now()
		s.mu.Unlock()
	}
	return r
}

// topicIDs reads topics given as strings or as {"id": "..."} objects (the REST shape).
func topicIDs(raw []json.RawMessage) ([]string, bool) {
	ids := make([]string, 0, len(raw))
	for _, r := range raw {
		var id string
		if json.Unmarshal(r, &id) != nil {
			var ref topicRef
			if json.Unmarshal(r, &ref) != nil {
				return nil, false
			}
			id = ref.ID
		}
		if id = strings.TrimSpace(id); id == "" {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}
