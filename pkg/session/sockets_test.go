package session

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

func TestSilentSocketPingedAndKeptWhenPongs(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.SetHeartbeats(false)
	h.advanceUntil("watchdog ping", 10*time.Second, 2*time.Minute, func() bool { return h.sim.Count("ping") >= 1 })
	h.advanceUntil("pong seen", time.Second, 20*time.Second, func() bool { return h.m.Status().Counters.Pongs >= 1 })
	h.clock.Advance(15 * time.Second) // past PongTimeout: the answered ping keeps the socket
	h.publishSeen(topicA)
	if n := h.sim.Count("upgrade"); n != 1 {
		t.Fatalf("upgrades = %d: a socket that answered the ping was dropped", n)
	}
}

func TestMissingPongReconnects(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.SetHeartbeats(false)
	h.sim.SetPongs(false)
	h.advanceUntil("reconnect after missing pong", 5*time.Second, 5*time.Minute, func() bool { return h.sim.Count("upgrade") >= 2 && h.allConnected() })
	gaps := h.sink.snapshotGaps()
	if len(gaps) == 0 || !strings.HasPrefix(gaps[0].Reason, "no pong within") {
		t.Fatalf("gaps = %+v", gaps)
	}
	h.publishSeen(topicA)
}

func TestSocketClosingLosesNoEvent(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	old := h.sim.Channels()[0].ID
	published := 0
	publish := func() {
		if h.sim.Publish(topicA, map[string]int{"n": published}) > 0 {
			published++
		}
	}
	publish()
	h.sim.SendSocketClosing(old)
	for i := 0; i < 50 && h.m.Status().Counters.ChannelsCreated < 2; i++ {
		publish() // events keep coming while the replacement is built
		time.Sleep(time.Millisecond)
	}
	h.eventually("replacement channel", func() bool { return h.m.Status().Counters.ChannelsCreated == 2 && h.allConnected() })
	for i := 0; i < 5; i++ {
		publish()
	}
	h.advanceUntil("old socket closed by the server", 10*time.Second, 2*time.Minute, func() bool { return h.sim.Count("socket_closed") >= 1 })
	publish()
	h.eventually("every event delivered", func() bool { return h.sink.eventCount(topicA) >= published })
	if got := h.sink.eventCount(topicA); got != published {
		t.Fatalf("delivered %d events, published %d (duplicates must be dropped)", got, published)
	}
	if gaps := h.sink.snapshotGaps(); len(gaps) != 0 {
		t.Fatalf("a planned socket change opened gaps: %+v", gaps)
	}
	t.Logf("published %d, duplicates dropped %d", published, h.m.Status().Counters.Duplicates)
}

func TestChannelExtendedBeforeExpiry(t *testing.T) {
	h := newHarness(t, simulator.Config{ChannelLifetime: 2 * time.Hour, TokenLifetime: 48 * time.Hour}, nil)
	h.start(topicA)
	h.advanceUntil("five hours", time.Minute, 6*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= 5*time.Hour })
	if n := h.sim.Count("channel_create"); n != 1 {
		t.Fatalf("channel_create = %d: the channel should have been extended, not replaced", n)
	}
	if n := h.sim.Count("channel_expired"); n != 0 {
		t.Fatalf("the channel expired")
	}
	h.publishSeen(topicA)
}

func TestExpiredChannelReplaced(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.ExpireChannel(h.sim.Channels()[0].ID)
	h.advanceUntil("new channel", time.Second, 5*time.Minute, func() bool {
		return h.sim.Count("channel_create") == 2 && h.allConnected() && h.m.Status().OpenGaps == 0
	})
	h.publishSeen(topicA)
}

func TestNoLongerSubscribedMovesToNewChannel(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.NoLongerSubscribed(h.sim.Channels()[0].ID)
	h.advanceUntil("new channel", time.Second, 5*time.Minute, func() bool { return h.sim.Count("channel_create") == 2 && h.m.Status().OpenGaps == 0 })
	h.publishSeen(topicA)
	gaps := h.sink.snapshotGaps()
	if len(gaps) != 2 || !strings.HasPrefix(gaps[0].Reason, "no_longer_subscribed") || gaps[1].Open() {
		t.Fatalf("gaps = %+v", gaps)
	}
}

func TestTokenRevokedNewTokenAndChannel(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.RevokeTokens()
	h.advanceUntil("new token and channel", time.Second, 5*time.Minute, func() bool {
		return h.sim.Count("token") == 2 && h.sim.Count("channel_create") == 2 && h.allConnected() && h.m.Status().OpenGaps == 0
	})
	h.publishSeen(topicA)
	if st := h.m.Status(); st.State != StateConnected || st.Counters.AuthFailures != 0 {
		t.Fatalf("status %s, auth failures %d", st.State, st.Counters.AuthFailures)
	}
}

