package refill

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/internal/logcapture"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
)

// fakeAPI answers like the service from a table of current values.
type fakeAPI struct {
	mu       sync.Mutex
	waiting  map[string]float64 // oWaiting by queue id
	presence map[string]string  // REST system presence by user id
	fail     error              // every call fails with it while set
	calls    map[string][]int   // family → ids per call
	during   func()             // runs inside each call (a notification racing the answer)
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{waiting: map[string]float64{}, presence: map[string]string{}, calls: map[string][]int{}}
}

func (f *fakeAPI) record(family string, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[family] = append(f.calls[family], n)
	if f.during != nil {
		f.during()
	}
	return f.fail
}

func (f *fakeAPI) count(family string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls[family])
}

func (f *fakeAPI) Observations(_ context.Context, ids, metrics []string) ([]genesys.ObservationResult, error) {
	if err := f.record("observations", len(ids)); err != nil {
		return nil, err
	}
	if len(ids) > genesys.MaxPredicates {
		return nil, fmt.Errorf("%d predicates", len(ids))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []genesys.ObservationResult
	for _, id := range ids {
		if w, ok := f.waiting[id]; ok {
			out = append(out, genesys.ObservationResult{Group: map[string]string{"queueId": id, "mediaType": "voice"},
				Data: []genesys.MetricValue{{Metric: "oWaiting", Stats: map[string]float64{"count": w}}}})
		}
	}
	return out, nil
}

func (f *fakeAPI) Aggregates(_ context.Context, interval string, ids, metrics []string) ([]genesys.AggregateResult, error) {
	if err := f.record("aggregates", len(ids)); err != nil {
		return nil, err
	}
	return []genesys.AggregateResult{{Group: map[string]string{"queueId": ids[0], "mediaType": "voice"},
		Data: []genesys.AggregateData{{Interval: interval, Metrics: []genesys.MetricValue{{Metric: "nOffered", Stats: map[string]float64{"count": 4}}}}}}}, nil
}

func (f *fakeAPI) Users(_ context.Context, ids []string) ([]genesys.UserState, error) {
	if err := f.record("users", len(ids)); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []genesys.UserState
	for _, id := range ids {
		if p, ok := f.presence[id]; ok {
			out = append(out, genesys.UserState{ID: id,
				Presence:      &genesys.UserPresence{PresenceDefinition: genesys.PresenceDefinition{ID: "pd-" + p, SystemPresence: p}, ModifiedDate: "2026-12-01T00:00:00Z"},
				RoutingStatus: &genesys.RoutingStatus{UserID: id, Status: "IDLE", StartTime: "2026-12-01T00:00:00Z"}})
		}
	}
	return out, nil
}

type rig struct {
	t     *testing.T
	clock *clockwork.FakeClock
	api   *fakeAPI
	hub   *hub.Hub
	r     *Refiller
	tap   Tap
}

func newRig(t *testing.T) *rig {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	api := newFakeAPI()
	h := hub.New(hub.Config{Clock: clock})
	r, err := New(Config{Fetch: api, Store: h, Clock: clock, Rand: rand.New(rand.NewSource(1)), Logger: logcapture.New()})
	if err != nil {
		t.Fatal(err)
	}
	r.Start()
	t.Cleanup(r.Close)
	return &rig{t: t, clock: clock, api: api, hub: h, r: r, tap: Tap{Next: h, R: r}}
}

// advance moves the clock once the loop waits on it, then waits for the loop again.
func (g *rig) advance(d time.Duration) {
	g.t.Helper()
	g.idle()
	g.clock.Advance(d)
	g.idle()
}

// idle waits until the loop waits on its timer or a request, with no round running.
func (g *rig) idle() {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		g.r.mu.Lock()
		busy := false
		for _, st := range g.r.topics {
			settling := !g.r.roundAt.IsZero() && g.clock.Now().Before(g.r.roundAt)
			if st.inFlight || (st.want && st.active && !st.due.After(g.clock.Now()) && !settling) {
				busy = true
			}
		}
		g.r.mu.Unlock()
		if !busy && len(g.r.wake) == 0 {
			if g.clock.BlockUntilContext(ctx, 1) == nil {
				return
			}
		}
		if ctx.Err() != nil {
			g.t.Fatal("the refill loop never went idle")
		}
		time.Sleep(time.Millisecond)
	}
}

