package bench

import (
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// streamBuffer is pkg/plugin's per-stream hub queue bound.
const streamBuffer = livestream.Buffer

// ingestSink builds the end of the full path: the hub (history + fan-out) and the live
// streams a dashboard over topics runs in the plugin (one Grafana Live channel per
// topic, flushed on the plugin's tick or event count, labelled with n's names), turning
// events into packets.
// delivered is called with the number of events in each ready packet; streams.Dropped
// counts the events the hub dropped because a stream fell behind.
func ingestSink(tb testing.TB, topics []string, n namer, delivered func(n int)) (*hub.Hub, *liveStreams) {
	h := hub.New(hub.Config{})
	ls := startLiveStreams(h, topics, true, n, func(p *pipeline) { p.onCount = delivered })
	tb.Cleanup(ls.Close)
	return h, ls
}

var _ session.Sink = (*hub.Hub)(nil)
