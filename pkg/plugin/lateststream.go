package plugin

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// latestStreamer makes each packet of a "latest" stream the topic's whole current state
// (what a latest query answers), not the rows of the new events. The frontend replaces
// a latest stream's frame with each packet (StreamingFrameAction.Replace): a packet of
// raw events would replace the row with a partial one (an interval-totals notification
// carries no oWaiting, so the stat would go blank until the next observation).
type latestStreamer struct {
	d      *Datasource
	topic  string
	fields []string
}

func (s latestStreamer) Frame(_ []event.Event) (*data.Frame, bool) {
	evs := s.d.latestEvents(s.topic, s.d.clock.Now())
	if len(evs) == 0 {
		return nil, false
	}
	f, err := s.d.frames.Latest(s.topic, evs, s.fields)
	if err != nil && f == nil {
		return nil, false
	}
	return f, false // the batcher compares schemas itself
}
