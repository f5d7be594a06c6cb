package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/internal/logcapture"
	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// pacedPerHour is the most paced replacements in an hour with the default eviction
// settings (evict.go: spacings of at least 40, 80, 160, then 200 s).
const pacedPerHour = 20

// evictionBound is the most channels a manager creates in an hour for evictions with
// the default eviction settings (evict.go): its budget when it starts, the
// EvictionThreshold−1 evictions replaced at once, and the paced replacements.
func evictionBound(budget int) int64 { return int64(budget + 3 - 1 + pacedPerHour) }

// TestEvictionPacingBound holds the bound of evict.go with the worst adversary: each
// replacement is evicted again at once, an hour long, for many jitter seeds. It checks
// the rule alone (no network): creations in every sliding hour.
func TestEvictionPacingBound(t *testing.T) {
	most := 0
	defer func() { t.Logf("most replacements in one hour, 200 seeds: %d (bound %d)", most, 3-1+pacedPerHour) }()
	for seed := int64(1); seed <= 200; seed++ {
		clock := clockwork.NewFakeClockAt(epoch)
		m, err := New(Config{Auth: &auth.Source{}, API: &genesys.Client{}, Sink: &recSink{}, Clock: clock, Rand: rand.New(rand.NewSource(seed)),
			Logger: logcapture.New(), ClientID: "c"})
		if err != nil {
			t.Fatal(err)
		}
		var creates []time.Time
		ch := &channelState{id: "first-channel", expires: epoch.Add(24 * time.Hour)}
		for clock.Now().Sub(epoch) < 3*time.Hour {
			m.mu.Lock()
			m.vanishedLocked(ch, "test") // evicted the moment it exists
			until := m.evictionWaitLocked(ch, clock.Now())
			m.mu.Unlock()
			if !until.IsZero() {
				clock.Advance(until.Sub(clock.Now()))
			}
			m.mu.Lock()
			if ch.vanished && !ch.holdUntil.IsZero() {
				m.pacedLocked(clock.Now())
			}
			m.mu.Unlock()
			creates = append(creates, clock.Now())
			ch = &channelState{id: fmt.Sprintf("channel-%d", len(creates)), expires: clock.Now().Add(24 * time.Hour)}
			clock.Advance(time.Second) // the replacement's handshake
		}
		for i := range creates {
			n := 0
			for _, c := range creates[i:] {
				if c.Sub(creates[i]) < time.Hour {
					n++
				}
			}
			most = max(most, n)
			if n > 3-1+pacedPerHour {
				t.Fatalf("seed %d: %d replacements in the hour from %s, want at most %d", seed, n, creates[i].Sub(epoch), 3-1+pacedPerHour)
			}
		}
	}
}

// evictReplica is one Grafana replica: its own auth source, the same OAuth client.
type evictReplica struct {
	m      *Manager
	sink   *recSink
	logs   *logcapture.Logger
	topics []string
}

// delivered reports whether the replica got the event numbered n.
func (r *evictReplica) delivered(n int) bool {
	r.sink.mu.Lock()
	defer r.sink.mu.Unlock()
	for _, e := range r.sink.events {
		var b struct{ N *int }
		if json.Unmarshal(e.Body, &b) == nil && b.N != nil && *b.N == n {
			return true
		}
	}
	return false
}

// inGap reports whether at lies in a gap the replica reported for topic (an open record
// without its close covers everything after its start).
func (r *evictReplica) inGap(topic string, at time.Time) bool {
	r.sink.mu.Lock()
	defer r.sink.mu.Unlock()
	ends := map[time.Time]time.Time{}
	for _, g := range r.sink.gaps {
		if g.Topic != topic {
			continue
		}
		if _, seen := ends[g.Start]; !seen || !g.Open() {
			ends[g.Start] = g.End
		}
	}
	for start, end := range ends {
		if !at.Before(start) && (end.IsZero() || !at.After(end)) {
			return true
		}
	}
	return false
}