func TestSecondSocketKicksFirstThenRecovers(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	id := h.sim.Channels()[0].ID
	intruder, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(h.sim.URL(), "http")+"/channels/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer intruder.Close()
	h.eventually("our socket kicked", func() bool { return h.m.Status().OpenGaps == 1 })
	// Our reconnect kicks the intruder in turn (the second socket_kicked record).
	h.advanceUntil("reconnected", time.Second, 5*time.Minute, func() bool { return h.sim.Count("socket_kicked") >= 2 && h.m.Status().OpenGaps == 0 })
	h.publishSeen(topicA)
}

func TestManyTopicsAcrossChannels(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	topics := make([]string, 1500)
	for i := range topics {
		topics[i] = fmt.Sprintf("v2.users.00000000-0000-4000-8000-%012d.presence", i)
	}
	h.start(topics...)
	chs := h.sim.Channels()
	if len(chs) != 2 || len(chs[0].Topics)+len(chs[1].Topics) != 1500 || len(chs[0].Topics) > 1000 || len(chs[1].Topics) > 1000 {
		t.Fatalf("channels: %d", len(chs))
	}
	h.publishSeen(topics[1499])
}

func TestChannelBudgetRejectsExtraTopics(t *testing.T) {
	h := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.ChannelBudget, c.MaxTopicsPerChannel = 1, 2 })
	rel := h.start(topicA, topicB)
	third := "v2.users.00000000-0000-4000-8000-00000000000c.presence"
	relC := h.m.Acquire(third)
	h.eventually("budget rejection", func() bool {
		st, _ := h.sink.lastStatus(third)
		return st.State == "rejected" && st.Reason == "channel budget reached"
	})
	if n := len(h.sim.Channels()); n != 1 {
		t.Fatalf("channels = %d, budget 1", n)
	}
	rel() // room again: the waiting topic gets its place
	h.eventually("rejected topic admitted once there is room", func() bool {
		st, _ := h.sink.lastStatus(third)
		return st.State == "permitted"
	})
	relC()
}

func TestMalformedAndOversizedMessagesSkipped(t *testing.T) {
	h := newHarness(t, simulator.Config{}, func(c *Config, _ *auth.Config) { c.MaxMessageBytes = 2048 })
	h.start(topicA)
	id := h.sim.Channels()[0].ID
	h.sim.SendRaw(id, []byte("not json {"))
	h.sim.SendRaw(id, []byte(`{"topicName":""}`))
	h.sim.SendRaw(id, h.sim.Envelope(topicA, map[string]string{"pad": strings.Repeat("x", 4096)}))
	h.eventually("counted", func() bool {
		c := h.m.Status().Counters
		return c.Malformed == 2 && c.Oversized == 1
	})
	h.publishSeen(topicA)
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	for _, e := range h.sink.events {
		if strings.Contains(string(e.Body), "pad") {
			t.Fatal("the oversized event was delivered")
		}
	}
}

func TestPermissionRejectionReported(t *testing.T) {
	h := newHarness(t, simulator.Config{Forbidden: map[string][]string{"v2.users.{id}.presence": {"presence:userPresence:view"}}}, nil)
	h.m.Start()
	h.m.Acquire(topicA)
	h.eventually("rejected", func() bool {
		st, _ := h.sink.lastStatus(topicA)
		return st.State == "rejected" && len(st.MissingPermissions) == 1
	})
	subs := h.sim.Count("subscribe")
	h.advanceUntil("an hour", time.Minute, 2*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= time.Hour })
	if n := h.sim.Count("subscribe"); n > subs+1 {
		t.Fatalf("rejected topic retried %d times", n-subs)
	}
}

// A channel living less than ExtendBefore is extended at half its life, not on every pass.
func TestShortLivedChannelExtendedWithoutLoop(t *testing.T) {
	h := newHarness(t, simulator.Config{ChannelLifetime: 30 * time.Minute, TokenLifetime: 48 * time.Hour}, nil)
	h.start(topicA)
	h.advanceUntil("three hours", time.Minute, 4*time.Hour, func() bool { return h.clock.Now().Sub(epoch) >= 3*time.Hour })
	if n := h.sim.Count("subscribe"); n > 3*60/15+2 {
		t.Errorf("%d PUTs in 3 h for a 30 min channel; want one every 15 min", n)
	}
	if n := h.sim.Count("channel_create"); n != 1 {
		t.Errorf("channel_create = %d", n)
	}
	h.publishSeen(topicA)
}
