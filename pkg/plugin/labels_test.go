package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
)

// fakeNames knows the names in its maps; loaded is its first-pass signal.
type fakeNames struct {
	mu     sync.Mutex
	queues map[string]string
	users  map[string]string
	loaded chan struct{}
}

func newFakeNames() *fakeNames {
	return &fakeNames{queues: map[string]string{}, users: map[string]string{}, loaded: make(chan struct{})}
}

func (n *fakeNames) Entities(string, string) ([]genesys.Entity, time.Time) { return nil, time.Time{} }

func (n *fakeNames) QueueName(id string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.queues[id]
	return v, ok
}

func (n *fakeNames) UserName(id string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.users[id]
	return v, ok
}

func (n *fakeNames) Loaded() <-chan struct{} { return n.loaded }

func (n *fakeNames) nameQueue(id, name string) {
	n.mu.Lock()
	n.queues[id] = name
	n.mu.Unlock()
}

func observationEvent(queue string, waiting float64, at time.Time) event.Event {
	body := fmt.Sprintf(`{"group":{"queueId":%q,"mediaType":"voice"},"data":[{"interval":"2026-01-01T00:00:00Z/2026-01-01T00:01:00Z","metrics":[{"metric":"oWaiting","stats":{"count":%g}},{"metric":"oInteracting","stats":{"count":1}}]}]}`, queue, waiting)
	return event.Event{Topic: "v2.analytics.queues." + queue + ".observations", Body: json.RawMessage(body), Received: at}
}

// valueLabels returns the labels of every value field (all but time), failing when a
// value field has none.
func valueLabels(t *testing.T, f *data.Frame) []data.Labels {
	t.Helper()
	var out []data.Labels
	for _, fl := range f.Fields[1:] {
		if fl.Labels == nil {
			t.Fatalf("field %s has no labels", fl.Name)
		}
		out = append(out, fl.Labels)
	}
	return out
}

func TestFramesCarryNamesOrFallBackToIDs(t *testing.T) {
	names := newFakeNames()
	names.nameQueue("q1", "Support")
	names.users["u1"] = "Ann Agent"
	fr := newFramer(names)
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name, topic string
		events      []event.Event
		want        data.Labels
	}{
		{"known queue", "v2.analytics.queues.q1.observations", []event.Event{observationEvent("q1", 3, at)},
			data.Labels{"queueId": "q1", "queueName": "Support", "mediaType": "voice"}},
		{"unknown queue falls back to the id", "v2.analytics.queues.q9.observations", []event.Event{observationEvent("q9", 3, at)},
			data.Labels{"queueId": "q9", "queueName": "q9", "mediaType": "voice"}},
		{"known user", "v2.users.u1.presence", []event.Event{{Topic: "v2.users.u1.presence", Received: at,
			Body: json.RawMessage(`{"presenceDefinition":{"systemPresence":"Available"}}`)}},
			data.Labels{"userId": "u1", "userName": "Ann Agent"}},
		{"conversation ids are not named", "v2.detail.events.conversation.c1.acw", []event.Event{{Topic: "v2.detail.events.conversation.c1.acw", Received: at,
			Body: json.RawMessage(`{"eventTime":1767268800000,"queueId":"q1"}`)}},
			data.Labels{"conversationId": "c1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := fr.Build(c.topic, c.events, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range valueLabels(t, f) {
				if !l.Equals(c.want) {
					t.Errorf("labels %v, want %v", l, c.want)
				}
			}
			latest, err := fr.Latest(c.topic, c.events, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range valueLabels(t, latest) {
				if !l.Equals(c.want) {
					t.Errorf("latest labels %v, want %v", l, c.want)
				}
			}
		})
	}
}

