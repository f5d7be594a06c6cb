package bench

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// latencyRun is how long each rate is held (real time).
const latencyRun = 2 * time.Second

// BenchmarkLatency measures the time the plugin adds between an event's arrival (the
// session stamps Received when it reads the message) and the ready Grafana Live packet
// that carries it, at rates paced by the replay process (the writer is not in this
// process), through one live stream per topic as pkg/plugin runs them. pkg/plugin additionally waits up to its
// 100 ms flush tick (or 500 events) before sending: that batching wait is not included.
func BenchmarkLatency(b *testing.B) {
	for _, rate := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				lat, sent := measureLatency(b, rate)
				if len(lat) == 0 {
					b.Fatal("no event reached a packet")
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
				b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
				b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
				b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
				b.ReportMetric(float64(len(lat)), "events")
				b.ReportMetric(float64(sent-len(lat)), "missing")
			}
		})
	}
}

func measureLatency(b *testing.B, rate int) ([]time.Duration, int) {
	h := hub.New(hub.Config{})
	sim := simulator.NewTestServer(b, simulator.Config{})
	smp, msgs, _ := loadSample(sim)
	topics := sampleTopics(smp)
	dir := simNames(b, sim, topics)
	var mu sync.Mutex
	var lat []time.Duration
	// One stream per topic as the plugin runs them, flushing whenever its queue is empty.
	ls := startLiveStreams(h, topics, false, dir, func(p *pipeline) {
		p.onPacket = func(evs []event.Event, ready time.Time) {
			mu.Lock()
			for _, e := range evs {
				lat = append(lat, ready.Sub(e.Received))
			}
			mu.Unlock()
		}
	})
	defer ls.Close()
	r := newReplayRig(b, msgs, sim, h)
	release := r.connect(b, topics)
	defer release()

	// The replay process paces the recorded frames in 1 ms slots of rate/1000.
	sent := int(latencyRun.Seconds() * float64(rate))
	r.rp.send(b, sent, rate)
	deadline := time.Now().Add(latencyRun + 5*time.Second)
	for {
		mu.Lock()
		n := len(lat)
		mu.Unlock()
		if n+int(ls.Dropped()) >= sent || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	release()
	ls.Close()
	mu.Lock()
	defer mu.Unlock()
	return append([]time.Duration(nil), lat...), sent
}
