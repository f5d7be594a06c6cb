package provisioning

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

const presencePanelTitle = "Agents by presence"

// presencePanel is the live dashboard's "Agents by presence" panel: its one query and the
// fields its groupBy transformation groups by and counts.
type presencePanel struct {
	query            pluginQuery
	groupBy, counted string
}

func readPresencePanel(t *testing.T) presencePanel {
	t.Helper()
	var d struct {
		Panels []struct {
			Title           string `json:"title"`
			Targets         []any  `json:"targets"`
			Transformations []struct {
				ID      string `json:"id"`
				Options struct {
					Fields map[string]struct {
						Operation    string   `json:"operation"`
						Aggregations []string `json:"aggregations"`
					} `json:"fields"`
				} `json:"options"`
			} `json:"transformations"`
		} `json:"panels"`
	}
	readJSON(t, filepath.Join(provDir, "dashboards", "contact-centre-live.json"), &d)
	for _, p := range d.Panels {
		if p.Title != presencePanelTitle {
			continue
		}
		if len(p.Targets) != 1 {
			t.Fatalf("panel %q: %d queries, want 1", p.Title, len(p.Targets))
		}
		q, err := rawQuery(p.Targets[0])
		if err != nil {
			t.Fatalf("panel %q: %v", p.Title, err)
		}
		out := presencePanel{query: q}
		for _, tr := range p.Transformations {
			if tr.ID != "groupBy" {
				continue
			}
			for name, f := range tr.Options.Fields {
				switch {
				case f.Operation == "groupby":
					out.groupBy = name
				case f.Operation == "aggregate" && slices.Contains(f.Aggregations, "count"):
					out.counted = name
				}
			}
		}
		return out
	}
	t.Fatalf("the live dashboard has no panel titled %q (issue #12)", presencePanelTitle)
	return presencePanel{}
}

// TestPresencePanelChangesWithinMinutes (issue #12): the demo's simulator, with the
// compose file's flags and rate, makes the "Agents by presence" panel change within a few
// minutes. The simulator runs on a fake clock for 5 minutes; a socket subscribed to the
// panel's query for every agent (its $user variable at All) collects what the plugin
// would receive, and pkg/frames reduces it as the panel's "latest" query does, grouped
// and counted as the panel's transformation does.
func TestPresencePanelChangesWithinMinutes(t *testing.T) {
	p := readPresencePanel(t)
	q := p.query
	if q.Topic != "v2.users.{id}.presence" || q.Format != "latest" || !slices.Equal(q.IDs, []string{"$user"}) ||
		!slices.Equal(q.Fields, []string{"systemPresence"}) {
		t.Fatalf("panel query %+v: want topic v2.users.{id}.presence, format latest, ids [$user], fields [systemPresence]", q)
	}
	if p.groupBy != "systemPresence" || p.counted != "userId" {
		t.Fatalf("panel groups by %q and counts %q: want systemPresence and userId (the frame's field and label)", p.groupBy, p.counted)
	}

	flags := simulatorFlags(t)
	events := runDemo(t, flags, q.Topic, 5*time.Minute)

	// The panel at each 30 s mark: agents per presence, from each agent's last event.
	start := events.start
	var views []map[string]int
	changes, firstAway := 0, time.Duration(0)
	last := map[string]string{} // topic -> presence; every agent starts on queue
	for _, e := range events.list {
		pres := presenceOf(t, q, e.Topic, []event.Event{e}, "")
		if prev, ok := last[e.Topic]; (ok && prev != pres) || (!ok && pres != "ON_QUEUE") {
			changes++
			if firstAway == 0 {
				firstAway = e.Received.Sub(start)
			}
		}
		last[e.Topic] = pres
	}
	for mark := 30 * time.Second; mark <= 5*time.Minute; mark += 30 * time.Second {
		byTopic := map[string][]event.Event{}
		for _, e := range events.list {
			if !e.Received.After(start.Add(mark)) {
				byTopic[e.Topic] = append(byTopic[e.Topic], e)
			}
		}
		view := map[string]int{}
		for topic, evs := range byTopic {
			view[presenceOf(t, q, topic, evs, p.counted)]++
		}
		views = append(views, view)
	}
	distinct := 0
	for i, v := range views {
		if i == 0 || !maps.Equal(v, views[i-1]) {
			distinct++
		}
	}
	t.Logf("%s: %d presence events, %d changes, first after %s; panel every 30 s: %v", flags, len(events.list), changes, firstAway, views)
	// Seed 1 at 0.2/s gives 16 changes in 5 minutes, the first after 28 s, and 8 different
	// pictures (generator.TestPresenceChangesAtDemoRates sees 11-24 changes over seeds 1-20);
	// before the generator modelled absences there were none.
	if changes < 10 {
		t.Errorf("%d presence changes in 5 simulated minutes, want >= 10", changes)
	}
	if firstAway == 0 || firstAway > 2*time.Minute {
		t.Errorf("first presence change after %s, want within 2 minutes", firstAway)
	}
	if distinct < 5 {
		t.Errorf("the panel showed %d different pictures at 10 marks 30 s apart, want >= 5", distinct)
	}
	if len(views[len(views)-1]) < 2 {
		t.Errorf("after 5 minutes the panel shows only %v, want agents both on queue and away", views[len(views)-1])
	}
}

