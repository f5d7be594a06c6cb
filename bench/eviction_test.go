package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/internal/logcapture"
	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// Eviction by other holders of one OAuth client (issue 23). Genesys keeps at most 20
// channels per OAuth client; creating a 21st removes the least recently used one. Here
// two or three session managers (Grafana replicas: each its own auth source, the same
// client id and secret) share one simulator and one fake clock with an "other
// application" that creates a channel every simulated minute, connects a socket to it
// and keeps it (a wallboard that reloads without cleaning up). Every manager has
// ChannelBudget 8 and 80 topics at 10 per channel (simulator and session both limit a
// channel to 10 topics), so it needs all 8 channels: the holders together want more
// than 20. After evictHour the application stops; evictQuiet more minutes show whether
// the managers go on evicting each other by themselves (a loop).
//
// Every topic gets an event every evictPublishEvery; each must be delivered to its
// manager or lie in a gap that manager reported.

const (
	evictHour         = time.Hour
	evictQuiet        = 15 * time.Minute
	evictStep         = time.Second
	evictPublishEvery = 30 * time.Second
	evictBudget       = 8
	evictPerChannel   = 10
	evictTopics       = evictBudget * evictPerChannel
)

// evictSink records which numbered events a manager delivered, and its gaps.
type evictSink struct {
	mu       sync.Mutex
	got      map[int]int
	gaps     []event.Gap
	statuses []event.TopicStatus // every topic status reported, for explainLoss
}

func (s *evictSink) Event(e event.Event) {
	var b struct{ N *int }
	if json.Unmarshal(e.Body, &b) == nil && b.N != nil {
		s.mu.Lock()
		s.got[*b.N]++
		s.mu.Unlock()
	}
}
func (s *evictSink) Gap(g event.Gap) {
	s.mu.Lock()
	s.gaps = append(s.gaps, g)
	s.mu.Unlock()
}
func (s *evictSink) Rejected(event.Rejected) {}
func (s *evictSink) TopicStatus(st event.TopicStatus) {
	s.mu.Lock()
	s.statuses = append(s.statuses, st)
	s.mu.Unlock()
}

func (s *evictSink) delivered(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[n]
}

// createTap notes which holder created which channel (from the creation's answer).
type createTap struct {
	base   http.RoundTripper
	holder string
	owners *sync.Map // channel id -> holder
}

func (c createTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err != nil || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/notifications/channels") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var ch struct{ ID string }
	if json.Unmarshal(body, &ch) == nil && ch.ID != "" {
		c.owners.Store(ch.ID, c.holder)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

type evictHolder struct {
	name   string
	m      *session.Manager
	sink   *evictSink
	logs   *logcapture.Logger // on the simulated clock, for explainLoss
	topics []string
}

type sentEvict struct {
	holder *evictHolder
	topic  string
	at     time.Time
}

type evictRig struct {
	tb      testing.TB
	clock   *clockwork.FakeClock
	sim     *simulator.Server
	owners  sync.Map
	holders []*evictHolder
	app     *otherApp
	sent    map[int]sentEvict
	next    int
	unset   int // steps after which a manager had still not noticed a closed socket (real-time bound hit)
	late    int // events a socket took that had not arrived when the clock moved on
}

func (r *evictRig) client(holder string) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: createTap{base: http.DefaultTransport, holder: holder, owners: &r.owners}}
}

func newEvictRig(tb testing.TB, managers int, mod func(*session.Config)) *evictRig {
	tb.Helper()
	r := &evictRig{tb: tb, clock: clockwork.NewFakeClockAt(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)), sent: map[int]sentEvict{}}
	r.sim = simulator.NewTestServer(tb, simulator.Config{Clock: r.clock, MaxTopicsPerChannel: evictPerChannel})
	for i := 0; i < managers; i++ {
		name := fmt.Sprintf("replica %d", i+1)
		hc := r.client(name)
		src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: "sim-secret", LoginURL: r.sim.URL(), Clock: r.clock, HTTPClient: hc})
		if err != nil {
			tb.Fatal(err)
		}
		api, err := genesys.New(r.sim.URL(), hc)
		if err != nil {
			tb.Fatal(err)
		}
		h := &evictHolder{name: name, sink: &evictSink{got: map[int]int{}}, logs: logcapture.NewStamped(r.clock.Now)}
		cfg := session.Config{Name: name, Auth: src, API: api, Clock: r.clock, Rand: rand.New(rand.NewSource(int64(i + 1))),
			Sink: h.sink, Logger: h.logs, ChannelBudget: evictBudget, MaxTopicsPerChannel: evictPerChannel, ClientID: "sim-client"}
		if mod != nil {
			mod(&cfg)
		}
		if h.m, err = session.New(cfg); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(h.m.Close)
		for j := 0; j < evictTopics; j++ {
			h.topics = append(h.topics, fmt.Sprintf("v2.users.00000000-0000-4000-8000-%012d.presence", (i+1)*1000+j))
		}
		r.holders = append(r.holders, h)
	}
	r.app = newOtherApp(tb, r)
	return r
}

