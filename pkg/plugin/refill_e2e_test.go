package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// The refill end to end: a real instance (auth, session, hub, refill, frames) against
// the simulator, both on one fake clock. The simulator's generator is off, so a queue
// set to 9 waiting stays quiet: nothing is ever published for it again.

const refillSecret = "refill-secret-7f2c"

type refillRig struct {
	t     *testing.T
	clock *clockwork.FakeClock
	sim   *simulator.Server
	d     *Datasource
	queue string
	user  string
	// quantum is the fake time per real 2 ms (default 100 ms): smaller where the
	// plugin does much real work per fake second (thousands of topics).
	quantum time.Duration
}

func newRefillRig(t *testing.T) *refillRig {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 7, 10, 0, 5, 0, time.UTC))
	sim := simulator.NewTestServer(t, simulator.Config{Clock: clock, ClientID: "c", ClientSecret: refillSecret, RateLimitPerMinute: 300})
	g := &refillRig{t: t, clock: clock, sim: sim, queue: sim.Population().Queues[0].ID, user: sim.Population().Agents[0].ID}
	if !sim.SetQueueWaiting(g.queue, 9) || !sim.SetAgentPresence(g.user, "BREAK") {
		t.Fatal("could not set the simulator's state")
	}
	in := backend.DataSourceInstanceSettings{UID: "refill", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": refillSecret}}
	g.d = newDatasource(context.Background(), in, buildParts, clock)
	if g.d.cfgErr != nil {
		t.Fatal(g.d.cfgErr)
	}
	t.Cleanup(g.d.Dispose)
	return g
}

// step moves the fake clock by d in small steps, giving the real goroutines (sockets,
// HTTP) a moment between them.
func (g *refillRig) quantumOr() time.Duration {
	if g.quantum == 0 {
		return 100 * time.Millisecond
	}
	return g.quantum
}

func (g *refillRig) step(d time.Duration) {
	q := g.quantumOr()
	for end := g.clock.Now().Add(d); g.clock.Now().Before(end); {
		g.clock.Advance(q)
		time.Sleep(2 * time.Millisecond)
	}
}

// query runs one query while the clock moves (an alert query waits for the refill on
// the instance's clock).
func (g *refillRig) query(js string, from, to time.Time, alert bool) backend.DataResponse {
	g.t.Helper()
	req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: 1},
		Queries: []backend.DataQuery{{RefID: "A", JSON: json.RawMessage(js), TimeRange: backend.TimeRange{From: from, To: to}}}}
	if alert {
		req.Headers = map[string]string{backend.FromAlertHeaderName: "true"}
	}
	done := make(chan *backend.QueryDataResponse, 1)
	go func() {
		resp, err := g.d.QueryData(context.Background(), req)
		if err != nil {
			g.t.Error(err)
		}
		done <- resp
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case resp := <-done:
			return resp.Responses["A"]
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatal("QueryData did not return")
		}
		g.step(g.quantumOr())
	}
}

// value is field name's last value in the response's frames (nil if none).
func value(r backend.DataResponse, name string) any {
	for _, f := range r.Frames {
		for _, fl := range f.Fields {
			if fl.Name == name && fl.Len() > 0 {
				v, _ := fl.ConcreteAt(fl.Len() - 1)
				return v
			}
		}
	}
	return nil
}

