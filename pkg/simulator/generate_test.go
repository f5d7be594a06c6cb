package simulator

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestGeneratorPublishesOnFakeClock(t *testing.T) {
	s, fc := newSim(t, Config{Seed: 9, HeartbeatInterval: time.Hour})
	var topics []string
	for _, q := range s.Population().Queues {
		topics = append(topics, "v2.analytics.queues."+q.ID+".observations", "v2.detail.events.conversation."+q.ID+".acd.start")
	}
	_, c, ws := connected(t, s, topics...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.StartGenerator(ctx, GeneratorConfig{Rate: 2, Tick: time.Second})
	if err := fc.BlockUntilContext(ctx, 2); err != nil { // heartbeat + generator tickers
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		fc.Advance(time.Second)
	}
	waitFor(t, "events sent", func() bool { return s.Channels()[0].Sent > 5 })
	got := map[string]int{}
	for i := int64(0); i < s.Channels()[0].Sent; i++ {
		m := readMsg(t, ws)
		got[m["topicName"].(string)[:12]]++
		if m["version"] != "2" {
			t.Fatalf("envelope %v", m)
		}
	}
	if got["v2.analytics"] == 0 || got["v2.detail.ev"] == 0 {
		t.Errorf("events by topic prefix: %v", got)
	}
	// stops with its context
	cancel()
	waitFor(t, "generator stopped", func() bool {
		bctx, c2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer c2()
		return fc.BlockUntilContext(bctx, 2) != nil
	})
	_ = c
}

func TestSameSeedSamePopulation(t *testing.T) {
	a, _ := newSim(t, Config{Seed: 3})
	b, _ := newSim(t, Config{Seed: 3})
	if !reflect.DeepEqual(a.Population(), b.Population()) {
		t.Fatal("same seed, different population")
	}
}

func TestSampleAndBlast(t *testing.T) {
	s, _ := newSim(t, Config{SocketQueue: 64})
	_, c, ws := connected(t, s)
	sample := s.SampleEvents(1000)
	if len(sample) != 1000 {
		t.Fatalf("%d samples", len(sample))
	}
	var env map[string]any
	if err := json.Unmarshal(sample[0].Msg, &env); err != nil || env["topicName"] != sample[0].Topic {
		t.Fatalf("sample %s: %v", sample[0].Msg, err)
	}
	payloads := make([][]byte, len(sample))
	for i, e := range sample {
		payloads[i] = e.Msg
	}
	const n = 20000
	done := make(chan int, 1)
	go func() { done <- s.Blast(c.ID, payloads, n) }()
	begin := time.Now()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := 0; i < n; i++ {
		if _, _, err := ws.ReadMessage(); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if got := <-done; got != n {
		t.Fatalf("Blast queued %d", got)
	}
	t.Logf("blast: %d messages in %v (%.0f/s)", n, time.Since(begin), n/time.Since(begin).Seconds())
}

// TestServerGeneratorReplays runs two servers with the same seed and the same fake-clock
// steps and expects the same topics and event bodies in the same order.
func TestServerGeneratorReplays(t *testing.T) {
	runOnce := func() []string {
		s, fc := newSim(t, Config{Seed: 21, Queues: 3, Agents: 8, HeartbeatInterval: time.Hour})
		var topics []string
		for _, q := range s.Population().Queues {
			topics = append(topics, "v2.analytics.queues."+q.ID+".observations", "v2.routing.queues."+q.ID+".conversations")
		}
		_, _, ws := connected(t, s, topics...)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.StartGenerator(ctx, GeneratorConfig{Rate: 1, Tick: time.Second})
		if err := fc.BlockUntilContext(ctx, 2); err != nil {
			t.Fatal(err)
		}
		for i := int64(1); i <= 60; i++ {
			fc.Advance(time.Second)
			waitFor(t, "generator step", func() bool { return s.GeneratorSteps() == i })
		}
		waitFor(t, "all sent", func() bool { return s.Channels()[0].Sent == s.Channels()[0].Queued })
		var out []string
		for i := int64(0); i < s.Channels()[0].Sent; i++ {
			m := readMsg(t, ws)
			body, _ := json.Marshal(m["eventBody"])
			out = append(out, m["topicName"].(string)+" "+string(body))
		}
		return out
	}
	a, b := runOnce(), runOnce()
	if len(a) < 20 {
		t.Fatalf("only %d events in a minute", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed and clock steps, different events (%d vs %d)", len(a), len(b))
	}
}
