package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	hubpkg "github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

func runQuery(t *testing.T, d *Datasource, js string, from, to time.Time, alert bool) backend.DataResponse {
	t.Helper()
	req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: 1},
		Queries: []backend.DataQuery{{RefID: "A", JSON: json.RawMessage(js), TimeRange: backend.TimeRange{From: from, To: to}}}}
	if alert {
		req.Headers = map[string]string{backend.FromAlertHeaderName: "true"}
	}
	resp, err := d.QueryData(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

func TestQueryDataHistoryNoticesAndChannel(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	d, up, hub := testDS(clock)
	defer d.Dispose()
	now := clock.Now()
	topic := "v2.analytics.queues.q1.observations"
	hub.add(topic, now.Add(-2*time.Hour), 9) // outside the range
	hub.add(topic, now.Add(-30*time.Minute), 1)
	hub.add(topic, now.Add(-10*time.Minute), 2)
	hub.gaps[topic] = []event.Gap{{Topic: topic, Start: now.Add(-20 * time.Minute), End: now.Add(-19 * time.Minute), Reason: "socket closed (1006)"}}
	hub.status["v2.analytics.queues.q2.observations"] = event.TopicStatus{State: "rejected", MissingPermissions: []string{"analytics:queueObservation:view"}}
	hub.reject = map[string]hubpkg.Rejections{topic: {Count: 3, Last: now.Add(-5 * time.Minute), Reason: "offset 7: invalid number"},
		"v2.analytics.queues.q2.observations": {Count: 1, Last: now.Add(-2 * time.Hour)}} // before the range: not told

	r := runQuery(t, d, `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1","q2"]}`, now.Add(-time.Hour), now, false)
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	// two events and, between them, the null row that breaks the line at the gap's start
	if len(r.Frames) != 2 || r.Frames[0].Rows() != 3 || r.Frames[1].Rows() != 0 {
		t.Fatalf("frames %d, rows %d", len(r.Frames), r.Frames[0].Rows())
	}
	if v, ok := r.Frames[0].Fields[1].ConcreteAt(1); ok {
		t.Errorf("row at the gap: %v, want null", v)
	}
	if at, _ := r.Frames[0].Fields[0].ConcreteAt(1); at != now.Add(-20*time.Minute) {
		t.Errorf("the null row is at %v, want the gap's start", at)
	}
	if v, _ := r.Frames[0].Fields[1].ConcreteAt(2); v != 2.0 {
		t.Errorf("last value %v, want 2", v)
	}
	ch := r.Frames[0].Meta.Channel
	if !strings.HasPrefix(ch, "ds/ds1/q/") {
		t.Errorf("channel %q", ch)
	}
	// Each topic streams on its own channel: Grafana's streaming frame has one schema, so
	// two topics on one channel would keep replacing each other's frame.
	ch2 := r.Frames[1].Meta.Channel
	if !strings.HasPrefix(ch2, "ds/ds1/q/") || ch2 == ch {
		t.Errorf("second topic's channel %q must be its own (first %q)", ch2, ch)
	}
	for i, c := range []string{ch, ch2} {
		e, ok := d.queries.get(strings.TrimPrefix(c, "ds/ds1/q/"))
		if !ok || len(e.query.Topics()) != 1 || e.query.Topics()[0] != r.Frames[i].Name {
			t.Errorf("channel %s resolves to %+v, want only topic %s", c, e.query, r.Frames[i].Name)
		}
	}
	notes := fmt.Sprint(r.Frames[0].Meta.Notices, r.Frames[1].Meta.Notices)
	if !strings.Contains(notes, "events may be missing between 2026-01-01T11:40:00Z and 2026-01-01T11:41:00Z: socket closed (1006)") {
		t.Errorf("gap notice missing: %s", notes)
	}
	if !strings.Contains(notes, "analytics:queueObservation:view") {
		t.Errorf("rejected-topic notice missing: %s", notes)
	}
	if !strings.Contains(notes, "3 event(s) of v2.analytics.queues.q1.observations were left out because their body was malformed, the last at 2026-01-01T11:55:00Z (offset 7: invalid number)") ||
		strings.Count(notes, "malformed") != 1 {
		t.Errorf("bad-payload notices: %s", notes)
	}
	if got := strings.Join(up.held(), ","); got != "v2.analytics.queues.q1.observations,v2.analytics.queues.q2.observations" {
		t.Errorf("query did not keep its topics subscribed: %s", got)
	}
	// The stream can now find the query by its path.
	sub, _ := d.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: strings.TrimPrefix(ch, "ds/ds1/"),
		PluginContext: backend.PluginContext{OrgID: 1, DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: "ds1"}}})
	if sub.Status != backend.SubscribeStreamStatusOK || sub.InitialData == nil || !strings.Contains(string(sub.InitialData.Data()), "[2]") {
		t.Errorf("subscribe: %+v", sub)
	}
}

