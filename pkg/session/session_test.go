package session

import (
	"strings"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

func TestConnectSubscribeDeliver(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	rel := h.start(topicA)
	h.publishSeen(topicA)
	if got := h.sim.Channels()[0].Topics; len(got) != 1 {
		t.Fatalf("channel topics = %v", got)
	}
	if st, _ := h.sink.lastStatus(topicA); st.State != "permitted" {
		t.Fatalf("topic status = %+v", st)
	}
	rel()
	rel() // idempotent
	h.eventually("channel dropped after release", func() bool { return len(h.m.Status().Channels) == 0 })
}

func TestReconnectAfterDropOpensAndClosesGap(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.start(topicA)
	h.sim.DropAllSockets()
	h.eventually("gap opened", func() bool { return h.m.Status().OpenGaps == 1 })
	h.advanceUntil("reconnect", 100*time.Millisecond, 5*time.Second, func() bool { return h.m.Status().OpenGaps == 0 && h.allConnected() })
	h.publishSeen(topicA)
	gaps := h.sink.snapshotGaps()
	if len(gaps) != 2 || !gaps[0].Open() || gaps[1].Open() || gaps[1].Reason != "socket closed (1006)" {
		t.Fatalf("gaps = %+v", gaps)
	}
	if n := h.sim.Count("channel_create"); n != 1 {
		t.Fatalf("channel_create = %d, want 1 (socket reconnects reuse the channel)", n)
	}
}

// Acquisitions made between two passes of the loop go out in one PUT.
func TestAcquisitionsBatched(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.m.Acquire(topicA)
	h.m.Acquire(topicB)
	h.m.Acquire(topicA) // second reference, no new topic
	h.start()
	if n := h.sim.Count("subscribe"); n != 1 {
		t.Fatalf("PUTs = %d, want 1 for the batch", n)
	}
	if got := len(h.sim.Channels()[0].Topics); got != 2 {
		t.Fatalf("topics = %d", got)
	}
}

// A topic acquired twice stays subscribed until both references are released.
func TestReferenceCounting(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	r1 := h.start(topicA, topicB)
	r2 := h.m.Acquire(topicA)
	r1()
	h.eventually("topic B unsubscribed", func() bool {
		chs := h.sim.Channels()
		return len(chs) == 1 && len(chs[0].Topics) == 1 && chs[0].Topics[0] == topicA
	})
	h.publishSeen(topicA)
	r2()
	h.eventually("channel dropped", func() bool { return len(h.m.Status().Topics) == 0 && len(h.m.Status().Channels) == 0 })
}

// Close must not wait for a slow upstream: the handshake in flight is cancelled.
func TestCloseDuringSlowHandshake(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	h.sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/notifications/channels", Delay: time.Hour})
	h.m.Start()
	h.m.Acquire(topicA)
	h.eventually("request held", func() bool { return h.sim.Count("http_delay") == 1 })
	done := make(chan struct{})
	go func() { h.m.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on a held request")
	}
	if st := h.m.Status(); st.State != StateStopped {
		t.Fatalf("state = %s", st.State)
	}
	h.m.Close() // idempotent
}

// A malformed topic name is rejected locally: it must not fail the PUT of its channel.
func TestInvalidTopicRejectedLocally(t *testing.T) {
	h := newHarness(t, simulator.Config{}, nil)
	bad := "v2.users.{id}.presence"
	long := "v2.users.00000000-0000-4000-8000-00000000000a?" + strings.Repeat("presence&", 30) + "presence"
	h.start(topicA, bad, long)
	for _, topic := range []string{bad, long} {
		if st, _ := h.sink.lastStatus(topic); st.State != "rejected" || !strings.HasPrefix(st.Reason, "invalid topic") {
			t.Errorf("%s: %+v", topic, st)
		}
	}
	h.publishSeen(topicA)
}
