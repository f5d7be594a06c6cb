package simulator

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestControlEndpoints(t *testing.T) {
	s, fc := newSim(t, Config{HeartbeatInterval: time.Hour, SocketClosingGrace: time.Second})
	tok, c, ws := connected(t, s, "v2.users.u1.presence")
	if got := s.Channels()[0].OwnerTokenHash; got != TokenHash(tok) {
		t.Errorf("owner hash %q, want TokenHash(token) %q", got, TokenHash(tok))
	}
	post := func(path, body string, want int) resp {
		t.Helper()
		r := call(t, s, "POST", path, "", body)
		if r.status != want {
			t.Fatalf("POST %s: %d %s", path, r.status, r.body)
		}
		return r
	}
	post("/_sim/faults/http", `{"pathPrefix":"/api/v2/users","status":429,"retryAfterSeconds":3,"count":1}`, 200)
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 429 || r.header.Get("Retry-After") != "3" {
		t.Errorf("429 fault: %d %q", r.status, r.header.Get("Retry-After"))
	}
	post("/_sim/faults/http", `{"status":503,"durationSeconds":10}`, 200)
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 503 {
		t.Errorf("503 fault: %d", r.status)
	}
	if r := call(t, s, "DELETE", "/_sim/faults/http", "", ""); r.status != 200 {
		t.Errorf("clear: %d", r.status)
	}
	post("/_sim/faults/http", `{"status":200}`, 400)
	post("/_sim/faults/http", `{"status":0}`, 400)
	post("/_sim/faults/http", `{"pathPrefix":"/nowhere","delaySeconds":1}`, 200)

	if r := post("/_sim/publish", `{"topic":"v2.users.u1.presence","body":{"x":1}}`, 200); r.json(t)["sockets"] != float64(1) {
		t.Errorf("publish: %s", r.body)
	}
	if m := readMsg(t, ws); m["eventBody"].(map[string]any)["x"] != float64(1) {
		t.Errorf("published %v", m)
	}
	post("/_sim/raw?channel="+c.ID, `not json`, 200)
	_ = ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, b, _ := ws.ReadMessage(); string(b) != "not json" {
		t.Errorf("raw: %q", b)
	}
	post("/_sim/pongs?on=false", "", 200)
	post("/_sim/heartbeats?on=false", "", 200)
	if s.pongs.Load() || s.heartbeats.Load() {
		t.Error("pongs/heartbeats still on")
	}
	post("/_sim/stall?channel="+c.ID+"&on=true", "", 200)
	if s.socketOf(c.ID).stallChan() == nil {
		t.Error("not stalled")
	}
	post("/_sim/stall", "", 200) // on defaults to true
	post("/_sim/stall?on=false", "", 200)
	post("/_sim/no-longer-subscribed?channel="+c.ID, "", 200)
	if m := readMsg(t, ws); !strings.HasPrefix(m["topicName"].(string), "v2.system.no_longer_subscribed.") {
		t.Errorf("got %v", m)
	}
	post("/_sim/socket-closing", "", 200)
	if m := readMsg(t, ws); m["topicName"] != "v2.system.socket_closing" {
		t.Errorf("got %v", m)
	}
	fc.Advance(time.Second)
	if err := readErr(t, ws); !isAbnormal(err) {
		t.Errorf("after grace: %v", err)
	}
	post("/_sim/faults/drop", `{"upgrades":1,"afterMessages":0,"all":true}`, 200)
	if s.dropUpgrades.Load() != 1 {
		t.Error("drop upgrades not set")
	}
	post("/_sim/faults/drop", `nope`, 400)
	post("/_sim/channels/expire?channel="+c.ID, "", 200)
	if len(s.Channels()) != 0 {
		t.Error("channel not expired")
	}
	post("/_sim/tokens/revoke", "", 200)
	if r := call(t, s, "GET", "/api/v2/users", tok, ""); r.status != 401 {
		t.Errorf("revoked: %d", r.status)
	}
	post("/_sim/tokens/expire", "", 200)
	post("/_sim/credentials", `{"clientId":"a","clientSecret":"b"}`, 200)
	if r := tokenReq(t, s, "a", "b", "grant_type=client_credentials"); r.status != 200 {
		t.Errorf("new credentials: %d", r.status)
	}
	post("/_sim/credentials", `{}`, 400)
	generator := func() string { return strings.TrimSpace(string(call(t, s, "GET", "/_sim/generator", "", "").body)) }
	post("/_sim/generator", `{"rate":3,"meanHandleSeconds":90}`, 200)
	if g := generator(); g != `{"meanHandleSeconds":90,"rate":3}` {
		t.Errorf("the running generator reads %s", g)
	}
	post("/_sim/generator", `{"rate":-1}`, 400)
	post("/_sim/generator", `{"rate":0}`, 200)
	if s.Count("generator_start") != 1 {
		t.Errorf("generator starts %d", s.Count("generator_start"))
	}
	if g := generator(); g != `{"meanHandleSeconds":0,"rate":0}` {
		t.Errorf("the stopped generator reads %s", g)
	}

	var recs struct{ Records []Record }
	r := call(t, s, "GET", "/_sim/records?kind=upgrade", "", "")
	if err := json.Unmarshal(r.body, &recs); err != nil || len(recs.Records) != 1 || recs.Records[0].Channel != c.ID {
		t.Errorf("records: %s", r.body)
	}
	if !recs.Records[0].Time.Equal(testStart) {
		t.Errorf("record time %v, want the fake clock's", recs.Records[0].Time)
	}
	if r := call(t, s, "GET", "/_sim/channels", "", ""); r.status != 200 || !strings.Contains(string(r.body), `"channels"`) {
		t.Errorf("channels: %s", r.body)
	}
}