func TestQueryDataAlertLatestAndNoData(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, _, hub := testDS(clock)
	defer d.Dispose()
	now := clock.Now()
	q := `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1"],"format":"latest"}`
	r := runQuery(t, d, q, now.Add(-5*time.Minute), now, true)
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	// Grafana's expression engine reads NoData only from one frame without fields
	if len(r.Frames) != 1 || len(r.Frames[0].Fields) != 0 || r.Frames[0].RefID != "A" {
		t.Fatalf("no data must be one field-less frame, got %d frames: %v", len(r.Frames), r.Frames)
	}
	if d.leases.Len() != 1 {
		t.Errorf("alert query did not take a keep-alive lease")
	}
	hub.add("v2.analytics.queues.q1.observations", now.Add(-time.Hour), 7) // before the range: latest still sees it
	r = runQuery(t, d, q, now.Add(-5*time.Minute), now, true)
	if r.Frames[0].Rows() != 1 {
		t.Fatalf("latest rows %d", r.Frames[0].Rows())
	}
	if v, _ := r.Frames[0].Fields[1].ConcreteAt(0); v != 7.0 {
		t.Errorf("latest %v", v)
	}
	if r.Frames[0].Meta != nil && r.Frames[0].Meta.Channel != "" {
		t.Errorf("alert answers need no live channel")
	}
}

func TestQueryDataAlertLeavesOutTopicsWithoutEvents(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, _, hub := testDS(clock)
	defer d.Dispose()
	now := clock.Now()
	hub.add("v2.analytics.queues.q1.observations", now.Add(-time.Minute), 3)
	hub.gaps["v2.analytics.queues.q2.observations"] = []event.Gap{{Topic: "v2.analytics.queues.q2.observations",
		Start: now.Add(-2 * time.Minute), Reason: "socket closed (1006)"}}
	q := `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1","q2"]}`

	r := runQuery(t, d, q, now.Add(-5*time.Minute), now, true)
	if r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Name != "v2.analytics.queues.q1.observations" {
		t.Fatalf("alert answer must hold only the topic with events: %v %v", r.Error, r.Frames)
	}
	if notes := fmt.Sprint(r.Frames[0].Meta.Notices); !strings.Contains(notes, "socket closed (1006)") {
		t.Errorf("the gap of the topic left out must still be told: %s", notes)
	}
	// a dashboard keeps every topic's frame: it needs each one's Live channel
	if r := runQuery(t, d, q, now.Add(-5*time.Minute), now, false); len(r.Frames) != 2 {
		t.Errorf("dashboard answer has %d frames, want 2", len(r.Frames))
	}
	// once no topic has events the answer is NoData, still carrying the gap
	r = runQuery(t, d, q, now.Add(-30*time.Second), now, true)
	if len(r.Frames) != 1 || len(r.Frames[0].Fields) != 0 || !strings.Contains(fmt.Sprint(r.Frames[0].Meta.Notices), "1006") {
		t.Fatalf("want one field-less frame with the gap notice, got %v", r.Frames)
	}
}

func TestQueryDataErrorsAndStatus(t *testing.T) {
	d, _, _ := testDS(clockwork.NewFakeClock())
	defer d.Dispose()
	r := runQuery(t, d, `{"topic":"v2.users.{id}.presence"}`, time.Time{}, time.Now(), false)
	if r.Error == nil || !strings.Contains(r.Error.Error(), "needs at least one id") {
		t.Errorf("error %v", r.Error)
	}
	r = runQuery(t, d, `{"queryType":"status","fields":["connected"]}`, time.Time{}, time.Now(), true)
	if r.Error != nil || len(r.Frames) != 1 || len(r.Frames[0].Fields) != 2 || r.Frames[0].Fields[1].Name != "connected" {
		t.Fatalf("status: %v %v", r.Error, r.Frames)
	}
	if v, _ := r.Frames[0].Fields[1].ConcreteAt(0); v != 1.0 {
		t.Errorf("connected %v", v)
	}
	bad := newDatasource(context.Background(), backend.DataSourceInstanceSettings{UID: "x"}, nil, clockwork.NewFakeClock())
	r = runQuery(t, bad, `{"topic":"v2.users.u.presence"}`, time.Time{}, time.Now(), false)
	if r.Error == nil || !strings.Contains(r.Error.Error(), "not configured") {
		t.Errorf("unconfigured query error %v", r.Error)
	}
}