// presenceOf reduces events of one topic as the panel's latest query does and returns the
// last systemPresence; when label is set, the frame's field must carry that label (the
// panel's labelsToFields makes it the column it counts).
func presenceOf(t *testing.T, q pluginQuery, topic string, evs []event.Event, label string) string {
	t.Helper()
	f, err := frames.Latest(topic, evs, frames.Options{Fields: q.Fields})
	if err != nil {
		t.Fatalf("%s: %v", topic, err)
	}
	for _, fld := range f.Fields {
		if fld.Name != q.Fields[0] || fld.Len() == 0 {
			continue
		}
		if label != "" && fld.Labels[label] == "" {
			t.Fatalf("%s: field %s has labels %v, no %s for the panel to count", topic, fld.Name, fld.Labels, label)
		}
		v, ok := fld.ConcreteAt(fld.Len() - 1)
		if s, isStr := v.(string); ok && isStr {
			return s
		}
	}
	t.Fatalf("%s: the latest frame has no %s value", topic, q.Fields[0])
	return ""
}

// demoEvents are the events of one topic template a socket received, stamped with the
// fake clock's time when the simulator sent them.
type demoEvents struct {
	start time.Time
	list  []event.Event
}

// runDemo serves the simulator with f's organisation and rate on a fake clock, subscribes a
// socket to template for every agent and steps the generator through d, one tick at a time;
// before each tick the socket has received everything sent so far.
func runDemo(t *testing.T, f simFlags, template string, d time.Duration) demoEvents {
	t.Helper()
	fc := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	sim := simulator.New(simulator.Config{Seed: f.seed, Queues: f.queues, Agents: f.agents,
		ClientID: f.clientID, ClientSecret: f.clientSecret, Clock: fc})
	defer sim.Close()
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}

	token := simToken(t, client, srv.URL, f)
	authed := func(method, path, body string) *http.Request {
		r, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	var ch struct{ ID, ConnectURI string }
	getJSON(t, client, authed(http.MethodPost, "/api/v2/notifications/channels", ""), &ch)
	var topics []map[string]string
	for _, a := range sim.Population().Agents { // the $user variable at All
		topics = append(topics, map[string]string{"id": strings.Replace(template, "{id}", a.ID, 1)})
	}
	body, _ := json.Marshal(topics)
	var sub struct{ Entities []map[string]any }
	getJSON(t, client, authed(http.MethodPut, "/api/v2/notifications/channels/"+ch.ID+"/subscriptions", string(body)), &sub)
	if len(sub.Entities) != len(topics) {
		t.Fatalf("subscribed %d of %d topics", len(sub.Entities), len(topics))
	}

	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, _, err := dialer.Dial(ch.ConnectURI, nil)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	defer ws.Close()
	var (
		mu       sync.Mutex
		received int64
		out      = demoEvents{start: fc.Now()}
		readDone = make(chan struct{})
	)
	go func() { // ends when ws is closed
		defer close(readDone)
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var env struct {
				TopicName string          `json:"topicName"`
				EventBody json.RawMessage `json:"eventBody"`
			}
			_ = json.Unmarshal(msg, &env)
			mu.Lock()
			received++
			if !strings.HasPrefix(env.TopicName, "channel.metadata") {
				out.list = append(out.list, event.Event{Topic: env.TopicName, Body: env.EventBody, Received: fc.Now()})
			}
			mu.Unlock()
		}
	}()
	defer func() { _ = ws.Close(); <-readDone }()
	// waitUntil is a safety net for goroutines reacting in real time, not a time limit on
	// the model: the model's time is the fake clock's.
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	waitUntil("the socket to register", func() bool { return len(sim.Channels()) == 1 && sim.Channels()[0].Connected })

	const tick = 250 * time.Millisecond // the generator's default tick, as cmd/simulator runs it
	sim.StartGenerator(t.Context(), simulator.GeneratorConfig{Rate: f.rate, Tick: tick})
	for step := time.Duration(0); step < d; step += tick {
		steps := sim.GeneratorSteps()
		fc.Advance(tick)
		waitUntil("the generator's step", func() bool { return sim.GeneratorSteps() > steps })
		ci := sim.Channels()[0]
		if ci.Dropped > 0 {
			t.Fatalf("the socket's queue dropped %d messages", ci.Dropped)
		}
		waitUntil(fmt.Sprintf("the socket to deliver %d messages", ci.Queued), func() bool {
			mu.Lock()
			defer mu.Unlock()
			return received >= ci.Queued
		})
	}
	mu.Lock()
	defer mu.Unlock()
	return demoEvents{start: out.start, list: slices.Clone(out.list)}
}