func TestFramesWithoutNamerKeepIDsOnly(t *testing.T) {
	f, err := newFramer(nil).Build("v2.analytics.queues.q1.observations", []event.Event{observationEvent("q1", 3, time.Now())}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range valueLabels(t, f) {
		if _, ok := l["queueName"]; ok {
			t.Fatalf("queueName without a namer: %v", l)
		}
	}
}

type bytesSender struct{ packets []string }

func (s *bytesSender) SendBytes(b []byte) error {
	s.packets = append(s.packets, string(b))
	return nil
}

// A name learnt mid-stream reaches the viewer: the packet after it carries the full
// schema with the name label, and the packets after that are data-only again.
func TestStreamPicksUpANameLearntMidStream(t *testing.T) {
	names := newFakeNames()
	fr := newFramer(names)
	out := &bytesSender{}
	b := livestream.NewBatcher(func(topic string) livestream.Streamer { return fr.Streamer(topic, nil) }, out)
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	flush := func(v float64) string {
		t.Helper()
		b.Add(observationEvent("q1", v, at))
		if err := b.Flush(0); err != nil {
			t.Fatal(err)
		}
		return out.packets[len(out.packets)-1]
	}
	if p := flush(1); !hasSchema(p) || !strings.Contains(p, `"queueName":"q1"`) {
		t.Fatalf("first packet should carry the schema with the id fallback: %s", p)
	}
	if p := flush(2); hasSchema(p) {
		t.Fatalf("unchanged labels resent the schema: %s", p)
	}
	names.nameQueue("q1", "Support")
	if p := flush(3); !hasSchema(p) || !strings.Contains(p, `"queueName":"Support"`) {
		t.Fatalf("the packet after the name was learnt should carry the new schema: %s", p)
	}
	if p := flush(4); hasSchema(p) {
		t.Fatalf("the schema was resent after the name settled: %s", p)
	}
}

// namedDS is a configured instance on fakes with the real framer and names.
func namedDS(clock clockwork.Clock, names *fakeNames) (*Datasource, *fakeHub) {
	up, hub := newFakeUp(), newFakeHub()
	build := func(context.Context, string, Settings, clockwork.Clock) (parts, error) {
		return parts{up: up, hub: hub, frames: newFramer(names), catalog: fakeCatalog{}, names: names}, nil
	}
	in := backend.DataSourceInstanceSettings{UID: "ds1", JSONData: []byte(`{"clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "top-secret-value"}}
	return newDatasource(context.Background(), in, build, clock), hub
}

// An alert query waits (bounded) for the first pass of names, so its first evaluation
// already has the labels of the later ones; the answer carries the name and no secret.
func TestAlertQueryWaitsForNamesAndCarriesThem(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	names := newFakeNames()
	d, hub := namedDS(clock, names)
	defer d.Dispose()
	hub.mu.Lock()
	e := observationEvent("q1", 3, clock.Now().Add(-time.Minute))
	hub.events[e.Topic] = append(hub.events[e.Topic], e)
	hub.mu.Unlock()

	done := make(chan backend.DataResponse, 1)
	go func() {
		done <- runQuery(t, d, `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1"],"format":"latest"}`, clock.Now().Add(-time.Hour), clock.Now(), true)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 1); err != nil { // the bounded wait
		t.Fatal(err)
	}
	select {
	case <-done:
		t.Fatal("the alert query answered before the names were loaded or the wait ran out")
	default:
	}
	names.nameQueue("q1", "Support")
	close(names.loaded)
	r := <-done
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	js, err := json.Marshal(r.Frames)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"queueName":"Support"`) {
		t.Errorf("alert answer lacks the queue name: %s", js)
	}
	if strings.Contains(string(js), "top-secret-value") {
		t.Error("the client secret is in the alert answer")
	}
}

func TestAlertQueryWaitIsBounded(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, _ := namedDS(clock, newFakeNames()) // never loaded
	defer d.Dispose()
	done := make(chan backend.DataResponse, 1)
	go func() {
		done <- runQuery(t, d, `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1"],"format":"latest"}`, clock.Now().Add(-time.Hour), clock.Now(), true)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(alertNameWait)
	select {
	case r := <-done:
		if r.Error != nil {
			t.Fatal(r.Error)
		}
	case <-ctx.Done():
		t.Fatal("the alert query kept waiting past alertNameWait")
	}
}

func TestDashboardQueryDoesNotWaitForNames(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, _ := namedDS(clock, newFakeNames()) // never loaded, clock never advanced
	defer d.Dispose()
	r := runQuery(t, d, `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1"]}`, clock.Now().Add(-time.Hour), clock.Now(), false)
	if r.Error != nil {
		t.Fatal(r.Error)
	}
}