func TestSubscribeStreamAuthorises(t *testing.T) {
	d, _, _ := testDS(clockwork.NewFakeClock())
	defer d.Dispose()
	q, _ := ParseQuery([]byte(`{"topic":"v2.users.u1.presence"}`))
	raw, _ := json.Marshal(q)
	ctx := func(uid string, org int64) backend.PluginContext {
		return backend.PluginContext{OrgID: org, DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: uid}}
	}
	cases := []struct {
		name string
		req  backend.SubscribeStreamRequest
		want backend.SubscribeStreamStatus
	}{
		{"data carries the query", backend.SubscribeStreamRequest{Path: q.Path(), Data: raw, PluginContext: ctx("ds1", 1)}, backend.SubscribeStreamStatusOK},
		{"other data source", backend.SubscribeStreamRequest{Path: q.Path(), Data: raw, PluginContext: ctx("other", 1)}, backend.SubscribeStreamStatusPermissionDenied},
		{"data does not match path", backend.SubscribeStreamRequest{Path: "q/0123456789abcdef0123", Data: raw, PluginContext: ctx("ds1", 1)}, backend.SubscribeStreamStatusPermissionDenied},
		{"other org (registered by org 1)", backend.SubscribeStreamRequest{Path: q.Path(), PluginContext: ctx("ds1", 2)}, backend.SubscribeStreamStatusPermissionDenied},
		{"unknown path", backend.SubscribeStreamRequest{Path: "q/0123456789abcdef0123", PluginContext: ctx("ds1", 1)}, backend.SubscribeStreamStatusNotFound},
		{"bad path", backend.SubscribeStreamRequest{Path: "../x", PluginContext: ctx("ds1", 1)}, backend.SubscribeStreamStatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := d.SubscribeStream(context.Background(), &tc.req)
			if err != nil || resp.Status != tc.want {
				t.Errorf("status %v err %v, want %v", resp.Status, err, tc.want)
			}
		})
	}
	pub, _ := d.PublishStream(context.Background(), &backend.PublishStreamRequest{Path: q.Path()})
	if pub.Status != backend.PublishStreamStatusPermissionDenied {
		t.Errorf("publish allowed")
	}
}

func TestCheckHealthMessages(t *testing.T) {
	d, up, _ := testDS(clockwork.NewFakeClock())
	defer d.Dispose()
	res, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "region mypurecloud.com") {
		t.Errorf("ok: %v %q", res.Status, res.Message)
	}
	up.checkErr = fmt.Errorf("token: %w", &auth.AuthError{Status: 401, Code: "invalid_client", Description: "client top-secret-value rejected"})
	res, _ = d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "Authentication failed") {
		t.Errorf("auth: %q", res.Message)
	}
	if strings.Contains(res.Message, "top-secret-value") {
		t.Errorf("health message leaks the secret: %q", res.Message)
	}
}

func TestResources(t *testing.T) {
	d, _, _ := testDS(clockwork.NewFakeClock())
	defer d.Dispose()
	call := func(path string) (int, map[string]any) {
		var got backend.CallResourceResponse
		route, _, _ := strings.Cut(path, "?")
		err := d.CallResource(context.Background(), &backend.CallResourceRequest{Method: http.MethodGet, Path: route, URL: "/" + path},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { got = *r; return nil }))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(got.Body, &m); err != nil {
			t.Fatalf("%s: body %s", path, got.Body)
		}
		return got.Status, m
	}
	st, m := call("topics")
	b, _ := json.Marshal(m)
	if st != 200 || strings.Contains(string(b), "EventBridge") || strings.Contains(string(b), "acw") ||
		!strings.Contains(string(b), `"oWaiting"`) || strings.Contains(string(b), `"data.stats.count"`) || !strings.Contains(string(b), `"family":"users"`) {
		t.Errorf("topics %d %s", st, b)
	}
	if st, m = call("queues?query=x&page=2&pageSize=10"); st != 200 || m["page"] != 2.0 {
		t.Errorf("queues %d %v", st, m)
	}
	if st, m = call("users?query=an"); st != 200 || len(m["items"].([]any)) != 1 {
		t.Errorf("users %d %v", st, m)
	}
	if st, m = call("queues?pageSize=1000"); st != 400 || !strings.Contains(fmt.Sprint(m["error"]), "pageSize") {
		t.Errorf("bad page size %d %v", st, m)
	}
	if st, m = call("status"); st != 200 || m["state"] != "connected" {
		t.Errorf("status %d %v", st, m)
	}
	if st, _ = call("nope"); st != 404 {
		t.Errorf("unknown resource %d", st)
	}
}

