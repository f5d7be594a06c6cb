package bench

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

const (
	memTopics = 5000
	// memRate is the realistic aggregate rate over 5 000 topics: one event per topic
	// every 10 s on average (observations change at most once a second per queue;
	// presence and routing status far less often).
	memRate    = memTopics / 10
	memMaxMB   = 64 // the data source default historyMaxMB
	stallQueue = 1024
)

// memBodies returns realistic event bodies from the simulator's sample.
func memBodies(tb testing.TB) []json.RawMessage {
	probe := simulator.NewTestServer(tb, simulator.Config{})
	smp, _, _ := loadSample(probe)
	out := make([]json.RawMessage, len(smp))
	for i, e := range smp {
		var env struct {
			EventBody json.RawMessage `json:"eventBody"`
		}
		_ = json.Unmarshal(e.Msg, &env)
		out[i] = append(json.RawMessage(nil), env.EventBody...) // own copy, like the session's
	}
	return out
}

func heapNow() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// fillHub feeds rate events per simulated second for d into h, round-robin over topics,
// advancing the hub's fake clock; it returns the highest heap seen (sampled each
// simulated minute, after GC).
func fillHub(h *hub.Hub, clock *clockwork.FakeClock, topics []string, bodies []json.RawMessage, rate int, d time.Duration, seq *int) uint64 {
	var peak uint64
	for sec := 0; sec < int(d/time.Second); sec++ {
		now := clock.Now()
		for k := 0; k < rate; k++ {
			i := *seq
			*seq++
			// Each event owns its body, as the session's are (one allocation per message).
			body := append(json.RawMessage(nil), bodies[i%len(bodies)]...)
			h.Event(event.Event{Topic: topics[i%len(topics)], Body: body,
				CorrelationID: "c" + strconv.Itoa(i), Received: now.Add(time.Duration(k) * time.Second / time.Duration(rate))})
		}
		clock.Advance(time.Second)
		if sec%60 == 59 || (rate > memRate && sec%10 == 9) {
			if hp := heapNow(); hp > peak {
				peak = hp
			}
		}
	}
	return peak
}

// BenchmarkMemory fills a hub with 1 h of history over 5 000 subscribed topics at a
// realistic rate on a fake clock, then runs 3 simulated minutes at 10× that rate with a
// stalled live consumer, and reports bytes per held event, peak heap, and whether the
// hub stayed within its configured bound.
func BenchmarkMemory(b *testing.B) {
	bodies := memBodies(b)
	topics := make([]string, memTopics)
	for i := range topics {
		topics[i] = fmt.Sprintf("v2.users.%08x-0000-4000-8000-%012x.presence", i, i)
	}
	for n := 0; n < b.N; n++ {
		base := heapNow()
		clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
		h := hub.New(hub.Config{Clock: clock, Retention: time.Hour, MaxBytes: memMaxMB << 20})
		stalled := h.Subscribe(topics, stallQueue) // never read
		seq := 0
		peak := fillHub(h, clock, topics, bodies, memRate, time.Hour, &seq)
		st := h.Stats()
		held := heapNow() - base
		b.ReportMetric(float64(held)/float64(st.Events), "heap-B/event")
		b.ReportMetric(float64(st.Bytes)/float64(st.Events), "hub-B/event")
		b.ReportMetric(float64(st.Events), "held-events")
		b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MiB")

		over := fillHub(h, clock, topics, bodies, 10*memRate, 3*time.Minute, &seq)
		st2 := h.Stats()
		b.ReportMetric(float64(over-base)/(1<<20), "overload-peak-heap-MiB")
		b.ReportMetric(float64(st2.Bytes)/(1<<20), "overload-hub-MiB")
		b.ReportMetric(float64(memMaxMB), "bound-MiB")
		b.ReportMetric(float64(stalled.Dropped()), "stalled-dropped")
		if st2.Bytes > memMaxMB<<20 {
			b.Errorf("hub holds %d bytes, above its %d MiB bound", st2.Bytes, memMaxMB)
		}
		stalled.Close()
		runtime.KeepAlive(h)
	}
}