func (g *rig) subscribe(topics ...string) {
	for _, tp := range topics {
		g.tap.TopicStatus(event.TopicStatus{Topic: tp, State: event.StatePermitted})
	}
}

func (g *rig) last(topic string) (event.Event, map[string]any) {
	g.t.Helper()
	e, ok := g.hub.Last(topic)
	if !ok {
		g.t.Fatalf("%s: nothing in the hub", topic)
	}
	var b map[string]any
	if err := json.Unmarshal(e.Body, &b); err != nil {
		g.t.Fatalf("%s: body %s: %v", topic, e.Body, err)
	}
	return e, b
}

func queueTopic(id string) string { return "v2.analytics.queues." + id + ".observations" }

func TestSubscriptionRefillsQueueAndUser(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 9
	g.api.presence["u1"] = "On Queue"
	g.subscribe(queueTopic("q1"), "v2.users.u1?presence&routingStatus", "v2.routing.queues.q1.conversations")
	g.advance(DefaultSettle)
	e, b := g.last(queueTopic("q1"))
	if !e.Refilled || !strings.Contains(string(e.Body), `"oWaiting"`) && !strings.Contains(string(e.Body), `"nOffered"`) {
		t.Fatalf("queue refill %+v", e)
	}
	evs := g.hub.History(queueTopic("q1"), time.Time{}, time.Time{})
	if len(evs) != 2 || !strings.Contains(string(evs[0].Body), `"metric":"oWaiting","stats":{"count":9}`) {
		t.Fatalf("want the observation and the interval totals, got %d events: %v", len(evs), evs)
	}
	if !strings.Contains(string(evs[1].Body), `"tAbandon","stats":{"count":0,"sum":0}`) {
		t.Errorf("totals the answer left out must be zero, not absent: %s", evs[1].Body)
	}
	_ = b
	_, p := g.last("v2.users.u1.presence")
	if got := p["presenceDefinition"].(map[string]any)["systemPresence"]; got != "ON_QUEUE" {
		t.Errorf("presence %v, want the notifications' spelling ON_QUEUE", got)
	}
	_, rs := g.last("v2.users.u1.routingStatus")
	if rs["routingStatus"].(map[string]any)["status"] != "IDLE" || rs["id"] != "u1" {
		t.Errorf("routing status body %v", rs)
	}
	if _, ok := g.hub.Last("v2.routing.queues.q1.conversations"); ok {
		t.Error("conversations have no current state to refill")
	}
	st, _ := g.r.State(queueTopic("q1"))
	if st.RefilledAt.IsZero() || st.Error != "" || st.Pending {
		t.Errorf("state %+v", st)
	}
	if n := g.api.count("users"); n != 1 {
		t.Errorf("%d user lookups for one user's two topics, want 1", n)
	}
}

func TestGapRefillsAtMostEveryMinInterval(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 9
	g.subscribe(queueTopic("q1"))
	g.advance(DefaultSettle)
	g.api.mu.Lock()
	g.api.waiting["q1"] = 0 // changed while the socket was down
	g.api.mu.Unlock()
	g.advance(4 * time.Second)
	g.tap.Gap(event.Gap{Topic: queueTopic("q1"), Start: g.clock.Now().Add(-3 * time.Second), End: g.clock.Now()})
	g.advance(DefaultSettle)
	if n := g.api.count("observations"); n != 1 {
		t.Fatalf("%d observation calls 5 s after the first refill: at most one per %s", n, DefaultMinInterval)
	}
	g.advance(DefaultMinInterval)
	if n := g.api.count("observations"); n != 2 {
		t.Fatalf("%d observation calls, want the gap's refill once the interval passed", n)
	}
	e, _ := g.last(queueTopic("q1"))
	if !strings.Contains(string(g.hub.History(queueTopic("q1"), e.Received, time.Time{})[0].Body), `"count":0`) {
		t.Errorf("after the gap the current value is 0: %s", e.Body)
	}
}