// TestEvictionByAnotherHolder: two managers on one OAuth client (each with its own auth
// source) fill the client's channels (the simulator allows 4 here, each manager a
// budget of 2), and a third party creates a channel every minute and keeps a socket on
// it, evicting the least recently used channel each time. For a simulated hour:
// channel creations per manager stay within evictionBound (without the pacing they
// grow with every eviction chain), every event published on a topic is delivered or
// lies in a gap its manager reported, and status and log say who evicts and what to
// plan.
func TestEvictionByAnotherHolder(t *testing.T) {
	const budget, perChannel = 2, 2
	clock := clockwork.NewFakeClockAt(epoch)
	sim := simulator.NewTestServer(t, simulator.Config{Clock: clock, MaxChannels: 2 * budget, MaxTopicsPerChannel: perChannel})
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	api, err := genesys.New(sim.URL(), hc)
	if err != nil {
		t.Fatal(err)
	}
	newSource := func() *auth.Source {
		src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: testSecret, LoginURL: sim.URL(), Clock: clock, HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	var reps []*evictReplica
	for i := 0; i < 2; i++ {
		r := &evictReplica{sink: &recSink{}, logs: logcapture.New()}
		r.m, err = New(Config{Name: fmt.Sprintf("replica-%d", i+1), Auth: newSource(), API: api, Clock: clock,
			Rand: rand.New(rand.NewSource(int64(i + 1))), Sink: r.sink, Logger: r.logs, ClientID: "sim-client",
			ChannelBudget: budget, MaxTopicsPerChannel: perChannel})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.m.Close)
		for j := 0; j < budget*perChannel; j++ {
			r.topics = append(r.topics, fmt.Sprintf("v2.users.00000000-0000-4000-8000-%012d.presence", (i+1)*100+j))
		}
		reps = append(reps, r)
	}
	defer func() {
		if t.Failed() {
			for i, r := range reps {
				t.Logf("replica %d log:\n%s", i+1, r.logs.All())
			}
		}
	}()

	// The third party: raw REST and sockets on the same OAuth client.
	other := newSource()
	var mu sync.Mutex
	var conns []*websocket.Conn
	var readers sync.WaitGroup
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		readers.Wait()
	})
	createOther := func() {
		tok, err := other.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ch, err := api.CreateChannel(context.Background(), tok.Value)
		if err != nil {
			t.Fatal(err)
		}
		conn, resp, err := websocket.DefaultDialer.Dial(ch.ConnectURI, nil)
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		conns = append(conns, conn)
		mu.Unlock()
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				if _, _, err := conn.NextReader(); err != nil {
					return
				}
			}
		}()
	}

	// settle: every loop waits on the clock and none still believes in a socket the
	// simulator closed (so a reader the scheduler has not run yet does not let the
	// clock run ahead of its gap).
	settle := func() {
		deadline := time.Now().Add(safetyNet)
		for {
			ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
			err := clock.BlockUntilContext(ctx, len(reps)+1)
			cancel()
			if err != nil {
				t.Fatalf("managers never went idle on the clock: %v", err)
			}
			live := map[string]bool{}
			for _, c := range sim.Channels() {
				if c.Connected {
					live[shortID(c.ID)] = true
				}
			}
			ok := true
			for _, r := range reps {
				for _, c := range r.m.Status().Channels {
					ok = ok && (!c.Connected || live[c.ID])
				}
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("a manager never noticed its closed socket")
			}
			time.Sleep(time.Millisecond)
		}
	}

	type sent struct {
		r     *evictReplica
		topic string
		at    time.Time
	}
	var events []sent
	publish := func() {
		for _, r := range reps {
			for _, topic := range r.topics {
				n := len(events)
				events = append(events, sent{r: r, topic: topic, at: clock.Now()})
				if sim.Publish(topic, map[string]any{"n": n}) > 0 {
					for deadline := time.Now().Add(time.Second); !r.delivered(n) && time.Now().Before(deadline); {
						time.Sleep(time.Millisecond)
					}
				}
			}
		}
	}

	for _, r := range reps {
		r.m.Start()
		defer r.m.Acquire(r.topics...)()
	}
	const step = 5 * time.Second
	for i := 0; clock.Now().Sub(epoch) < time.Hour; i++ {
		settle()
		if i > 0 && i%int(time.Minute/step) == 0 {
			createOther()
			settle()
		}
		if i%int(30*time.Second/step) == 0 {
			publish()
		}
		clock.Advance(step)
	}
	settle()

	lost := 0
	for n, e := range events {
		if !e.r.delivered(n) && !e.r.inGap(e.topic, e.at) {
			lost++
			if lost <= 5 {
				t.Errorf("event %d on %s at %s: not delivered and in no reported gap", n, e.topic, e.at.Sub(epoch))
			}
		}
	}
	for i, r := range reps { // no channel waits behind the others' replacements for ever
		for _, topic := range r.topics {
			if _, ok := r.sink.firstStatus(topic, "permitted"); !ok {
				t.Errorf("replica %d: %s never subscribed in the hour", i+1, topic)
			}
		}
	}
	for i, r := range reps {
		st := r.m.Status()
		t.Logf("replica %d: %d channels created, %d evictions in the last hour, %d gaps; state %s: %s",
			i+1, st.Counters.ChannelsCreated, st.Evictions, st.Counters.Gaps, st.State, st.Reason)
		if st.Counters.ChannelsCreated > evictionBound(budget) {
			t.Errorf("replica %d created %d channels in an hour, want at most %d", i+1, st.Counters.ChannelsCreated, evictionBound(budget))
		}
		if st.Evictions < 3 {
			t.Errorf("replica %d: only %d evictions: the third party did not press it (vacuous)", i+1, st.Evictions)
			continue
		}
		want := "another holder of OAuth client sim-client evicted channel "
		plan := "times in the last hour; plan channelBudget: replicas × budget + other applications ≤ 20"
		if !strings.Contains(st.EvictionWarning, want) || !strings.Contains(st.EvictionWarning, plan) {
			t.Errorf("replica %d: status warning %q", i+1, st.EvictionWarning)
		}
		if logs := r.logs.All(); !strings.Contains(logs, want) || !strings.Contains(logs, plan) {
			t.Errorf("replica %d: the log does not say who evicts and what to plan", i+1)
		}
		for _, c := range st.Channels {
			if c.ReplaceAt.IsZero() {
				continue
			}
			// the health check says why rather than "channel not alive: 404"
			if err := r.m.Check(context.Background()); !errors.Is(err, ErrEvicted) || !strings.Contains(err.Error(), plan) {
				t.Errorf("replica %d: Check with an evicted channel waiting: %v", i+1, err)
			}
			break
		}
	}
	// Every gap a replica opened was closed once its channels were back, or is still
	// open because a channel waits for its hold (and then the status says so).
	for i, r := range reps {
		st := r.m.Status()
		waiting := 0
		for _, c := range st.Channels {
			if !c.ReplaceAt.IsZero() {
				waiting += c.Topics
			}
		}
		if st.OpenGaps > waiting {
			t.Errorf("replica %d: %d gaps open but only %d topics wait for an evicted channel: %+v", i+1, st.OpenGaps, waiting, st)
		}
	}
}