// TestNoSecretsInLogsOrRecords drives every kind of action and checks that neither the
// client secret nor any token appears in the log, the records or the error bodies.
func TestNoSecretsInLogsOrRecords(t *testing.T) {
	var logs bytes.Buffer
	s, _ := newSim(t, Config{ClientSecret: "s3cr3t-value", JWTTokens: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	tok, c, ws := connected(t, s, "v2.users.u1.presence")
	_ = ws.WriteMessage(1, []byte(`{"message":"ping"}`))
	readMsg(t, ws)
	tokenReq(t, s, "sim-client", "wrong-"+tok, "grant_type=client_credentials")
	s.ExpireTokens()
	bodies := call(t, s, "GET", "/api/v2/notifications/channels/"+c.ID+"/subscriptions", tok, "").body
	dial(t, c.ConnectURI)
	recs, _ := json.Marshal(s.Records())
	for _, where := range []string{logs.String(), string(recs), string(bodies)} {
		for _, secret := range []string{"s3cr3t-value", tok, strings.Split(tok, ".")[2]} {
			if strings.Contains(where, secret) {
				t.Fatalf("secret leaked into %q", where)
			}
		}
	}
	if !strings.Contains(logs.String(), "sim upgrade") || !strings.Contains(logs.String(), "sim token_denied") {
		t.Errorf("log lacks client actions:\n%s", logs.String())
	}
}

// TestSetQueueWaitingAndPresence: the direct controls put the model in a known state
// that the REST refill reports and the notifications carried, and then nothing more is
// published (a quiet queue).
func TestSetQueueWaitingAndPresence(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	q := s.Population().Queues[0]
	if !s.SetQueueWaiting(q.ID, 9) {
		t.Fatal("SetQueueWaiting refused a known queue")
	}
	body := `{"filter":{"type":"or","predicates":[{"dimension":"queueId","value":"` + q.ID + `"}]},"metrics":["oWaiting"]}`
	r := call(t, s, "POST", "/api/v2/analytics/queues/observations/query", tok, body)
	if r.status != 200 || !strings.Contains(string(r.body), `"metric":"oWaiting","stats":{"count":9}`) {
		t.Fatalf("query after SetQueueWaiting(9): %d %s", r.status, r.body)
	}
	s.SetQueueWaiting(q.ID, 2)
	r = call(t, s, "POST", "/api/v2/analytics/queues/observations/query", tok, body)
	if !strings.Contains(string(r.body), `"count":2`) {
		t.Fatalf("query after SetQueueWaiting(2): %s", r.body)
	}
	if s.SetQueueWaiting("no-such-queue", 1) || s.SetQueueWaiting(q.ID, -1) {
		t.Error("SetQueueWaiting accepted an unknown queue or a negative count")
	}
	a := s.Population().Agents[0]
	if !s.SetAgentPresence(a.ID, "Break") {
		t.Fatal("SetAgentPresence refused a known user")
	}
	r = call(t, s, "GET", "/api/v2/users/"+a.ID+"/routingstatus", tok, "")
	if !strings.Contains(string(r.body), `"OFF_QUEUE"`) {
		t.Errorf("routing status after a break: %s", r.body)
	}
	if s.SetAgentPresence(a.ID, "Sleeping") {
		t.Error("SetAgentPresence accepted an unknown presence")
	}
}

// TestAlertSink: the demo's contact point posts Grafana's webhook payloads here; the
// last ones can be listed, malformed bodies are refused, and the list stays bounded.
func TestAlertSink(t *testing.T) {
	s, _ := newSim(t, Config{})
	post := func(body string) int {
		r := call(t, s, "POST", "/_sim/alerts", "", body)
		return r.status
	}
	if c := post(`{"status":"firing","alerts":[{"labels":{"alertname":"Customers waiting > 5 for 1 minute"}}]}`); c != 200 {
		t.Fatalf("post: %d", c)
	}
	if c := post(`not json`); c != 400 {
		t.Errorf("malformed: %d", c)
	}
	for i := 0; i < maxAlerts+5; i++ {
		post(`{"status":"resolved"}`)
	}
	r := call(t, s, "GET", "/_sim/alerts", "", "")
	var got struct{ Alerts []json.RawMessage }
	if err := json.Unmarshal(r.body, &got); err != nil || len(got.Alerts) != maxAlerts {
		t.Fatalf("list: %d alerts, %v", len(got.Alerts), err)
	}
}
