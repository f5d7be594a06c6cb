package bench

import (
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// streamBuffer is pkg/plugin's per-stream hub queue bound.
const streamBuffer = livestream.Buffer

// ingestSink builds the end of the full path: the hub (history + fan-out) and one live
// stream over topics turning events into Grafana Live packets. delivered is called with
// the number of events in each ready packet; stop ends the stream and returns how many
// events the hub dropped because the stream fell behind.
func ingestSink(tb testing.TB, topics []string, delivered func(n int)) (sink session.Sink, stop func() (dropped uint64)) {
	h := hub.New(hub.Config{})
	p := newPipeline(h, topics, streamBuffer)
	p.onCount = delivered
	done := make(chan struct{})
	go func() { defer close(done); p.run() }()
	var once bool
	stop = func() uint64 {
		if !once {
			once = true
			p.sub.Close()
			<-done
		}
		return p.sub.Dropped()
	}
	tb.Cleanup(func() { stop() })
	return &droppedAware{Hub: h, sub: p}, stop
}

// droppedAware lets the benchmark count hub drops as reaching the end (lost, reported).
type droppedAware struct {
	*hub.Hub
	sub *pipeline
}

var _ session.Sink = (*droppedAware)(nil)