func notices(r backend.DataResponse) string {
	var out []string
	for _, f := range r.Frames {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				out = append(out, n.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}

// until queries every 100 ms of fake time until ok holds; it returns the fake time it
// took and the last response.
func (g *refillRig) until(limit time.Duration, js string, alert bool, ok func(backend.DataResponse) bool) (time.Duration, backend.DataResponse) {
	g.t.Helper()
	start := g.clock.Now()
	for {
		now := g.clock.Now()
		r := g.query(js, now.Add(-time.Hour), now, alert)
		if ok(r) {
			return now.Sub(start), r
		}
		if now.Sub(start) > limit {
			g.t.Fatalf("not within %s: last answer %v, notices %q", limit, r.Frames, notices(r))
		}
		g.step(100 * time.Millisecond)
	}
}

func (g *refillRig) queueQuery() string {
	return fmt.Sprintf(`{"topic":"v2.analytics.queues.{id}.observations","ids":[%q],"fields":["oWaiting"],"format":"latest"}`, g.queue)
}

func (g *refillRig) presenceQuery() string {
	return fmt.Sprintf(`{"topic":"v2.users.{id}.presence","ids":[%q],"format":"latest"}`, g.user)
}

func TestRefillAfterStartAndAfterGap(t *testing.T) {
	g := newRefillRig(t)
	// 1 s of fake time per 100 ms of real time: the "within 5 s / 10 s" below are fake
	// time, and a loaded machine must not turn its slowness into seconds of fake time
	g.quantum = 20 * time.Millisecond

	// A new data source: the alert rule's first evaluation sees the quiet queue's 9.
	r := g.query(g.queueQuery(), g.clock.Now().Add(-5*time.Minute), g.clock.Now(), true)
	if v := value(r, "oWaiting"); v != 9.0 {
		b, _ := json.Marshal(g.d.status())
		t.Fatalf("first alert evaluation at %s: oWaiting %v, want 9 (frames %v, notices %q); status %s", g.clock.Now(), v, r.Frames, notices(r), b)
	}
	if !strings.Contains(notices(r), "current value read from Genesys Cloud over REST") {
		t.Errorf("a refilled value must say so: %q", notices(r))
	}
	// A dashboard's first query answers what it has; within 5 s the presence is there.
	took, _ := g.until(5*time.Second, g.presenceQuery(), false, func(r backend.DataResponse) bool {
		return value(r, "systemPresence") == "BREAK"
	})
	t.Logf("presence after %s", took)

	// 9 → 0 and BREAK → ON_QUEUE during a 20 s outage: those notifications are lost.
	g.step(10 * time.Second)
	outage := g.clock.Now()
	cancel := g.sim.FailHTTP(simulator.HTTPFault{Status: 503})
	g.sim.DropAllSockets()
	g.step(time.Second)
	g.sim.SetQueueWaiting(g.queue, 0)
	g.sim.SetAgentPresence(g.user, "ON_QUEUE")
	g.step(19 * time.Second)
	cancel()
	recovered := g.clock.Now()

	took, _ = g.until(10*time.Second, g.queueQuery(), true, func(r backend.DataResponse) bool { return value(r, "oWaiting") == 0.0 })
	t.Logf("oWaiting current %s after the outage ended", took)
	g.until(10*time.Second-g.clock.Now().Sub(recovered), g.presenceQuery(), false, func(r backend.DataResponse) bool {
		return value(r, "systemPresence") == "ON_QUEUE"
	})
	t.Logf("presence current %s after the outage ended", g.clock.Now().Sub(recovered))

	// The gap is still reported on a range that covers it.
	hist := fmt.Sprintf(`{"topic":"v2.analytics.queues.{id}.observations","ids":[%q],"fields":["oWaiting"]}`, g.queue)
	r = g.query(hist, outage.Add(-time.Minute), g.clock.Now(), false)
	if !strings.Contains(notices(r), "events may be missing between") {
		t.Errorf("the outage's gap is not on the range: %q", notices(r))
	}

	// The status resource counts the refills; nothing failed.
	st := g.d.status()
	if st.Refill == nil || st.Refill.Refilled < 4 || st.Refill.ObservationCalls < 2 || len(st.Refill.Failing) != 0 {
		t.Errorf("refill status %+v", st.Refill)
	}
	if n := g.sim.Count("rate_limited"); n != 0 {
		t.Errorf("%d rate-limited requests", n)
	}
}

// TestRefillAtScale: 1 000 queue topics and 2 000 user topics subscribed at once are
// refilled in one round of ceil(topics / batch) calls per family, within the
// simulator's rate limit (Genesys' default, 300 a minute); the same after an outage
// that puts a gap on every topic.
func TestRefillAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 7, 10, 0, 5, 0, time.UTC))
	sim := simulator.NewTestServer(t, simulator.Config{Clock: clock, ClientID: "c", ClientSecret: refillSecret,
		RateLimitPerMinute: 300, Queues: 1000, Agents: 2000})
	in := backend.DataSourceInstanceSettings{UID: "scale", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c","channelBudget":5}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": refillSecret}}
	d := newDatasource(context.Background(), in, buildParts, clock)
	if d.cfgErr != nil {
		t.Fatal(d.cfgErr)
	}
	defer d.Dispose()
	g := &refillRig{t: t, clock: clock, sim: sim, d: d, quantum: 20 * time.Millisecond}
	var topics []string
	for _, q := range sim.Population().Queues {
		topics = append(topics, "v2.analytics.queues."+q.ID+".observations")
	}
	for _, a := range sim.Population().Agents {
		topics = append(topics, "v2.users."+a.ID+".presence")
	}
	release := d.up.Acquire(topics...)
	defer release()

	settle := func(round int) {
		deadline := time.Now().Add(60 * time.Second)
		for {
			st := d.refill.Status()
			if st.Refilled+st.Superseded >= int64(round*len(topics)) && st.Pending == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: refill did not finish: %+v (session %s)", round, st.Stats, d.up.Status().Reason)
			}
			g.step(time.Second)
		}
	}
	calls := func() (obs, agg, users int64) {
		st := d.refill.Status()
		return st.ObservationCalls, st.AggregateCalls, st.UserCalls
	}
	settle(1)
	obs, agg, users := calls()
	t.Logf("first round: %d observation, %d aggregate, %d user calls", obs, agg, users)
	if obs > 10 || agg > 10 || users > 20 {
		t.Errorf("first round: %d/%d/%d calls, want at most 10/10/20 (ceil(topics / 100))", obs, agg, users)
	}

	g.step(40 * time.Second) // past the per-topic interval
	cancel := sim.FailHTTP(simulator.HTTPFault{Status: 503})
	sim.DropAllSockets()
	g.step(20 * time.Second)
	cancel()
	settle(2)
	obs2, agg2, users2 := calls()
	t.Logf("after the outage: %d observation, %d aggregate, %d user calls", obs2-obs, agg2-agg, users2-users)
	if obs2-obs > 10 || agg2-agg > 10 || users2-users > 20 {
		t.Errorf("after the outage: %d/%d/%d calls, want at most 10/10/20", obs2-obs, agg2-agg, users2-users)
	}
	if n := sim.Count("rate_limited"); n != 0 {
		t.Errorf("%d requests rate-limited by the simulator", n)
	}
	if st := d.refill.Status(); st.Failed != 0 {
		t.Errorf("%d topic refills failed: %+v", st.Failed, st.Failing)
	}
}