// TestHealthyMessageIsPlain: Save & test says what was checked and what streams, in
// words a supervisor reads, without counts that contradict the check.
func TestHealthyMessageIsPlain(t *testing.T) {
	idle := healthyMessage("region mypurecloud.ie", session.Status{})
	if !strings.Contains(idle, "signed in, opened a notification channel and got an answer over its WebSocket") ||
		!strings.Contains(idle, "No panel or alert rule uses this data source yet") || strings.Contains(idle, "0 channel") {
		t.Errorf("idle: %q", idle)
	}
	busy := healthyMessage("region mypurecloud.ie", session.Status{Topics: make([]session.TopicState, 3)})
	if !strings.Contains(busy, "Streaming 3 topic(s) for panels and alert rules.") {
		t.Errorf("busy: %q", busy)
	}
	warn := "another holder of OAuth client c evicted channel 1234abcd… 3 times in the last hour; plan channelBudget: replicas × budget + other applications ≤ 20"
	if evicted := healthyMessage("region mypurecloud.ie", session.Status{EvictionWarning: warn}); !strings.Contains(evicted, "Warning: "+warn) {
		t.Errorf("evicted: %q", evicted)
	}
	if msg := explainHealth(fmt.Errorf("%w: %s", session.ErrEvicted, warn), Settings{}); !strings.Contains(msg, "another holder of the OAuth client created more than 20") || !strings.Contains(msg, warn) {
		t.Errorf("explainHealth: %q", msg)
	}
}

// TestNotConnectedIsSaidOnEveryFrame: a data source that cannot sign in answers the
// status query with connected = 0 and the reason, and its events queries carry a
// notice naming the cause instead of a silent "No data".
func TestNotConnectedIsSaidOnEveryFrame(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, up, _ := testDS(clock)
	defer d.Dispose()
	up.mu.Lock()
	up.state = &session.Status{State: session.StateAuthFailed, Reason: "signing in failed: the login service refused the client credentials"}
	up.mu.Unlock()
	now := clock.Now()
	r := runQuery(t, d, `{"queryType":"status"}`, now.Add(-time.Minute), now, true)
	if v := frameValue(r.Frames[0], "connected"); v != 0.0 {
		t.Errorf("connected %v, want 0", v)
	}
	if v := frameValue(r.Frames[0], "reason"); !strings.Contains(fmt.Sprint(v), "refused the client credentials") {
		t.Errorf("reason %v", v)
	}
	r = runQuery(t, d, `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1"]}`, now.Add(-time.Hour), now, false)
	var texts []string
	for _, n := range r.Frames[0].Meta.Notices {
		texts = append(texts, n.Text)
	}
	if !strings.Contains(strings.Join(texts, "|"), "not connected to Genesys Cloud (auth_failed): signing in failed") {
		t.Errorf("notices %q", texts)
	}
}

func frameValue(f *data.Frame, name string) any {
	for _, fl := range f.Fields {
		if fl.Name == name && fl.Len() > 0 {
			v, _ := fl.ConcreteAt(0)
			return v
		}
	}
	return nil
}

// TestHistoryBeginsNotice: a graph over a range that starts before the plugin was
// watching says where its history begins (Genesys never replays), and says nothing once
// the range is inside what the plugin holds.
func TestHistoryBeginsNotice(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	d, _, _ := testDS(clock)
	defer d.Dispose()
	clock.Advance(5 * time.Minute)
	now := clock.Now()
	q := `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1"]}`
	r := runQuery(t, d, q, now.Add(-30*time.Minute), now, false)
	texts := ""
	for _, n := range r.Frames[0].Meta.Notices {
		texts += n.Text + "|"
	}
	if !strings.Contains(texts, "history begins at 2026-12-07T10:00:00Z, when this data source started") {
		t.Errorf("notices %q", texts)
	}
	r = runQuery(t, d, q, now.Add(-4*time.Minute), now, false)
	for _, n := range r.Frames[0].Meta.Notices {
		if strings.Contains(n.Text, "history begins") {
			t.Errorf("a range inside the held history got %q", n.Text)
		}
	}
}
