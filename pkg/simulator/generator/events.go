package generator

import (
	"time"
)

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

var mediaKey = map[string]string{"voice": "calls", "chat": "chats", "email": "emails", "message": "messages", "callback": "callbacks"}

// presenceIDs are the ids of the organisation's system presence definitions.
var presenceIDs = map[string]string{
	"AVAILABLE": "6a3af858-942f-489d-9700-5f9bcdcdae9b", "AWAY": "5e5c5c66-ea97-4e7f-ac41-6424784829f2",
	"BUSY": "31fe3bac-dea6-44b7-bed7-47f91660a1a0", "OFFLINE": "ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5",
	"ON_QUEUE": "e08eaf1b-ee47-4fa9-a231-1200e284798f", "BREAK": "1a3d1c9c-6a3e-4e59-87f3-0a3b77a0fa9f",
	"MEAL": "3fd96123-badb-4f69-bc03-1b1ccc6d8014", "MEETING": "3b894b9d-ba78-4ed8-849c-f2d5b2e4e6e5",
	"TRAINING": "afb1a5d0-9b3e-4b39-8be4-5a2d1f1c6b1e", "IDLE": "7a8f5c8e-3c1f-4a2b-9d6e-2f4b5c6d7e8f",
}

func mediaSession(c *conv, state string, from, to time.Time, disconnect string) map[string]any {
	s := map[string]any{"id": c.id[:8] + "-media", "state": state, "direction": "inbound", "held": false, "muted": false}
	if !from.IsZero() {
		s["connectedTime"] = iso(from)
	}
	if !to.IsZero() {
		s["disconnectedTime"] = iso(to)
		s["disconnectType"] = disconnect
	}
	return s
}

func participant(c *conv, id, purpose string, state string, from, to time.Time, disconnect string) map[string]any {
	p := map[string]any{"id": id, "purpose": purpose, "queueId": c.q.ID,
		mediaKey[c.q.MediaType]: []any{mediaSession(c, state, from, to, disconnect)}}
	if !from.IsZero() {
		p["connectedTime"] = iso(from)
	}
	if !to.IsZero() {
		p["endTime"] = iso(to)
	}
	return p
}

// queueConversation is the body of v2.routing.queues.{id}.conversations (and of the
// agent's v2.users.{id}.conversations) for c as it is at t.
func (m *Model) queueConversation(c *conv, t time.Time) map[string]any {
	ended := c.state == "ended"
	custState, custEnd, acdEnd := "connected", time.Time{}, time.Time{}
	if ended {
		custState, custEnd = "disconnected", c.ended
	}
	if c.state != "waiting" {
		acdEnd = c.ended
		if c.outcome == "ANSWERED" || c.state == "alerting" {
			acdEnd = c.connected
		}
	}
	cust := participant(c, c.customerPID, "customer", custState, c.arrived, custEnd, "peer")
	cust["address"] = c.ani
	acdState := "connected"
	if !acdEnd.IsZero() {
		acdState = "disconnected"
	}
	parts := []any{cust, participant(c, c.acdPID, "acd", acdState, c.arrived, acdEnd, "transfer")}
	if c.agent != nil {
		var state string
		var from, to time.Time
		switch c.state {
		case "alerting":
			state = "alerting"
		case "connected":
			state, from = "connected", c.connected
		default:
			state, from, to = "disconnected", c.connected, c.ended
		}
		ag := participant(c, c.agentPID, "agent", state, from, to, "client")
		ag["userId"], ag["name"], ag["wrapupRequired"] = c.agent.ID, c.agent.Name, true
		parts = append(parts, ag)
	}
	return map[string]any{"id": c.id, "name": c.ani, "participants": parts, "recordingState": "none",
		"address": c.dnis, "externalTag": "",
		"divisions": []any{map[string]any{"division": map[string]any{"id": m.pop.DivisionID},
			"entities": []any{map[string]any{"id": c.q.ID}}}}}
}

// detail is the body of a v2.detail.events.conversation.* event.
func (m *Model) detail(c *conv, participantID string, t time.Time, extra map[string]any) map[string]any {
	d := map[string]any{"eventTime": t.UnixMilli(), "conversationId": c.id, "participantId": participantID,
		"sessionId": c.id[:8] + "-media", "mediaType": c.q.MediaType, "direction": "inbound", "ani": c.ani,
		"dnis": c.dnis, "queueId": c.q.ID, "divisionId": m.pop.DivisionID, "provider": "Edge",
		"addressFrom": c.ani, "addressTo": c.dnis}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

// customerStart is the body of v2.detail.events.conversation.*.customer.start when c's
// customer joins: the SDKs' CustomerStartDetailEventTopicCustomerStartEvent, which has the
// common detail fields but no queueId (the customer has not reached a queue yet).
func (m *Model) customerStart(c *conv, t time.Time) map[string]any {
	d := m.detail(c, c.customerPID, t, nil)
	delete(d, "queueId")
	return d
}

func presenceDefinition(p string) map[string]any {
	return map[string]any{"id": presenceIDs[p], "systemPresence": p}
}

func (m *Model) presenceBody(a *agentState) map[string]any {
	return map[string]any{"source": "PURECLOUD", "presenceDefinition": presenceDefinition(a.presence),
		"primary": true, "message": "", "modifiedDate": iso(a.presenceSince)}
}

func (m *Model) routingBody(a *agentState) map[string]any {
	return map[string]any{"id": a.ID, "routingStatus": map[string]any{"status": a.routing, "startTime": iso(a.since)}}
}

func (m *Model) activityBody(a *agentState) map[string]any {
	active := []string{}
	if a.presence == "ON_QUEUE" {
		active = append(active, a.QueueIDs...)
	}
	return map[string]any{"id": a.ID,
		"routingStatus": map[string]any{"status": a.routing, "startTime": iso(a.since)},
		"presence":      map[string]any{"presenceDefinition": presenceDefinition(a.presence), "modifiedDate": iso(a.presenceSince)},
		"outOfOffice":   map[string]any{"active": false}, "activeQueueIds": active,
		"dateActiveQueuesChanged": iso(a.presenceSince)}
}

// queueMemberBody is the body of v2.routing.queues.{id}.users for agent a in queue qid:
// the platform SDKs' QueueUserEventTopicQueueMember, {id, user{id}, queueId, joined} (the
// member's id is the user's). It carries no name, presence or routing status: those come
// from the user topics or GET /api/v2/routing/queues/{id}/members.
func (m *Model) queueMemberBody(a *agentState, qid string) map[string]any {
	return map[string]any{"id": a.ID, "user": map[string]any{"id": a.ID}, "queueId": qid, "joined": true}
}
