package bench

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

const (
	scaleStreams = 1000
	scaleTopics  = 2000
	scaleRate    = 2000 // events/s over all topics: one per topic per second
	scaleRun     = 3 * time.Second
)

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScale opens 1 000 live streams over 2 000 topics on one data source (one
// session, one hub): each stream follows 2 topics of its own and 2 shared at random, as
// dashboards overlap. It reports the upstream subscription requests, the channels used,
// and the CPU (cores, simulator included: it runs in the same process) while every
// topic receives one event a second.
func BenchmarkScale(b *testing.B) {
	for n := 0; n < b.N; n++ {
		topics := make([]string, scaleTopics)
		for i := range topics {
			topics[i] = fmt.Sprintf("v2.users.%08x-0000-4000-8000-%012x.presence", i, i)
		}
		h := hub.New(hub.Config{})
		r := newRig(b, clockwork.NewRealClock(), simulator.Config{}, h, nil)
		r.m.Start()
		rnd := rand.New(rand.NewSource(1))
		var delivered atomic.Int64
		var wg sync.WaitGroup
		var releases []func()
		var pipes []*pipeline
		for s := 0; s < scaleStreams; s++ {
			mine := []string{topics[2*s], topics[2*s+1], topics[rnd.Intn(scaleTopics)], topics[rnd.Intn(scaleTopics)]}
			releases = append(releases, r.m.Acquire(mine...))
			p := newPipeline(h, mine, streamBuffer, nil) // generated topics: no directory names them
			p.onCount = func(n int) { delivered.Add(int64(n)) }
			pipes = append(pipes, p)
			wg.Add(1)
			go func() { defer wg.Done(); p.run() }()
		}
		r.waitConnected(b, 2) // 2 000 topics need 2 channels of 1 000
		waitPermitted(b, r, scaleTopics)

		cpu0, wall0 := cpuTime(), time.Now()
		sent := 0
		for slot := 0; time.Since(wall0) < scaleRun; slot++ {
			for k := 0; k < scaleRate/100; k++ { // 10 ms slots
				if r.sim.Publish(topics[sent%scaleTopics], map[string]any{"presenceDefinition": map[string]any{"systemPresence": "Available"}, "n": sent}) > 0 {
					sent++
				}
			}
			if wait := time.Until(wall0.Add(time.Duration(slot+1) * 10 * time.Millisecond)); wait > 0 {
				time.Sleep(wait)
			}
		}
		cores := float64(cpuTime()-cpu0) / float64(time.Since(wall0))
		time.Sleep(200 * time.Millisecond) // let the streams drain
		st := r.m.Status()
		chans := r.sim.Channels()
		subs := 0
		for _, c := range chans {
			subs += len(c.Topics)
		}
		b.ReportMetric(float64(r.sim.Count("subscribe")), "subscribe-requests")
		b.ReportMetric(float64(len(chans)), "channels")
		b.ReportMetric(float64(subs), "upstream-topics")
		b.ReportMetric(cores, "cpu-cores")
		b.ReportMetric(float64(sent), "events-sent")
		b.ReportMetric(float64(delivered.Load()), "stream-deliveries")
		var packets int64
		for _, p := range pipes {
			packets += p.out.packets.Load()
		}
		b.ReportMetric(float64(packets), "packets")
		b.ReportMetric(float64(h.Stats().Dropped), "hub-dropped")
		if len(st.Channels) > 3 {
			b.Errorf("session holds %d channels, above the default budget of 3", len(st.Channels))
		}
		for _, rel := range releases {
			rel()
		}
		for _, p := range pipes {
			p.sub.Close()
		}
		wg.Wait()
	}
}

// waitPermitted waits until n topics are permitted upstream.
func waitPermitted(tb testing.TB, r *rig, n int) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok := 0
		for _, t := range r.m.Status().Topics {
			if t.State == event.StatePermitted {
				ok++
			}
		}
		if ok >= n {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("only %d of %d topics permitted", ok, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