// otherApp is another application on the same OAuth client: raw REST and sockets.
type otherApp struct {
	tb    testing.TB
	api   *genesys.Client
	src   *auth.Source
	mu    sync.Mutex
	conns []*websocket.Conn
	wg    sync.WaitGroup
}

func newOtherApp(tb testing.TB, r *evictRig) *otherApp {
	hc := r.client("other app")
	src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: "sim-secret", LoginURL: r.sim.URL(), Clock: r.clock, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	api, err := genesys.New(r.sim.URL(), hc)
	if err != nil {
		tb.Fatal(err)
	}
	a := &otherApp{tb: tb, api: api, src: src}
	tb.Cleanup(a.close)
	return a
}

// create makes a channel and keeps a socket open on it (read until the service closes it).
func (a *otherApp) create() {
	ctx := context.Background()
	tok, err := a.src.Token(ctx)
	if err != nil {
		a.tb.Fatalf("other app: token: %v", err)
	}
	ch, err := a.api.CreateChannel(ctx, tok.Value)
	if err != nil {
		a.tb.Fatalf("other app: create channel: %v", err)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(ch.ConnectURI, nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		a.tb.Fatalf("other app: socket: %v", err)
	}
	a.mu.Lock()
	a.conns = append(a.conns, conn)
	a.mu.Unlock()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for {
			if _, _, err := conn.NextReader(); err != nil {
				return
			}
		}
	}()
}

func (a *otherApp) close() {
	a.mu.Lock()
	for _, c := range a.conns {
		_ = c.Close()
	}
	a.mu.Unlock()
	a.wg.Wait()
}

