package simulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

type subList struct {
	Entities []map[string]any
}

func decodeSubs(t *testing.T, r resp) subList {
	t.Helper()
	var l subList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("subscriptions body %q: %v", r.body, err)
	}
	return l
}

func TestSubscriptionsMethods(t *testing.T) {
	s, fc := newSim(t, Config{ChannelLifetime: time.Hour})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	path := "/api/v2/notifications/channels/" + c.ID + "/subscriptions"

	r := call(t, s, "PUT", path, tok, `[{"id":"v2.users.u1.presence"},{"id":"v2.analytics.queues.q1.observations"}]`)
	if r.status != 200 || len(decodeSubs(t, r).Entities) != 2 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	sameKeys(t, "permitted entity", decodeSubs(t, r).Entities[0], "id", "state")
	r = call(t, s, "POST", path, tok, `[{"id":"v2.users.u2?presence&routingStatus"}]`)
	got := decodeSubs(t, r).Entities
	if r.status != 200 || len(got) != 4 {
		t.Fatalf("POST combined: %d %s", r.status, r.body)
	}
	ids := []string{}
	for _, e := range got {
		ids = append(ids, e["id"].(string))
		if e["state"] != "Permitted" {
			t.Errorf("state %v", e)
		}
	}
	if !strings.Contains(strings.Join(ids, ","), "v2.users.u2.presence,v2.users.u2.routingStatus") {
		t.Errorf("combined topic not expanded: %v", ids)
	}
	if r := call(t, s, "GET", path, tok, ""); len(decodeSubs(t, r).Entities) != 4 {
		t.Errorf("GET: %s", r.body)
	}
	r = call(t, s, "PUT", path, tok, `[{"id":"v2.users.u3.activity"}]`)
	if len(decodeSubs(t, r).Entities) != 1 {
		t.Errorf("PUT replaces: %s", r.body)
	}
	// PUT extended the channel's life
	fc.Advance(30 * time.Minute)
	subscribe(t, s, tok, c.ID, "v2.users.u3.activity")
	fc.Advance(45 * time.Minute)
	if r := call(t, s, "HEAD", "/api/v2/notifications/channels/"+c.ID, tok, ""); r.status != 200 {
		t.Errorf("PUT did not extend expiry: HEAD %d", r.status)
	}
	if r := call(t, s, "DELETE", path, tok, ""); r.status != 204 {
		t.Errorf("DELETE: %d", r.status)
	}
	if r := call(t, s, "GET", path, tok, ""); len(decodeSubs(t, r).Entities) != 0 {
		t.Errorf("after DELETE: %s", r.body)
	}
	if r := call(t, s, "PUT", path, tok, `{"id":"x"}`); r.status != 400 {
		t.Errorf("bad body: %d", r.status)
	}
	long := "v2.users.u1?" + strings.Repeat("presence&", 30) + "presence"
	if r := call(t, s, "PUT", path, tok, `[{"id":"`+long+`"}]`); r.status != 400 {
		t.Errorf("combined topic over 200 chars: %d", r.status)
	}
	other := getToken(t, s)
	if r := call(t, s, "GET", path, other, ""); r.status != 404 {
		t.Errorf("another token's channel: %d, want 404", r.status)
	}
	if r := call(t, s, "GET", "/api/v2/notifications/channels/nope/subscriptions", tok, ""); r.status != 404 {
		t.Errorf("unknown channel: %d", r.status)
	}
}

func TestSubscriptionPermissions(t *testing.T) {
	s, _ := newSim(t, Config{Forbidden: map[string][]string{
		"v2.analytics.queues.{id}.observations": {"analytics:queueObservation:view"},
	}})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	path := "/api/v2/notifications/channels/" + c.ID + "/subscriptions"
	body := `[{"id":"v2.users.u1.presence"},{"id":"v2.analytics.queues.Q1.observations"}]`

	r := call(t, s, "PUT", path, tok, body)
	if r.status != 403 {
		t.Fatalf("without ignoreErrors: %d %s", r.status, r.body)
	}
	m := r.json(t)
	sameKeys(t, "403 body", m, "message", "code", "status", "contextId", "details", "errors")
	if !strings.Contains(m["message"].(string), "analytics:queueObservation:view") {
		t.Errorf("403 message does not name the permission: %v", m["message"])
	}
	if got := s.Channels()[0].Topics; len(got) != 0 {
		t.Errorf("403 request still subscribed %v", got)
	}

	r = call(t, s, "PUT", path+"?ignoreErrors=true", tok, body)
	if r.status != 200 {
		t.Fatalf("ignoreErrors: %d", r.status)
	}
	var rejected map[string]any
	for _, e := range decodeSubs(t, r).Entities {
		if e["state"] == "Rejected" {
			rejected = e
		}
	}
	if rejected == nil {
		t.Fatalf("no rejected entity in %s", r.body)
	}
	sameKeys(t, "rejected entity", rejected, "id", "state", "rejectionReason", "missingPermissions")
	if fmt.Sprint(rejected["missingPermissions"]) != "[analytics:queueObservation:view]" {
		t.Errorf("missingPermissions %v", rejected["missingPermissions"])
	}
	if got := s.Channels()[0].Topics; len(got) != 1 || got[0] != "v2.users.u1.presence" {
		t.Errorf("topics %v", got)
	}

	// unknown and EventBridge-only topics are invalid on a socket
	for _, bad := range []string{"v2.nothing.here", "v2.operations.events.x1"} {
		if r := call(t, s, "POST", path, tok, `[{"id":"`+bad+`"}]`); r.status != 400 {
			t.Errorf("%s: %d, want 400", bad, r.status)
		}
	}
}

func TestTopicLimit(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	c := newChannel(t, s, tok)
	topics := func(n, from int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, fmt.Sprintf("v2.users.u%d.presence", i))
		}
		return out
	}
	if r := subscribe(t, s, tok, c.ID, topics(1000, 0)...); r.status != 200 {
		t.Fatalf("1000 topics: %d", r.status)
	}
	if r := subscribe(t, s, tok, c.ID, topics(1001, 0)...); r.status != 400 {
		t.Fatalf("1001 topics: %d", r.status)
	}
	b, _ := json.Marshal([]map[string]string{{"id": "v2.users.extra.presence"}})
	if r := call(t, s, "POST", "/api/v2/notifications/channels/"+c.ID+"/subscriptions", tok, string(b)); r.status != 400 {
		t.Fatalf("POST to 1001: %d", r.status)
	}
	if n := len(s.Channels()[0].Topics); n != 1000 {
		t.Errorf("topics after rejected requests: %d", n)
	}
}

func TestTopicMatches(t *testing.T) {
	tests := []struct {
		pattern, topic string
		want           bool
	}{
		{"v2.users.{id}.presence", "v2.users.abc.presence", true},
		{"v2.users.{id}.presence", "v2.users..presence", false},
		{"v2.users.{id}.presence", "v2.users.abc.routingstatus", false},
		{"v2.detail.events.conversation.{id}.acd.start", "v2.detail.events.conversation.q.acd.start", true},
		{"v2.users.{id}.presence", "v2.users.a.b.presence", false},
	}
	for _, tc := range tests {
		if got := topicMatches(tc.pattern, tc.topic); got != tc.want {
			t.Errorf("topicMatches(%q, %q) = %v", tc.pattern, tc.topic, got)
		}
	}
}
