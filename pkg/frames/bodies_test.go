package frames

import (
	"encoding/json"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// Realistic bodies, shaped as in docs/shared genesys-notification-api.md "Event bodies".
const (
	queueID = "8f2b3c1e-0d5a-4b7e-9c61-2a4f5e6d7c8b"
	userID  = "3c5d7e9f-1a2b-4c6d-8e0f-a1b2c3d4e5f6"
	convID  = "b7e1c9d2-4f3a-4e8b-9a6c-5d2e1f0a3b4c"
)

var base = time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)

func at(seconds int) time.Time { return base.Add(time.Duration(seconds) * time.Second) }

func evt(topic string, received time.Time, body string) event.Event {
	return event.Event{Topic: topic, Body: json.RawMessage(body), Received: received}
}

var (
	obsTopic      = "v2.analytics.queues." + queueID + ".observations"
	convTopic     = "v2.routing.queues." + queueID + ".conversations"
	presenceTopic = "v2.users." + userID + ".presence"
	routingTopic  = "v2.users." + userID + ".routingStatus"
	detailTopic   = "v2.detail.events.conversation." + convID + ".acd.end"
	membersTopic  = "v2.routing.queues." + queueID + ".users"
)

const obsVoice1 = `{"group":{"queueId":"` + queueID + `","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:15:00.000Z","metrics":[
 {"metric":"oWaiting","stats":{"count":3}},
 {"metric":"oInteracting","stats":{"count":5}},
 {"metric":"tAbandon","stats":{"count":2,"sum":86168,"min":11781,"max":74387}},
 {"metric":"oServiceLevel","stats":{"ratio":0.8,"numerator":8,"denominator":10,"target":0.8}},
 {"metric":"oUserPresences","qualifier":"AVAILABLE","stats":{"count":4}},
 {"metric":"oUserPresences","qualifier":"BUSY","stats":{"count":1}},
 {"metric":"oUserRoutingStatuses","qualifier":"IDLE","stats":{"count":2}}]}]}`

const obsVoice2 = `{"group":{"queueId":"` + queueID + `","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:15:00.000Z","metrics":[
 {"metric":"oWaiting","stats":{"count":1}},
 {"metric":"oServiceLevel","stats":{"ratio":0.75,"numerator":9,"denominator":12,"target":0.8}},
 {"metric":"oUserPresences","qualifier":"ON_QUEUE","stats":{"count":6}},
 {"metric":"oLongestWaiting","stats":{"count":1,"max":45000}}]}]}`

const obsChat = `{"group":{"queueId":"` + queueID + `","mediaType":"chat"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:15:00.000Z","metrics":[
 {"metric":"oWaiting","stats":{"count":0}}]}]}`

const conversationBody1 = `{"id":"` + convID + `","participants":[
 {"id":"p1","purpose":"customer","address":"tel:+15551234567","calls":[{"state":"CONNECTED","direction":"INBOUND","held":false,"muted":false,"connectedTime":"2026-11-29T01:00:01.000Z"}]},
 {"id":"p2","purpose":"acd","queueId":"` + queueID + `","connectedTime":"2026-11-29T01:00:02.000Z","endTime":"2026-11-29T01:00:20.000Z","calls":[{"state":"DISCONNECTED","disconnectType":"transfer","disconnectedTime":"2026-11-29T01:00:20.000Z"}]},
 {"id":"p3","purpose":"agent","userId":"` + userID + `","queueId":"` + queueID + `","calls":[{"state":"ALERTING","direction":"INBOUND"}]}],
 "recordingState":"active","address":"tel:+15557654321","divisions":[{"id":"d1"}]}`

const conversationBody2 = `{"id":"c2","participants":[
 {"id":"p1","purpose":"customer","chats":[{"state":"CONNECTED"}]},
 {"id":"p2","purpose":"agent","userId":"` + userID + `","queueId":"` + queueID + `","chats":[{"state":"CONNECTED"}],"emails":[{"state":"CONNECTED"}]}],
 "externalTag":"crm-42"}`

const presenceBody1 = `{"source":"PURECLOUD","presenceDefinition":{"id":"6a3af858-942f-489d-9700-5f9bcdcdae9b","systemPresence":"AVAILABLE"},"primary":true,"message":"","modifiedDate":"2026-11-29T00:58:00.000Z"}`
const presenceBody2 = `{"source":"PURECLOUD","presenceDefinition":{"id":"e08eaf1b-ee47-4fa9-a231-1200e284798f","systemPresence":"ON_QUEUE"},"primary":true,"message":"taking calls","modifiedDate":"2026-11-29T01:02:03.500Z"}`

const routingBody1 = `{"id":"` + userID + `","routingStatus":{"status":"IDLE","startTime":"2026-11-29T01:00:05.000Z"}}`
const routingBody2 = `{"id":"` + userID + `","routingStatus":{"status":"INTERACTING","startTime":"2026-11-29T01:01:10.250Z"}}`

const detailBody = `{"eventTime":1795914030000,"conversationId":"` + convID + `","participantId":"p2","sessionId":"s1","mediaType":"VOICE","direction":"INBOUND","ani":"tel:+15551234567","dnis":"tel:+15557654321","queueId":"` + queueID + `","divisionId":"d1","acdOutcome":"ANSWERED","interactingDurationMs":185000,"disconnectType":"PEER"}`

// Queue member bodies are the platform SDKs' QueueUserEventTopicQueueMember: {id, user{id},
// queueId, joined}; no name, presence or routing status.
const memberJoined = `{"id":"` + userID + `","user":{"id":"` + userID + `"},"queueId":"` + queueID + `","joined":true}`
const memberLeft = `{"id":"` + userID + `","user":{"id":"` + userID + `"},"queueId":"` + queueID + `","joined":false}`