func TestBatchesPerFamily(t *testing.T) {
	g := newRig(t)
	var topics []string
	for i := 0; i < 250; i++ {
		id := fmt.Sprintf("q%03d", i)
		g.api.waiting[id] = float64(i % 7)
		topics = append(topics, queueTopic(id))
	}
	for i := 0; i < 150; i++ {
		id := fmt.Sprintf("u%03d", i)
		g.api.presence[id] = "Available"
		topics = append(topics, "v2.users."+id+".presence", "v2.users."+id+".routingStatus", "v2.users."+id+".activity")
	}
	g.subscribe(topics...)
	g.advance(DefaultSettle)
	for fam, want := range map[string]int{"observations": 3, "aggregates": 3, "users": 2} {
		if n := g.api.count(fam); n != want {
			t.Errorf("%s: %d calls, want %d (ceil(entities / batch))", fam, n, want)
		}
	}
	for _, tp := range topics {
		if _, ok := g.hub.Last(tp); !ok {
			t.Fatalf("%s not refilled", tp)
		}
	}
	if st := g.r.Status(); st.Refilled != int64(len(topics)) || st.Pending != 0 {
		t.Errorf("status %+v", st.Stats)
	}
}

func TestFailureIsReportedAndRetried(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 9
	g.api.fail = &genesys.APIError{Status: 403, Message: "Missing permission analytics:queueObservation:view"}
	g.subscribe(queueTopic("q1"))
	g.advance(DefaultSettle)
	st, _ := g.r.State(queueTopic("q1"))
	if !strings.Contains(st.Error, "analytics:queueObservation:view") || !st.Pending {
		t.Fatalf("state after a 403: %+v", st)
	}
	if fs := g.r.Status().Failing; len(fs) != 1 || fs[0].Topic != queueTopic("q1") {
		t.Errorf("status lists %+v", fs)
	}
	g.advance(DefaultBackoffBase / 4) // backoff is at least half of the base
	if n := g.api.count("observations"); n != 1 {
		t.Fatalf("retried after %s: %d calls", DefaultBackoffBase/4, n)
	}
	g.api.mu.Lock()
	g.api.fail = nil
	g.api.mu.Unlock()
	g.advance(DefaultMinInterval)
	st, _ = g.r.State(queueTopic("q1"))
	if st.Error != "" || st.RefilledAt.IsZero() {
		t.Fatalf("state after the retry: %+v", st)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 1
	g.api.fail = &genesys.APIError{Status: 429, RetryAfter: 2 * time.Minute}
	g.subscribe(queueTopic("q1"))
	g.advance(DefaultSettle)
	g.api.mu.Lock()
	g.api.fail = nil
	g.api.mu.Unlock()
	g.advance(110 * time.Second)
	if n := g.api.count("observations"); n != 1 {
		t.Fatalf("%d calls before Retry-After passed", n)
	}
	g.advance(15 * time.Second)
	if n := g.api.count("observations"); n != 2 {
		t.Fatalf("%d calls after Retry-After, want the retry", n)
	}
}

func TestNewerNotificationWins(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 9
	notified := `{"group":{"queueId":"q1"},"data":[{"metrics":[{"metric":"oWaiting","stats":{"count":3}}]}]}`
	g.api.during = func() { // a notification arrives while the request is out
		g.hub.Event(event.Event{Topic: queueTopic("q1"), Body: json.RawMessage(notified), Received: g.clock.Now().Add(time.Millisecond)})
		g.api.during = nil
	}
	g.subscribe(queueTopic("q1"))
	g.advance(DefaultSettle)
	e, _ := g.last(queueTopic("q1"))
	if e.Refilled || string(e.Body) != notified {
		t.Fatalf("the refill replaced a newer notification: %s", e.Body)
	}
	if st := g.r.Status(); st.Superseded != 1 {
		t.Errorf("superseded %d", st.Superseded)
	}
}

func TestAwaitReturnsOnceRefilled(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 9
	done := make(chan struct{})
	go func() {
		g.r.Await(context.Background(), []string{queueTopic("q1"), "v2.routing.queues.q1.conversations"})
		close(done)
	}()
	g.subscribe(queueTopic("q1"))
	select {
	case <-done:
		t.Fatal("Await returned before the refill")
	case <-time.After(20 * time.Millisecond):
	}
	g.advance(DefaultSettle)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Await did not return after the refill")
	}
}

