package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
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

// BenchmarkIngestBare is the baseline: one loop reading the replayed socket into a
// reused buffer and decoding each message's envelope with the session's decoder,
// nothing else.
func BenchmarkIngestBare(b *testing.B) {
	names := map[string]string{}
	bareLoop(b, func(data []byte) (string, error) {
		topic, _, _, err := session.DecodeEnvelope(data, names)
		return topic, err
	})
}

// BenchmarkIngestBareStdlib is the same loop decoding the envelope with json.Unmarshal:
// the baseline the earlier runs (and the "before" figures) used.
func BenchmarkIngestBareStdlib(b *testing.B) {
	var env bareEnvelope
	bareLoop(b, func(data []byte) (string, error) {
		env = bareEnvelope{}
		err := json.Unmarshal(data, &env)
		return env.TopicName, err
	})
}

func bareLoop(b *testing.B, decode func([]byte) (topic string, err error)) {
	sim := simulator.NewTestServer(b, simulator.Config{})
	_, msgs, size := loadSample(sim)
	rp := startReplay(b, sim.URL(), msgs)
	ws, _, err := websocket.DefaultDialer.Dial(strings.Replace(rp.URL, "http", "ws", 1)+"/channels/bare", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(2 * time.Minute)) // a stalled replay fails the run
	for rp.upgrades(b) < 1 {
		time.Sleep(time.Millisecond)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	rp.send(b, b.N, 0)
	var buf bytes.Buffer
	for i := 0; i < b.N; i++ {
		_, r, err := ws.NextReader()
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			b.Fatal(err)
		}
		if topic, err := decode(buf.Bytes()); err != nil || topic == "" {
			b.Fatalf("envelope: %v", err)
		}
	}
	reportRate(b, b.N, cpuTime()-cpu0)
}

// reportRate reports events per wall-clock second and per CPU second of this process
// (the replay writer is another process): on a shared machine the second is the
// per-core figure, the first also counts time spent waiting for a core.
func reportRate(b *testing.B, events int, cpu time.Duration) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/event")
}

// replayRig is a session manager whose REST calls reach a simulator through the replay
// process and whose socket is the replay process's.
type replayRig struct {
	sim *simulator.Server
	rp  *replay
	m   *session.Manager
}

func newReplayRig(tb testing.TB, msgs [][]byte, sim *simulator.Server, sink session.Sink) *replayRig {
	tb.Helper()
	rp := startReplay(tb, sim.URL(), msgs)
	hc := &http.Client{Timeout: 10 * time.Second}
	clock := clockwork.NewRealClock()
	src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: "sim-secret", LoginURL: sim.URL(), Clock: clock, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	api, err := genesys.New(rp.URL, hc)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := session.New(session.Config{Name: "bench", Auth: src, API: api, Clock: clock, Rand: rand.New(rand.NewSource(1)),
		Sink: sink, Logger: log.NewNullLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(m.Close)
	return &replayRig{sim: sim, rp: rp, m: m}
}

// connect starts the manager on topics and waits (real time) for its socket.
func (r *replayRig) connect(tb testing.TB, topics []string) (release func()) {
	tb.Helper()
	r.m.Start()
	release = r.m.Acquire(topics...)
	deadline := time.Now().Add(10 * time.Second)
	for !r.m.Status().Connected() || r.rp.upgrades(tb) < 1 {
		if time.Now().After(deadline) {
			tb.Fatalf("not connected after 10s: %+v", r.m.Status())
		}
		time.Sleep(time.Millisecond)
	}
	return release
}

// BenchmarkIngestFull runs the plugin's path on the same replayed stream: the session's
// socket reader (read, size limit, envelope decode, dedupe, gap bookkeeping), the hub
// (history + fan-out) and the live streams of a dashboard over every sampled topic, one
// Grafana Live channel per topic as pkg/plugin streams them, with the queue and user
// name labels of a directory loaded from the simulator, building packets.
func BenchmarkIngestFull(b *testing.B) {
	sim := simulator.NewTestServer(b, simulator.Config{})
	smp, msgs, size := loadSample(sim)
	topics := sampleTopics(smp)
	dir := simNames(b, sim, topics)
	var seen atomic.Int64
	var target atomic.Int64
	target.Store(1 << 62)
	done := make(chan struct{}, 1)
	var streams atomic.Pointer[liveStreams]
	h, ls := ingestSink(b, topics, dir, func(n int) {
		if seen.Add(int64(n))+int64(streams.Load().Dropped()) >= target.Load() {
			select {
			case done <- struct{}{}:
			default:
			}
		}
	})
	streams.Store(ls)
	r := newReplayRig(b, msgs, sim, h)
	release := r.connect(b, topics)
	defer release()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	target.Store(int64(b.N))
	cpu0 := cpuTime()
	r.rp.send(b, b.N, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for seen.Load()+int64(ls.Dropped()) < int64(b.N) {
		select {
		case <-done:
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
			b.Fatalf("only %d of %d events arrived; status %+v", seen.Load(), b.N, r.m.Status())
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	ls.Close()
	dropped := ls.Dropped()
	// events/s counts events that reached a packet; events the hub dropped because the
	// stream fell behind its bounded queue are reported apart (they stay in history).
	reportRate(b, int(seen.Load()), cpu)
	b.ReportMetric(float64(dropped), "dropped")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ingested/s") // through the session into the hub
	b.ReportMetric(float64(len(topics)), "topics")
}
