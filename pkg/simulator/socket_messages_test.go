package simulator

import (
	"encoding/json"
	"testing"
)

// Subscribing over the socket adds topics to the channel exactly as a REST POST with
// ignoreErrors=true would, and the reply (channel.metadata, the request's correlationId)
// carries each topic's verdict; unsubscribing removes them.
func TestSocketSubscribeAndUnsubscribe(t *testing.T) {
	s, _ := newSim(t, Config{Forbidden: map[string][]string{"v2.users.{id}.geolocation": {"geolocation:view"}}})
	tok, c, ws := connected(t, s)
	send := func(msg string) map[string]any {
		t.Helper()
		if err := ws.WriteMessage(1, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		m := readMsg(t, ws)
		sameKeys(t, "reply envelope", m, "topicName", "version", "eventBody", "metadata")
		if m["topicName"] != "channel.metadata" {
			t.Fatalf("reply topicName %v", m["topicName"])
		}
		return m
	}
	m := send(`{"message":"subscribe","topics":["v2.users.u1.presence","v2.users.u1?routingStatus&activity","v2.nope.x","v2.users.u1.geolocation"],"correlationId":"c-1"}`)
	body := m["eventBody"].(map[string]any)
	if body["message"] != "subscribe" || body["correlationId"] != "c-1" || body["status"] != float64(200) ||
		m["metadata"].(map[string]any)["CorrelationId"] != "c-1" {
		t.Fatalf("reply %v", m)
	}
	states := map[string]string{}
	for _, e := range body["entities"].([]any) {
		e := e.(map[string]any)
		states[e["id"].(string)] = e["state"].(string)
	}
	want := map[string]string{"v2.users.u1.presence": "Permitted", "v2.users.u1.routingStatus": "Permitted",
		"v2.users.u1.activity": "Permitted", "v2.nope.x": "Rejected", "v2.users.u1.geolocation": "Rejected"}
	for id, st := range want {
		if states[id] != st {
			t.Errorf("%s: %q, want %s (all %v)", id, states[id], st, states)
		}
	}
	r := call(t, s, "GET", "/api/v2/notifications/channels/"+c.ID+"/subscriptions", tok, "")
	var subs struct{ Entities []subscriptionEntity }
	_ = json.Unmarshal(r.body, &subs)
	if len(subs.Entities) != 3 {
		t.Errorf("REST view after a socket subscribe: %s", r.body)
	}
	if n := s.Publish("v2.users.u1.presence", map[string]any{"n": 1}); n != 1 {
		t.Fatalf("a topic subscribed over the socket reached %d sockets", n)
	}
	if got := readMsg(t, ws); got["topicName"] != "v2.users.u1.presence" {
		t.Fatalf("event %v", got)
	}

	m = send(`{"message":"unsubscribe","topics":["v2.users.u1.presence","v2.users.u9.presence"],"correlationId":"c-2"}`)
	body = m["eventBody"].(map[string]any)
	if body["message"] != "unsubscribe" || body["correlationId"] != "c-2" || body["status"] != float64(200) || len(body["entities"].([]any)) != 1 {
		t.Fatalf("unsubscribe reply %v", m)
	}
	if n := s.Publish("v2.users.u1.presence", map[string]any{}); n != 0 {
		t.Errorf("an unsubscribed topic still reached %d sockets", n)
	}
	if n := s.Publish("v2.users.u1.activity", map[string]any{}); n != 1 {
		t.Errorf("unsubscribe removed too much: activity reached %d", n)
	}
	readMsg(t, ws)

	for _, bad := range []string{`{"message":"subscribe","correlationId":"c-3"}`, `{"message":"subscribe","topics":[42],"correlationId":"c-3"}`} {
		body = send(bad)["eventBody"].(map[string]any)
		if body["status"] != float64(400) || body["error"] == nil || body["correlationId"] != "c-3" {
			t.Errorf("%s: reply %v", bad, body)
		}
	}
	if s.Count("socket_subscribe") != 3 || s.Count("socket_unsubscribe") != 1 {
		t.Errorf("records: subscribe %d, unsubscribe %d", s.Count("socket_subscribe"), s.Count("socket_unsubscribe"))
	}
}

func TestSubscribeReplyIsWhatTheSocketSends(t *testing.T) {
	s, _ := newSim(t, Config{})
	_, _, ws := connected(t, s)
	if err := ws.WriteMessage(1, []byte(`{"message":"subscribe","topics":["v2.users.u1.presence"],"correlationId":"k"}`)); err != nil {
		t.Fatal(err)
	}
	_, got, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if want := SubscribeReply("k", "v2.users.u1.presence"); string(got) != string(want) {
		t.Errorf("socket sent %s\nSubscribeReply gives %s", got, want)
	}
}