func TestRejectedTopicIsNotRefilled(t *testing.T) {
	g := newRig(t)
	g.api.waiting["q1"] = 9
	g.tap.TopicStatus(event.TopicStatus{Topic: queueTopic("q1"), State: event.StateRejected})
	g.tap.Gap(event.Gap{Topic: queueTopic("q1"), Start: g.clock.Now(), End: g.clock.Now()})
	g.advance(time.Minute)
	if n := g.api.count("observations"); n != 0 {
		t.Fatalf("%d calls for a rejected topic", n)
	}
}

func TestTargets(t *testing.T) {
	for topic, want := range map[string]string{
		"v2.analytics.queues.Q1.observations":        "v2.analytics.queues.Q1.observations/1/Q1",
		"V2.ANALYTICS.QUEUES.q1.OBSERVATIONS":        "V2.ANALYTICS.QUEUES.q1.OBSERVATIONS/1/q1",
		"v2.users.u1.presence":                       "v2.users.u1.presence/2/u1",
		"v2.users.u1.routingStatus":                  "v2.users.u1.routingStatus/3/u1",
		"v2.users.u1.activity":                       "v2.users.u1.activity/4/u1",
		"v2.users.u1?presence&conversations":         "v2.users.u1.presence/2/u1",
		"v2.users.u1.conversations":                  "",
		"v2.routing.queues.q1.users":                 "",
		"v2.detail.events.conversation.q1.acd.start": "",
		"v2.analytics.queues..observations":          "",
		"v2.users.?presence":                         "",
	} {
		var got []string
		for _, tg := range targets(topic) {
			got = append(got, fmt.Sprintf("%s/%d/%s", tg.topic, tg.kind, tg.id))
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s: %v, want %q", topic, got, want)
		}
	}
}

// TestBurstOfRequestsIsOneRound: a reconnect re-subscribes its channels one after
// another; requests that keep coming less than Settle apart wait for each other (up
// to MaxSettle) and share one call per family.
func TestBurstOfRequestsIsOneRound(t *testing.T) {
	g := newRig(t)
	for i := 0; i < 4; i++ {
		id := fmt.Sprintf("q%d", i)
		g.api.waiting[id] = 1
		g.subscribe(queueTopic(id))
		g.advance(800 * time.Millisecond)
		if n := g.api.count("observations"); n != 0 {
			t.Fatalf("a round ran %d ms into a burst", (i+1)*800)
		}
	}
	g.advance(DefaultSettle)
	if n := g.api.count("observations"); n != 1 {
		t.Fatalf("%d observation calls for one burst, want 1", n)
	}
	// A stream of requests that never pauses is served after MaxSettle.
	for i := 0; i < 8; i++ {
		id := fmt.Sprintf("r%d", i)
		g.api.waiting[id] = 1
		g.subscribe(queueTopic(id))
		g.advance(900 * time.Millisecond)
	}
	if n := g.api.count("observations"); n < 2 {
		t.Fatalf("requests that never pause were not served within %s", DefaultMaxSettle)
	}
}