// settle waits until every manager's loop waits on the clock and no manager still
// believes in a socket the simulator has closed (its reader has seen the close and its
// loop has opened the gaps): otherwise the fake clock would run ahead of a reader the
// scheduler has not run yet, and the harness would blame the session for that.
func (r *evictRig) settle() {
	deadline := time.Now().Add(2 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := r.clock.BlockUntilContext(ctx, len(r.holders)+1) // each loop's one timer + the simulator's ticker
		cancel()
		if err != nil {
			r.tb.Fatalf("managers never went idle on the clock: %v", err)
		}
		if r.consistent() {
			return
		}
		if time.Now().After(deadline) {
			r.unset++
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func (r *evictRig) consistent() bool {
	live := map[string]bool{}
	for _, c := range r.sim.Channels() {
		if c.Connected && len(c.ID) > 8 {
			live[c.ID[:8]+"…"] = true
		}
	}
	for _, h := range r.holders {
		for _, c := range h.m.Status().Channels {
			if c.Connected && !live[c.ID] {
				return false
			}
		}
	}
	return true
}

// publish sends one numbered event on every topic of every manager and gives the events
// a socket took up to evictDeliveryWait (real time) to arrive.
func (r *evictRig) publish() {
	var taken []int
	for _, h := range r.holders {
		for _, topic := range h.topics {
			n := r.next
			r.next++
			r.sent[n] = sentEvict{holder: h, topic: topic, at: r.clock.Now()}
			if r.sim.Publish(topic, map[string]any{"n": n}) > 0 {
				taken = append(taken, n)
			}
		}
	}
	deadline := time.Now().Add(evictDeliveryWait)
	for _, n := range taken {
		for r.sent[n].holder.sink.delivered(n) == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if r.sent[n].holder.sink.delivered(n) == 0 {
			r.late++
		}
	}
}

// evictDeliveryWait bounds (real time) the wait for events a socket took before the
// clock moves on; only a safety net on a loaded machine, never a performance limit.
const evictDeliveryWait = 5 * time.Second

// evictFigures are one holder's figures.
type evictFigures struct {
	name                      string
	creations, creationsQuiet int // channels created in the hour, and in the quiet minutes after it
	evictions                 int // its channels removed by someone else's creation, in the hour
	maxPerMinute              int // most channels created in one simulated minute
	gaps                      int // gaps opened (one per topic and interruption)
	blind                     time.Duration
	events, inGap, lost       int
	neverSubscribed           int    // topics never permitted in the whole run (a channel that never won a slot)
	evictionsInStatus         int    // what its status says at the end
	warning                   string // its status' eviction warning at the end
}

func (r *evictRig) run() []evictFigures {
	start := r.clock.Now()
	for _, h := range r.holders {
		h.m.Start()
		release := h.m.Acquire(h.topics...)
		r.tb.Cleanup(release)
	}
	end, appEnd := start.Add(evictHour+evictQuiet), start.Add(evictHour)
	nextPublish, nextApp := start.Add(evictPublishEvery), start.Add(time.Minute)
	for r.clock.Now().Before(end) {
		r.settle()
		now := r.clock.Now()
		if !now.Before(nextApp) && now.Before(appEnd) {
			r.app.create()
			nextApp = nextApp.Add(time.Minute)
			r.settle()
		}
		if !now.Before(nextPublish) {
			r.publish()
			nextPublish = nextPublish.Add(evictPublishEvery)
		}
		r.clock.Advance(evictStep)
	}
	r.settle()
	return r.figures(start, appEnd)
}

func (r *evictRig) owner(id string) string {
	if v, ok := r.owners.Load(id); ok {
		return v.(string)
	}
	return "?"
}

func (r *evictRig) figures(start, appEnd time.Time) []evictFigures {
	by := map[string]*evictFigures{}
	var out []*evictFigures
	for _, h := range r.holders {
		f := &evictFigures{name: h.name}
		by[h.name] = f
		out = append(out, f)
	}
	app := &evictFigures{name: "other app"}
	by[app.name] = app
	out = append(out, app)
	perMinute := map[string]map[int64]int{}
	for _, rec := range r.sim.Records() {
		f := by[r.owner(rec.Channel)]
		if f == nil {
			continue
		}
		switch rec.Kind {
		case "channel_create":
			if rec.Time.Before(appEnd) {
				f.creations++
			} else {
				f.creationsQuiet++
			}
			if perMinute[f.name] == nil {
				perMinute[f.name] = map[int64]int{}
			}
			minute := int64(rec.Time.Sub(start) / time.Minute)
			perMinute[f.name][minute]++
			f.maxPerMinute = max(f.maxPerMinute, perMinute[f.name][minute])
		case "channel_evicted":
			if rec.Time.Before(appEnd) {
				f.evictions++
			}
		}
	}
	end := r.clock.Now()
	for _, h := range r.holders {
		f := by[h.name]
		h.sink.mu.Lock()
		gaps := append([]event.Gap(nil), h.sink.gaps...)
		statuses := append([]event.TopicStatus(nil), h.sink.statuses...)
		h.sink.mu.Unlock()
		closed := map[string]time.Time{} // topic+start -> end
		for _, g := range gaps {
			if g.Open() {
				f.gaps++
			} else {
				closed[g.Topic+g.Start.String()] = g.End
			}
		}
		for _, g := range gaps {
			if g.Open() {
				e, ok := closed[g.Topic+g.Start.String()]
				if !ok {
					e = end
				}
				f.blind += e.Sub(g.Start)
			}
		}
		f.blind /= time.Duration(len(h.topics))
		permitted := map[string]bool{}
		for _, st := range statuses {
			if st.State == event.StatePermitted {
				permitted[st.Topic] = true
			}
		}
		for _, topic := range h.topics {
			if !permitted[topic] {
				f.neverSubscribed++
			}
		}
		st := h.m.Status()
		f.evictionsInStatus, f.warning = statusEvictions(st)
	}
	for n, e := range r.sent {
		f := by[e.holder.name]
		f.events++
		switch {
		case e.holder.sink.delivered(n) > 0:
		case inAnyGap(topicGaps(e.holder.sink, e.topic), e.at):
			f.inGap++
		default:
			f.lost++
			if f.lost <= 3 { // the neighbourhood of the first few is enough to diagnose
				r.explainLoss(n, e)
			}
		}
	}
	res := make([]evictFigures, len(out))
	for i, f := range out {
		res[i] = *f
	}
	return res
}

// explainLoss logs a lost event's neighbourhood: the simulator's records for the holder's
// channels from three minutes before to one after, the topic's gaps, and the holder's
// log lines of that window (the log is on the simulated clock). The loss this harness
// once counted (issue #23) was not reproduced under observation; the next one explains
// itself from the test's output.
func (r *evictRig) explainLoss(n int, e sentEvict) {
	r.tb.Logf("LOST event %d: %s topic %s sent %s", n, e.holder.name, e.topic, e.at.Format(time.TimeOnly))
	near := func(t time.Time) bool { d := t.Sub(e.at); return d > -3*time.Minute && d < time.Minute }
	for _, rec := range r.sim.Records() {
		if near(rec.Time) && (r.owner(rec.Channel) == e.holder.name || strings.Contains(rec.Detail, e.topic)) {
			r.tb.Logf("  record %s %s channel=%.8s status=%d %s", rec.Time.Format(time.TimeOnly), rec.Kind, rec.Channel, rec.Status, rec.Detail)
		}
	}
	for _, g := range topicGaps(e.holder.sink, e.topic) {
		r.tb.Logf("  gap %s..%s %s", g.Start.Format(time.TimeOnly), g.End.Format(time.TimeOnly), g.Reason)
	}
	e.holder.sink.mu.Lock()
	for _, st := range e.holder.sink.statuses {
		if st.Topic == e.topic {
			r.tb.Logf("  topic status %s %s", st.State, st.Reason)
		}
	}
	e.holder.sink.mu.Unlock()
	for _, ts := range e.holder.m.Status().Topics {
		if ts.Topic == e.topic {
			r.tb.Logf("  status at the end: %+v", ts)
		}
	}
	from, to := e.at.Add(-3*time.Minute).Format("15:04:05.000"), e.at.Add(time.Minute).Format("15:04:05.000")
	for _, line := range strings.Split(e.holder.logs.All(), "\n") {
		if len(line) >= 12 && line[:12] >= from && line[:12] <= to {
			r.tb.Logf("  log %s", line)
		}
	}
}

func topicGaps(s *evictSink, topic string) []event.Gap {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []event.Gap
	for _, g := range s.gaps {
		if g.Topic == topic {
			out = append(out, g)
		}
	}
	return out
}

func evictTable(title string, figs []evictFigures, unsettled, late int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (harness: steps where a reader lagged the clock %d, events late when the clock moved on %d)\n", title, unsettled, late)
	fmt.Fprintf(&b, "| holder | channels created in the hour | most in one minute | its channels evicted | created in the %d quiet minutes after | gaps | blind time per topic | events delivered / in a gap / lost | topics never subscribed | status: evictions, warning |\n", int(evictQuiet/time.Minute))
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, f := range figs {
		if f.name == "other app" {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | – | – | – | – | – | – |\n", f.name, f.creations, f.maxPerMinute, f.evictions)
			continue
		}
		warn := "no"
		if f.warning != "" {
			warn = "yes"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s | %d / %d / %d | %d | %d, %s |\n", f.name, f.creations, f.maxPerMinute, f.evictions,
			f.creationsQuiet, f.gaps, f.blind.Round(time.Second), f.events-f.inGap-f.lost, f.inGap, f.lost, f.neverSubscribed, f.evictionsInStatus, warn)
	}
	return b.String()
}

// TestEvictionByOtherHolders measures (issue 23 item 1) what two and three managers on
// one OAuth client do when the holders together want more than 20 channels. Simulated
// time only: the figures do not depend on the machine.
func TestEvictionByOtherHolders(t *testing.T) {
	// A CI gate since the loss it found under disk load (a holder's eighth channel never
	// winning a slot, its topics blind without a gap) was fixed: 6–24 s under -race.
	if testing.Short() {
		t.Skip("simulated hours of eviction: run without -short to measure")
	}
	var summary strings.Builder
	for _, managers := range []int{2, 3} {
		r := newEvictRig(t, managers, nil)
		figs := r.run()
		tab := evictTable(fmt.Sprintf("%d managers (ChannelBudget %d, %d topics each) + an application creating a channel a minute", managers, evictBudget, evictTopics), figs, r.unset, r.late)
		t.Log("\n" + tab)
		summary.WriteString(tab + "\n")
		for _, f := range figs {
			if f.lost > 0 {
				t.Errorf("%d managers: %s lost %d events outside any reported gap", managers, f.name, f.lost)
			}
			if f.neverSubscribed > 0 { // waiting channels are replaced in turn: none waits a whole run
				t.Errorf("%d managers: %s had %d topics never subscribed in %s", managers, f.name, f.neverSubscribed, evictHour+evictQuiet)
			}
			// pkg/session/evict.go's bound: the budget at the start, EvictionThreshold−1
			// evictions replaced at once, at most 20 paced replacements an hour.
			if bound := evictBudget + 3 - 1 + 20; f.name != "other app" && (f.creations > bound || f.creationsQuiet > bound) {
				t.Errorf("%d managers: %s created %d channels in the hour (%d in the quiet minutes), want at most %d", managers, f.name, f.creations, f.creationsQuiet, bound)
			}
		}
	}
	if out := os.Getenv("EVICTION_SUMMARY"); out != "" {
		_ = os.WriteFile(out, []byte(summary.String()), 0o644)
	}
}

// statusEvictions reads what a manager's status says about evictions.
func statusEvictions(st session.Status) (int, string) { return st.Evictions, st.EvictionWarning }
