package hub

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

var t0 = time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)

func ev(topic string, at time.Time, n int) event.Event {
	return event.Event{Topic: topic, Body: json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)), Received: at}
}

func bodies(es []event.Event) string {
	s := ""
	for _, e := range es {
		s += string(e.Body)
	}
	return s
}

func TestHistoryOrderRangeAndCase(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0.Add(10 * time.Second))
	h := New(Config{Clock: clock})
	for i := 0; i < 5; i++ {
		h.Event(ev("v2.users.U1.presence", t0.Add(time.Duration(i)*time.Second), i))
	}
	h.Event(ev("v2.users.U2.presence", t0, 99))
	tests := []struct {
		name     string
		topic    string
		from, to time.Time
		want     string
	}{
		{"all", "V2.USERS.u1.PRESENCE", t0, time.Time{}, `{"n":0}{"n":1}{"n":2}{"n":3}{"n":4}`},
		{"inclusive bounds", "v2.users.u1.presence", t0.Add(time.Second), t0.Add(3 * time.Second), `{"n":1}{"n":2}{"n":3}`},
		{"empty range", "v2.users.u1.presence", t0.Add(time.Minute), time.Time{}, ``},
		{"unknown topic", "v2.users.nobody.presence", t0, time.Time{}, ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bodies(h.History(tc.topic, tc.from, tc.to)); got != tc.want {
				t.Fatalf("History = %s, want %s", got, tc.want)
			}
		})
	}
}

