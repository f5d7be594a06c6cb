package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

type recordSender struct {
	mu      sync.Mutex
	packets []string
	got     chan struct{}
}

func newRecordSender() *recordSender { return &recordSender{got: make(chan struct{}, 1000)} }

func (r *recordSender) SendFrame(f *data.Frame, inc data.FrameInclude) error {
	b, err := data.FrameToJSON(f, inc)
	if err != nil {
		return err
	}
	return r.SendBytes(b)
}

func (r *recordSender) SendBytes(b []byte) error {
	r.mu.Lock()
	r.packets = append(r.packets, string(b))
	r.mu.Unlock()
	r.got <- struct{}{}
	return nil
}

func (r *recordSender) wait(t *testing.T, n int) []string {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-r.got:
		case <-time.After(2 * time.Second):
			t.Fatalf("only %d of %d packets arrived", i, n)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.packets...)
}

func hasSchema(p string) bool { return strings.Contains(p, `"schema"`) }

func TestRunStreamBatchesAndSendsSchemaOnce(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, up, hub := testDS(clock)
	defer d.Dispose()
	q, _ := ParseQuery([]byte(`{"topic":"v2.users.u1.presence"}`))
	out := newRecordSender()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.runStream(ctx, q, out) }()

	bctx, bcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer bcancel()
	if err := clock.BlockUntilContext(bctx, 1); err != nil { // the flush ticker
		t.Fatal(err)
	}
	waitHeld(t, up, "v2.users.u1.presence")
	hub.mu.Lock()
	feed := hub.feeds[0]
	hub.mu.Unlock()
	push := func(v float64, extra bool) {
		m := map[string]float64{"v": v}
		if extra {
			m["w"] = 1
		}
		b, _ := json.Marshal(m)
		feed.c <- event.Event{Topic: "v2.users.u1.presence", Body: b, Received: clock.Now()}
	}
	// A burst of three events becomes one packet with the schema.
	push(1, false)
	push(2, false)
	push(3, false)
	time.Sleep(5 * time.Millisecond) // let the loop take the events
	clock.Advance(flushEvery)
	p := out.wait(t, 1)
	if !hasSchema(p[0]) || !strings.Contains(p[0], "[1,2,3]") {
		t.Fatalf("first packet %s, want schema and values 1,2,3", p[0])
	}
	// Same schema: data only.
	push(4, false)
	time.Sleep(5 * time.Millisecond)
	clock.Advance(flushEvery)
	p = out.wait(t, 1)
	if hasSchema(p[1]) || !strings.Contains(p[1], "[4]") {
		t.Fatalf("second packet %s, want data only", p[1])
	}
	// Schema change: full frame again.
	push(5, true)
	time.Sleep(5 * time.Millisecond)
	clock.Advance(flushEvery)
	p = out.wait(t, 1)
	if !hasSchema(p[2]) {
		t.Fatalf("packet after a schema change has no schema: %s", p[2])
	}
	// A burst beyond flushEvents flushes without waiting for the ticker.
	go func() {
		for i := 0; i < flushEvents; i++ {
			push(float64(i), true)
		}
	}()
	p = out.wait(t, 1)
	if hasSchema(p[3]) {
		t.Errorf("full batch resent the schema")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("runStream returned %v on ctx done, want nil", err)
	}
	waitHeld(t, up, "") // topics released when the stream ends
}

func TestRunStreamEndsOnDisposeAndReportsDrops(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, up, hub := testDS(clock)
	q, _ := ParseQuery([]byte(`{"topic":"v2.users.u1.presence"}`))
	out := newRecordSender()
	done := make(chan error, 1)
	go func() { done <- d.runStream(context.Background(), q, out) }()
	bctx, bcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer bcancel()
	if err := clock.BlockUntilContext(bctx, 1); err != nil {
		t.Fatal(err)
	}
	waitHeld(t, up, "v2.users.u1.presence")
	hub.mu.Lock()
	feed := hub.feeds[0]
	hub.mu.Unlock()
	feed.mu.Lock()
	feed.dropped = 7 // the hub could not deliver 7 events to this slow viewer
	feed.mu.Unlock()
	feed.c <- event.Event{Topic: "v2.users.u1.presence", Body: []byte(`{"v":1}`), Received: clock.Now()}
	time.Sleep(5 * time.Millisecond)
	clock.Advance(flushEvery)
	if p := out.wait(t, 1); !strings.Contains(p[0], "7 events were skipped") {
		t.Errorf("no drop notice: %s", p[0])
	}
	d.Dispose()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "settings changed") {
		t.Errorf("stream after Dispose returned %v, want the restart error", err)
	}
}