// TestRefillFailureIsShownAndRetried: without the permission for queue observations
// the stream still runs, the topic's frames say why the current value is missing, the
// status resource lists the failure (with no secret in it), and once the permission is
// granted the retry fills the value in.
func TestRefillFailureIsShownAndRetried(t *testing.T) {
	g := newRefillRig(t)
	cancel := g.sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/analytics/queues/observations", Status: 403})
	r := g.query(g.queueQuery(), g.clock.Now().Add(-5*time.Minute), g.clock.Now(), true)
	if !strings.Contains(notices(r), "current value not refilled") || !strings.Contains(notices(r), "403") {
		t.Fatalf("no notice naming the refill's failure: %q", notices(r))
	}
	st := g.d.status()
	if st.Refill == nil || len(st.Refill.Failing) != 1 || !strings.Contains(st.Refill.Failing[0].Error, "403") {
		t.Fatalf("status: %+v", st.Refill)
	}
	b, _ := json.Marshal(st)
	if strings.Contains(string(b), refillSecret) {
		t.Fatal("the secret is in the status")
	}
	if !st.Connected() {
		t.Errorf("a failed refill must not hold up the stream: %s", st.State)
	}
	cancel() // permission granted
	took, _ := g.until(6*time.Minute, g.queueQuery(), true, func(r backend.DataResponse) bool {
		return value(r, "oWaiting") == 9.0 && !strings.Contains(notices(r), "not refilled")
	})
	t.Logf("refilled %s after the permission was granted", took)
	if n := g.sim.Count("observations_query"); n > 12 {
		t.Errorf("%d observation queries: the retries must back off", n)
	}
}

