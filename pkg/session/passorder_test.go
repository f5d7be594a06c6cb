package session

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/internal/logcapture"
	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// The order in which a pass of the loop serves its channels (passOrderLocked).

// TestEvictedChannelsReplacedInTurn holds the order of paced replacements with the rule
// alone (no network): eight channels, the last one's replacement evicted before it took
// over, and another of the first seven evicted every three minutes for two hours.
// Paced replacements are a hold apart, so one waiting channel takes each slot; taken in
// list order the last channel waited for ever (issue #23: a holder's eighth channel
// never created in 75 simulated minutes). In turn, every channel's wait is bounded by
// the channels ahead of it times the longest hold.
func TestEvictedChannelsReplacedInTurn(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		clock := clockwork.NewFakeClockAt(epoch)
		m, err := New(Config{Auth: &auth.Source{}, API: &genesys.Client{}, Sink: &recSink{}, Clock: clock, Rand: rand.New(rand.NewSource(seed)),
			Logger: logcapture.New(), ClientID: "c", ChannelBudget: 8})
		if err != nil {
			t.Fatal(err)
		}
		made := 0
		fresh := func() *channelState {
			made++
			return &channelState{id: fmt.Sprintf("channel-%02d", made), expires: clock.Now().Add(24 * time.Hour)}
		}
		for range 8 {
			m.channels = append(m.channels, fresh())
		}
		vanishedAt := map[*channelState]time.Time{}
		evict := func(ch *channelState) {
			m.vanishedLocked(ch, "test")
			vanishedAt[ch] = clock.Now()
		}
		m.mu.Lock()
		for i := range 3 { // past the threshold from the start, as in the harness
			evict(m.channels[i])
		}
		evict(m.channels[7])
		m.mu.Unlock()
		longest := time.Duration(0)
		next := 0
		for clock.Now().Sub(epoch) < 2*time.Hour {
			now := clock.Now()
			m.mu.Lock()
			if now.Sub(epoch)%(3*time.Minute) == 0 {
				for try := 0; try < 7; try++ { // the next of the first seven not already waiting
					ch := m.channels[next%7]
					next++
					if !ch.vanished {
						evict(ch)
						break
					}
				}
			}
			for _, ch := range m.passOrderLocked() { // the loop's pass: replace what may be
				if !ch.vanished || !m.evictionWaitLocked(ch, now).IsZero() {
					continue
				}
				m.pacedLocked(now)
				longest = max(longest, now.Sub(vanishedAt[ch]))
				delete(vanishedAt, ch)
				for i, c := range m.channels {
					if c == ch {
						m.channels[i] = fresh()
					}
				}
			}
			for _, at := range vanishedAt {
				longest = max(longest, now.Sub(at))
			}
			m.mu.Unlock()
			clock.Advance(time.Second)
		}
		if bound := 8 * m.cfg.EvictionBackoffCap; longest > bound {
			t.Fatalf("seed %d: a channel waited %s for its replacement, want at most %s (8 channels × the longest hold)", seed, longest, bound)
		}
	}
}

// One channel whose subscription keeps failing must not keep the data source's other
// channels from being served: a pass stops at the first failure (the backoff), so the
// channel that failed last goes last in the next pass. Here both sockets drop, and the
// first channel's PUT then fails for good: the second channel reconnects anyway.
func TestOneFailingChannelDoesNotBlockTheOthers(t *testing.T) {
	h := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.ChannelBudget, c.MaxTopicsPerChannel = 2, 1 })
	h.m.Start()
	h.m.Acquire(topicA, topicB) // sorted: A on the first channel, B on the second
	h.eventually("both channels connected", func() bool { return len(h.m.Status().Channels) == 2 && h.allConnected() })
	first := ""
	for _, c := range h.sim.Channels() {
		if len(c.Topics) == 1 && event.Key(c.Topics[0]) == event.Key(topicA) {
			first = c.ID
		}
	}
	if first == "" {
		t.Fatalf("no channel holds %s: %+v", topicA, h.sim.Channels())
	}
	h.sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/notifications/channels/" + first + "/subscriptions", Method: "PUT", Status: 500})
	h.sim.DropAllSockets()
	h.advanceUntil("the second channel serving again", time.Second, 10*time.Minute, func() bool { return h.delivers(topicB) })
	if st := h.m.Status(); st.State == StateConnected {
		t.Errorf("connected while the first channel's subscription fails: %+v", st)
	}
}