// TestRunStreamSaysWhileAGapIsOpen: a live panel learns that its stream is interrupted
// while it is (a warning and, for values over time, a null row at the gap's start), and
// that it is back once the gap closes, without a new event or a reload.
func TestRunStreamSaysWhileAGapIsOpen(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, up, hub := testDS(clock)
	defer d.Dispose()
	const topic = "v2.analytics.queues.q1.observations"
	q, _ := ParseQuery([]byte(`{"topic":"` + topic + `"}`))
	out := startStream(t, d, clock, up, q)
	hub.mu.Lock()
	feed := hub.feeds[0]
	hub.mu.Unlock()
	feed.c <- event.Event{Topic: topic, Body: []byte(`{"v":4}`), Received: clock.Now()}
	time.Sleep(5 * time.Millisecond)
	clock.Advance(flushEvery)
	out.wait(t, 1)

	start := clock.Now()
	hub.mu.Lock()
	hub.gaps[topic] = []event.Gap{{Topic: topic, Start: start, Reason: "socket closed (1006)"}}
	hub.mu.Unlock()
	noticeTick(clock)
	p := out.wait(t, 1)
	if !hasSchema(p[1]) || !strings.Contains(p[1], "stream interrupted since") || !strings.Contains(p[1], "[null]") {
		t.Fatalf("packet when the gap opened: %s, want the warning and a null row", p[1])
	}
	hub.mu.Lock()
	hub.gaps[topic] = []event.Gap{{Topic: topic, Start: start, End: clock.Now(), Reason: "socket closed (1006)"}}
	hub.mu.Unlock()
	noticeTick(clock)
	p = out.wait(t, 1)
	if strings.Contains(p[2], "stream interrupted") || !hasSchema(p[2]) {
		t.Fatalf("packet when the gap closed: %s, want the schema without the warning", p[2])
	}
}

// TestRunStreamSaysSoOnAStreamThatHadNothingToSend: a panel opened during an outage gets
// no event on its stream; it must still learn that the stream is interrupted (found on
// Grafana 13.1: the warning waited for a first event, so a wall screen reloaded during an
// outage showed its last values with no word).
func TestRunStreamSaysSoOnAStreamThatHadNothingToSend(t *testing.T) {
	clock := clockwork.NewFakeClock()
	d, up, hub := testDS(clock)
	defer d.Dispose()
	const topic = "v2.analytics.queues.q1.observations"
	hub.add(topic, clock.Now().Add(-time.Minute), 4) // the history the query returned
	hub.mu.Lock()
	hub.gaps[topic] = []event.Gap{{Topic: topic, Start: clock.Now().Add(-10 * time.Second), Reason: "socket closed (1006)"}}
	hub.mu.Unlock()
	q, _ := ParseQuery([]byte(`{"topic":"` + topic + `","fields":["v"]}`))
	out := startStream(t, d, clock, up, q)
	noticeTick(clock)
	p := out.wait(t, 1)
	if !hasSchema(p[0]) || !strings.Contains(p[0], "stream interrupted since") {
		t.Fatalf("first packet: %s, want the schema with the warning", p[0])
	}
	if !strings.Contains(p[0], `"v"`) {
		t.Errorf("the notice's schema is not the query frame's (no field v): %s", p[0])
	}
}

// startStream runs q's stream until the test ends and returns what it sent, once the
// stream waits on its flush ticker and holds q's topics upstream.
func startStream(t *testing.T, d *Datasource, clock *clockwork.FakeClock, up *fakeUp, q Query) *recordSender {
	t.Helper()
	out := newRecordSender()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { _ = d.runStream(ctx, q, out) }()
	bctx, bcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer bcancel()
	if err := clock.BlockUntilContext(bctx, 1); err != nil {
		t.Fatal(err)
	}
	waitHeld(t, up, strings.Join(q.Topics(), ","))
	return out
}

// noticeTick moves the clock through one notice check of a running stream (gapCheckTicks
// flushes), letting the stream goroutine run between them.
func noticeTick(clock *clockwork.FakeClock) {
	for i := 0; i < gapCheckTicks; i++ {
		clock.Advance(flushEvery)
		time.Sleep(time.Millisecond)
	}
}