// TestUnusedDataSourceWithWrongSecretGoesQuiet: Grafana never tells the plugin that a
// data source was deleted, so an instance nobody queries must not call Genesys for
// ever: with a wrong secret and no query, the session signs in once, the name
// directory backs off and pauses after 15 idle minutes; two hours cost a handful of
// token requests, and nothing after the first half hour.
func TestUnusedDataSourceWithWrongSecretGoesQuiet(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 7, 10, 0, 5, 0, time.UTC))
	sim := simulator.NewTestServer(t, simulator.Config{Clock: clock, ClientID: "c", ClientSecret: refillSecret})
	in := backend.DataSourceInstanceSettings{UID: "unused", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "a-wrong-secret"}}
	d := newDatasource(context.Background(), in, buildParts, clock)
	defer d.Dispose()
	g := &refillRig{t: t, clock: clock, sim: sim, d: d, quantum: 5 * time.Second}
	g.step(30 * time.Minute)
	early := sim.Count("token_denied")
	g.step(90 * time.Minute)
	late := sim.Count("token_denied") - early
	t.Logf("token requests refused: %d in the first 30 min, %d in the 90 min after", early, late)
	if early > 12 || late > 0 {
		t.Errorf("an unused data source kept calling: %d then %d refused token requests", early, late)
	}
	if st := d.up.Status(); st.Connected() {
		t.Errorf("status %s with a wrong secret", st.State)
	}
}

// TestLatestStreamSendsTheWholeState: each packet of a "latest" stream is the topic's
// whole current state, so a stat panel that replaces its frame with each packet keeps
// oWaiting when the next notification carries only the interval totals.
func TestLatestStreamSendsTheWholeState(t *testing.T) {
	g := newRefillRig(t)
	topic := "v2.analytics.queues." + g.queue + ".observations"
	q, err := ParseQuery([]byte(g.queueQuery()))
	if err != nil {
		t.Fatal(err)
	}
	q.Fields = nil // all columns
	out := newRecordSender()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = g.d.runStream(ctx, q, out) }()
	g.until(10*time.Second, g.queueQuery(), false, func(r backend.DataResponse) bool { return value(r, "oWaiting") == 9.0 })
	interval := "2026-12-07T10:00:00Z/2026-12-07T10:30:00Z"
	g.sim.Publish(topic, map[string]any{"group": map[string]string{"queueId": g.queue, "mediaType": "voice"},
		"data": []any{map[string]any{"interval": interval, "metrics": []any{map[string]any{"metric": "nOffered", "stats": map[string]int{"count": 42}}}}}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.step(100 * time.Millisecond)
		out.mu.Lock()
		var last, schema string // the last packet, and the last one with the schema
		for _, p := range out.packets {
			last = p
			if strings.Contains(p, `"schema"`) {
				schema = p
			}
		}
		out.mu.Unlock()
		if strings.Contains(last, "[42]") {
			var pkt, sch struct {
				Schema struct{ Fields []struct{ Name string } }
				Data   struct{ Values [][]any }
			}
			if json.Unmarshal([]byte(last), &pkt) != nil || json.Unmarshal([]byte(schema), &sch) != nil {
				t.Fatalf("packets %s / %s", last, schema)
			}
			for i, f := range sch.Schema.Fields {
				if f.Name == "oWaiting" && i < len(pkt.Data.Values) && len(pkt.Data.Values[i]) == 1 && pkt.Data.Values[i][0] == 9.0 {
					return
				}
			}
			t.Fatalf("the packet after an interval-totals notification lost oWaiting = 9: %s", last)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no packet with the new totals; packets %v", out.packets)
		}
	}
}
