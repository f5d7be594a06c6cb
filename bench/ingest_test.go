package bench

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// sampleSize exceeds the session's correlation-id dedupe window (8192) so that cycling
// the sample never turns events into duplicates.
const sampleSize = 20000

var (
	sampleOnce sync.Once
	sample     []simulator.SampledEvent
	payloads   [][]byte
	avgBytes   int
)

// loadSample encodes realistic messages (observations, conversations, presence,
// routing status, detail events) once per process.
func loadSample(sim *simulator.Server) ([]simulator.SampledEvent, [][]byte, int) {
	sampleOnce.Do(func() {
		sample = sim.SampleEvents(sampleSize)
		payloads = make([][]byte, len(sample))
		total := 0
		for i, e := range sample {
			payloads[i] = e.Msg
			total += len(e.Msg)
		}
		avgBytes = total / len(sample)
	})
	return sample, payloads, avgBytes
}

// bareEnvelope is what the baseline decodes: the envelope with the body left raw.
type bareEnvelope struct {
	TopicName string          `json:"topicName"`
	EventBody json.RawMessage `json:"eventBody"`
	Metadata  struct {
		CorrelationID string `json:"CorrelationId"`
	} `json:"metadata"`
}

// BenchmarkIngestBare is the baseline: a loop that only reads the same simulator socket
// and decodes the JSON envelope of each message.
func BenchmarkIngestBare(b *testing.B) {
	sim := simulator.NewTestServer(b, simulator.Config{})
	_, msgs, size := loadSample(sim)
	ctx := context.Background()
	hc := &http.Client{Timeout: 10 * time.Second}
	src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: "sim-secret", LoginURL: sim.URL(), HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := src.Token(ctx)
	if err != nil {
		b.Fatal(err)
	}
	api, _ := genesys.New(sim.URL(), hc)
	ch, err := api.CreateChannel(ctx, tok.Value)
	if err != nil {
		b.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(ch.ConnectURI, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sim.WaitCount(wctx, "upgrade", 1); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	go sim.Blast(ch.ID, msgs, b.N)
	var env bareEnvelope
	for i := 0; i < b.N; {
		_, r, err := ws.NextReader()
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			b.Fatal(err)
		}
		env = bareEnvelope{}
		if err := json.Unmarshal(data, &env); err != nil {
			b.Fatal(err)
		}
		if env.TopicName != "channel.metadata" { // heartbeats are not sample events
			i++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkIngestFull runs the plugin's path on the same socket and payloads: the
// session's socket reader (read, size limit, envelope decode, dedupe, gap bookkeeping),
// the hub (history + fan-out) and a live stream building Grafana Live packets.
func BenchmarkIngestFull(b *testing.B) {
	clock := clockwork.NewRealClock()
	probe := simulator.NewTestServer(b, simulator.Config{})
	smp, msgs, size := loadSample(probe)
	topics := sampleTopics(smp)
	var seen atomic.Int64
	var target atomic.Int64
	target.Store(1 << 62)
	done := make(chan struct{}, 1)
	var sub *droppedAware
	sink, stop := ingestSink(b, topics, func(n int) {
		if seen.Add(int64(n))+int64(sub.sub.sub.Dropped()) >= target.Load() {
			select {
			case done <- struct{}{}:
			default:
			}
		}
	})
	sub = sink.(*droppedAware)
	r := newRig(b, clock, simulator.Config{}, sink, nil)
	r.m.Start()
	release := r.m.Acquire(topics...)
	defer release()
	r.waitConnected(b, 1)
	id := r.connectedChannel(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	target.Store(int64(b.N))
	go r.sim.Blast(id, msgs, b.N)
	deadline := time.After(2 * time.Minute)
	for seen.Load()+int64(sub.sub.sub.Dropped()) < int64(b.N) {
		select {
		case <-done:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			b.Fatalf("only %d of %d events arrived; status %+v", seen.Load(), b.N, r.m.Status())
		}
	}
	b.StopTimer()
	dropped := stop()
	// events/s counts events that reached a packet; events the hub dropped because the
	// stream fell behind its bounded queue are reported apart (they stay in history).
	b.ReportMetric(float64(seen.Load())/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(dropped), "dropped")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ingested/s") // through the session into the hub
	b.ReportMetric(float64(len(topics)), "topics")
}
