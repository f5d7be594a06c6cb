package plugin

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// fakeUp counts acquired topics.
type fakeUp struct {
	mu       sync.Mutex
	refs     map[string]int
	checkErr error
	closed   bool
	state    *session.Status // nil: connected
}

func newFakeUp() *fakeUp { return &fakeUp{refs: map[string]int{}} }

func (f *fakeUp) Acquire(topics ...string) func() {
	f.mu.Lock()
	for _, t := range topics {
		f.refs[t]++
	}
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			for _, t := range topics {
				if f.refs[t]--; f.refs[t] == 0 {
					delete(f.refs, t)
				}
			}
			f.mu.Unlock()
		})
	}
}

func (f *fakeUp) held() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for t := range f.refs {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (f *fakeUp) Status() session.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != nil {
		return *f.state
	}
	return session.Status{State: session.StateConnected, Channels: []session.ChannelStatus{{ID: "ch"}}}
}
func (f *fakeUp) State() (string, string) {
	st := f.Status()
	return st.State, st.Reason
}
func (f *fakeUp) Check(context.Context) error { return f.checkErr }
func (f *fakeUp) Close()                      { f.mu.Lock(); f.closed = true; f.mu.Unlock() }

// fakeHub keeps events per topic and one live feed.
type fakeHub struct {
	mu     sync.Mutex
	events map[string][]event.Event
	gaps   map[string][]event.Gap
	status map[string]event.TopicStatus
	reject map[string]hub.Rejections
	feeds  []*fakeFeed
}

func newFakeHub() *fakeHub {
	return &fakeHub{events: map[string][]event.Event{}, gaps: map[string][]event.Gap{}, status: map[string]event.TopicStatus{}}
}

func (h *fakeHub) add(topic string, at time.Time, v float64) {
	body, _ := json.Marshal(map[string]float64{"v": v})
	h.mu.Lock()
	h.events[topic] = append(h.events[topic], event.Event{Topic: topic, Body: body, Received: at})
	h.mu.Unlock()
}

func (h *fakeHub) History(topic string, from, to time.Time) []event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []event.Event
	for _, e := range h.events[topic] {
		if !e.Received.Before(from) && !e.Received.After(to) {
			out = append(out, e)
		}
	}
	return out
}

func (h *fakeHub) LastBefore(topic string, t time.Time) (event.Event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	evs := h.events[topic]
	for i := len(evs) - 1; i >= 0; i-- {
		if !evs[i].Received.After(t) {
			return evs[i], true
		}
	}
	return event.Event{}, false
}

func (h *fakeHub) Gaps(topic string, _, _ time.Time) []event.Gap {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gaps[topic]
}

func (h *fakeHub) TopicStatus(topic string) (event.TopicStatus, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.status[topic]
	return st, ok
}

func (h *fakeHub) Rejections(topic string) hub.Rejections {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reject[topic]
}

func (h *fakeHub) Subscribe(_ []string, buffer int) feed {
	f := &fakeFeed{c: make(chan event.Event, buffer)}
	h.mu.Lock()
	h.feeds = append(h.feeds, f)
	h.mu.Unlock()
	return f
}

type fakeFeed struct {
	c       chan event.Event
	mu      sync.Mutex
	dropped uint64
}

func (f *fakeFeed) C() <-chan event.Event { return f.c }
func (f *fakeFeed) Dropped() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropped
}
func (f *fakeFeed) Close() {}

// fakeFrames makes a time + v frame; schema changes when a body has a field "w".
type fakeFrames struct{}

func valueOf(e event.Event) (float64, bool) {
	var m map[string]float64
	_ = json.Unmarshal(e.Body, &m)
	_, extra := m["w"]
	return m["v"], extra
}

func (fakeFrames) Build(topic string, evs []event.Event, _ []string) (*data.Frame, error) {
	ts := []time.Time{}
	vs := []*float64{}
	for _, e := range evs {
		v, _ := valueOf(e)
		ts = append(ts, e.Received)
		vs = append(vs, &v)
	}
	return data.NewFrame(topic, data.NewField("time", nil, ts), data.NewField("v", nil, vs)), nil
}

func (f fakeFrames) Latest(topic string, evs []event.Event, fields []string) (*data.Frame, error) {
	if len(evs) > 1 {
		evs = evs[len(evs)-1:]
	}
	return f.Build(topic, evs, fields)
}

func (fakeFrames) Streamer(topic string, _ []string) streamer { return &fakeStreamer{topic: topic} }

type fakeStreamer struct {
	topic string
	wide  bool
	seen  bool
}

func (s *fakeStreamer) Frame(evs []event.Event) (*data.Frame, bool) {
	changed := !s.seen
	s.seen = true
	ts := []time.Time{}
	vs := []*float64{} // nullable, as pkg/frames' value fields are
	for _, e := range evs {
		v, extra := valueOf(e)
		if extra && !s.wide {
			s.wide, changed = true, true
		}
		ts = append(ts, e.Received)
		vs = append(vs, &v)
	}
	f := data.NewFrame(s.topic, data.NewField("time", nil, ts), data.NewField("v", nil, vs))
	if s.wide {
		f.Fields = append(f.Fields, data.NewField("w", nil, make([]*float64, len(ts))))
	}
	return f, changed
}

type fakeCatalog struct{ err error }

func (c fakeCatalog) AvailableTopics(context.Context) ([]genesys.AvailableTopic, error) {
	return []genesys.AvailableTopic{
		{ID: "v2.analytics.queues.{id}.observations", Transports: []string{"All"}, Schema: json.RawMessage(`{"properties":{"data":{"items":{"properties":{"metric":{},"stats":{"properties":{"count":{}}}}}}}}`)},
		{ID: "v2.detail.events.conversation.{id}.acw", Transports: []string{"EventBridge"}},
		{ID: "v2.users.{id}.presence", Transports: []string{"Websocket"}, TopicParameters: []string{"id"}},
	}, c.err
}

func (c fakeCatalog) Queues(_ context.Context, name string, page, size int) (genesys.Page, error) {
	return genesys.Page{Entities: []genesys.Entity{{ID: "q1", Name: "Sales " + name}}, PageNumber: page, PageSize: size, PageCount: 1, Total: 1}, c.err
}

func (c fakeCatalog) Users(_ context.Context, page, size int) (genesys.Page, error) {
	return genesys.Page{Entities: []genesys.Entity{{ID: "u1", Name: "Ann"}, {ID: "u2", Name: "Bob"}}, PageCount: 1, Total: 2}, c.err
}

// testDS is a configured instance on fakes.
func testDS(clock clockwork.Clock) (*Datasource, *fakeUp, *fakeHub) {
	up, hub := newFakeUp(), newFakeHub()
	build := func(context.Context, string, Settings, clockwork.Clock) (parts, error) {
		return parts{up: up, hub: hub, frames: fakeFrames{}, catalog: fakeCatalog{}}, nil
	}
	in := backend.DataSourceInstanceSettings{UID: "ds1", JSONData: []byte(`{"clientId":"c","alertKeepAliveMinutes":15}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "top-secret-value"}}
	return newDatasource(context.Background(), in, build, clock), up, hub
}