// A rejected event is counted for its topic, never stored.
func TestRejectedCounted(t *testing.T) {
	h := New(Config{Clock: clockwork.NewFakeClockAt(t0.Add(time.Minute))})
	h.Rejected(event.Rejected{Topic: "A", At: t0.Add(2 * time.Second), Reason: "late"})
	h.Rejected(event.Rejected{Topic: "a", At: t0.Add(time.Second), Reason: "early"}) // arrived out of order
	h.Event(ev("a", t0, 1))
	if r := h.Rejections("a"); r.Count != 2 || !r.Last.Equal(t0.Add(2*time.Second)) || r.Reason != "late" {
		t.Errorf("Rejections = %+v", r)
	}
	if st := h.Stats(); st.Rejected != 2 || st.Events != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestOutOfOrderArrivalStillSorted(t *testing.T) {
	h := New(Config{Clock: clockwork.NewFakeClockAt(t0.Add(time.Minute))})
	h.Event(ev("a", t0.Add(2*time.Second), 2))
	h.Event(ev("a", t0.Add(1*time.Second), 1))
	h.Event(ev("a", t0.Add(3*time.Second), 3))
	if got := bodies(h.History("a", t0, time.Time{})); got != `{"n":1}{"n":2}{"n":3}` {
		t.Fatalf("History = %s", got)
	}
	if e, ok := h.LastBefore("a", t0.Add(2500*time.Millisecond)); !ok || string(e.Body) != `{"n":2}` {
		t.Fatalf("LastBefore = %s %v", e.Body, ok)
	}
}

func TestLastAndLastBefore(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	h := New(Config{Clock: clock, Retention: time.Minute})
	if _, ok := h.Last("a"); ok {
		t.Fatal("Last of an unknown topic")
	}
	h.Event(ev("a", t0, 1))
	h.Event(ev("a", t0.Add(10*time.Second), 2))
	if e, _ := h.LastBefore("a", t0.Add(5*time.Second)); string(e.Body) != `{"n":1}` {
		t.Fatalf("LastBefore = %s", e.Body)
	}
	if _, ok := h.LastBefore("a", t0); ok {
		t.Fatal("LastBefore is strict")
	}
	// Past retention the history is gone but the last value stays current.
	clock.Advance(time.Hour)
	h.Event(ev("b", clock.Now(), 0))
	if got := h.History("a", t0, time.Time{}); len(got) != 0 {
		t.Fatalf("history kept past retention: %s", bodies(got))
	}
	if e, ok := h.Last("A"); !ok || string(e.Body) != `{"n":2}` {
		t.Fatalf("Last = %s %v", e.Body, ok)
	}
	if e, ok := h.LastBefore("a", clock.Now()); !ok || string(e.Body) != `{"n":2}` {
		t.Fatalf("LastBefore after eviction = %s %v", e.Body, ok)
	}
}

func TestByteBoundEvictsOldestAcrossTopics(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	one := int64(len(`{"n":0}`)+len("a")) + eventOverhead
	h := New(Config{Clock: clock, MaxBytes: 10 * one})
	for i := 0; i < 100; i++ {
		topic := "a"
		if i%2 == 1 {
			topic = "b"
		}
		h.Event(ev(topic, t0.Add(time.Duration(i)*time.Millisecond), i%10))
		if s := h.Stats(); s.Bytes > 10*one {
			t.Fatalf("after %d events: %d bytes held, bound %d", i, s.Bytes, 10*one)
		}
	}
	s := h.Stats()
	if s.Events != 10 || s.Evicted != 90 {
		t.Fatalf("stats = %+v", s)
	}
	// The survivors are the newest five of each topic.
	if got := len(h.History("a", t0, time.Time{})); got != 5 {
		t.Fatalf("a holds %d", got)
	}
	if e := h.History("b", t0, time.Time{}); len(e) != 5 || !e[0].Received.Equal(t0.Add(91*time.Millisecond)) {
		t.Fatalf("b holds %d from %v", len(e), e[0].Received)
	}
}

func TestPerTopicBoundAndCompaction(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	h := New(Config{Clock: clock, MaxEventsPerTopic: 3})
	h.Event(ev("quiet", t0, 1))
	for i := 0; i < 10_000; i++ {
		h.Event(ev("noisy", t0.Add(time.Duration(i)*time.Microsecond), i%10))
	}
	if n := len(h.History("noisy", t0, time.Time{})); n != 3 {
		t.Fatalf("noisy holds %d", n)
	}
	if n := len(h.History("quiet", t0, time.Time{})); n != 1 {
		t.Fatalf("quiet holds %d", n)
	}
	h.mu.RLock()
	orderLen := h.order.Len()
	h.mu.RUnlock()
	if orderLen > 3000 {
		t.Fatalf("global order not compacted: %d entries for 4 events", orderLen)
	}
	if s := h.Stats(); s.Events != 4 || s.Evicted != 9997 {
		t.Fatalf("stats = %+v", s)
	}
}

func TestGaps(t *testing.T) {
	h := New(Config{Clock: clockwork.NewFakeClockAt(t0)})
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	h.Gap(event.Gap{Topic: "A", Start: at(10), Reason: "socket closed (1006)"})
	if g := h.Gaps("a", at(0), at(5)); len(g) != 0 {
		t.Fatalf("gap starting later overlaps: %+v", g)
	}
	if g := h.Gaps("a", at(100), time.Time{}); len(g) != 1 || !g[0].Open() {
		t.Fatalf("open gap not reported: %+v", g)
	}
	h.Gap(event.Gap{Topic: "a", Start: at(10), End: at(20), Reason: "socket closed (1006)"})
	if g := h.Gaps("a", at(0), time.Time{}); len(g) != 1 || !g[0].End.Equal(at(20)) {
		t.Fatalf("closing did not end the gap: %+v", g)
	}
	if g := h.Gaps("a", at(21), time.Time{}); len(g) != 0 {
		t.Fatalf("closed gap overlaps a later range: %+v", g)
	}
	h.Gap(event.Gap{Topic: "a", Start: at(20), End: at(30), Reason: "channel expired"}) // adjacent: merged
	if g := h.Gaps("a", at(0), time.Time{}); len(g) != 1 || !g[0].End.Equal(at(30)) {
		t.Fatalf("adjacent gap not merged: %+v", g)
	}
	// A gap opening where the last one ended is merged, and its close ends the merged one.
	h.Gap(event.Gap{Topic: "a", Start: at(30), Reason: "socket closed (1006)"})
	if g := h.Gaps("a", at(0), time.Time{}); len(g) != 1 || !g[0].Open() {
		t.Fatalf("reopened gap: %+v", g)
	}
	h.Gap(event.Gap{Topic: "a", Start: at(30), End: at(40)})
	if g := h.Gaps("a", at(0), time.Time{}); len(g) != 1 || !g[0].End.Equal(at(40)) || !g[0].Start.Equal(at(10)) {
		t.Fatalf("merged gap not closed: %+v", g)
	}
	for i := 0; i < 300; i++ {
		h.Gap(event.Gap{Topic: "a", Start: at(100 + 2*i), End: at(101 + 2*i)})
	}
	g := h.Gaps("a", at(0), time.Time{})
	if len(g) != MaxGapsPerTopic || !g[len(g)-1].Start.Equal(at(100+2*299)) {
		t.Fatalf("%d gaps kept, last %+v", len(g), g[len(g)-1])
	}
}

func TestStatus(t *testing.T) {
	h := New(Config{})
	if _, ok := h.Status("x"); ok {
		t.Fatal("status of unknown topic")
	}
	h.TopicStatus(event.TopicStatus{Topic: "X", State: event.StateRejected, MissingPermissions: []string{"analytics:queueObservation:view"}})
	if s, ok := h.Status("x"); !ok || s.State != event.StateRejected || s.MissingPermissions[0] != "analytics:queueObservation:view" {
		t.Fatalf("Status = %+v %v", s, ok)
	}
}

func TestSubscriptionDropsWhenSlowAndCloses(t *testing.T) {
	h := New(Config{Clock: clockwork.NewFakeClockAt(t0)})
	slow := h.Subscribe([]string{"A", "a", "b"}, 2)
	other := h.Subscribe([]string{"c"}, 10)
	for i := 0; i < 5; i++ {
		h.Event(ev("a", t0, i)) // must not block although nobody reads
	}
	h.Event(ev("c", t0, 7))
	if slow.Dropped() != 3 || len(slow.C()) != 2 {
		t.Fatalf("dropped %d, queued %d", slow.Dropped(), len(slow.C()))
	}
	if e := <-other.C(); string(e.Body) != `{"n":7}` || len(other.C()) != 0 {
		t.Fatalf("other got %s", e.Body)
	}
	if s := h.Stats(); s.Dropped != 3 || s.Subscribers != 2 {
		t.Fatalf("stats %+v", s)
	}
	slow.Close()
	slow.Close()
	h.Event(ev("a", t0, 9))
	n := 0
	for range slow.C() {
		n++
	}
	if n != 2 {
		t.Fatalf("read %d after close, want the 2 queued", n)
	}
	if s := h.Stats(); s.Subscribers != 1 {
		t.Fatalf("stats %+v", s)
	}
	other.Close()
}

func TestConcurrentUse(t *testing.T) {
	h := New(Config{MaxBytes: 1 << 16})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				h.History("t1", time.Time{}, time.Time{})
				h.LastBefore("t2", time.Now())
				s := h.Subscribe([]string{"t1"}, 1)
				s.Close()
			}
		}()
	}
	for i := 0; i < 20_000; i++ {
		h.Event(ev(fmt.Sprintf("t%d", i%3), time.Now(), i))
		if i%100 == 0 {
			h.Gap(event.Gap{Topic: "t1", Start: time.Now()})
		}
	}
	close(stop)
	wg.Wait()
	if s := h.Stats(); s.Bytes > 1<<16 {
		t.Fatalf("bound exceeded: %+v", s)
	}
}

// TestEventUnlessNewer: a refill never replaces a notification that arrived after its
// request was sent, and the events of one answer all go in.
func TestEventUnlessNewer(t *testing.T) {
	clock := clockwork.NewFakeClock()
	h := New(Config{Clock: clock})
	sent := clock.Now()
	clock.Advance(time.Second)
	h.Event(event.Event{Topic: "t", Body: []byte(`1`), Received: clock.Now()}) // a notification while the request was out
	if h.EventUnlessNewer(event.Event{Topic: "t", Body: []byte(`2`), Received: clock.Now(), Refilled: true}, sent) {
		t.Fatal("a refill replaced a newer notification")
	}
	sent = clock.Now()
	clock.Advance(time.Second)
	for _, b := range []string{`3`, `4`} {
		if !h.EventUnlessNewer(event.Event{Topic: "t", Body: []byte(b), Received: clock.Now(), Refilled: true}, sent) {
			t.Fatalf("refill %s refused", b)
		}
	}
	if e, _ := h.Last("t"); string(e.Body) != `4` || !e.Refilled {
		t.Fatalf("last %s", e.Body)
	}
}
