package plugin

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
)

// newFramer returns the frame builder (pkg/frames) whose frames carry the names of
// n beside the ids (n may be nil: ids only).
func newFramer(n namer) framer { return framesAdapter{names: n} }

// framesAdapter maps pkg/frames onto framer and adds the name labels. Malformed
// bodies are not query errors: pkg/frames leaves them out and puts a notice on the frame.
type framesAdapter struct{ names namer }

func (a framesAdapter) Build(topic string, evs []event.Event, fields []string) (*data.Frame, error) {
	f, err := frames.Build(topic, evs, frames.Options{Fields: fields})
	addNames(f, a.names)
	if err != nil && frames.IsMalformed(err) {
		return f, nil
	}
	return f, err
}

// Latest with no event is the empty frame of the topic: no values, so alerting sees
// NoData rather than zeros. evs are the topic's recent events, oldest first.
func (a framesAdapter) Latest(topic string, evs []event.Event, fields []string) (*data.Frame, error) {
	f, err := frames.Latest(topic, evs, frames.Options{Fields: fields})
	addNames(f, a.names)
	if err != nil && frames.IsMalformed(err) {
		return f, nil // the notice says how many bodies were left out
	}
	return f, err
}

func (a framesAdapter) Streamer(topic string, fields []string) streamer {
	return namedStreamer{s: frames.NewStreamer(topic, frames.Options{Fields: fields}), names: a.names}
}

// LiveStreamer is the streamer of one live channel exactly as the plugin builds it:
// pkg/frames with the name labels of n (nil: ids only). Exported for the ingestion
// benchmark (bench/), which must measure the plugin's own path, names included.
func LiveStreamer(n namer, topic string, fields []string) livestream.Streamer {
	return framesAdapter{names: n}.Streamer(topic, fields)
}

// namedStreamer adds the name labels to each packet. A name learnt mid-stream changes
// the labels, hence the schema: the batcher's schema comparison then sends the full
// schema once, and data-only packets again after it.
type namedStreamer struct {
	s     streamer
	names namer
}

func (n namedStreamer) Frame(evs []event.Event) (*data.Frame, bool) {
	f, changed := n.s.Frame(evs)
	addNames(f, n.names)
	return f, changed
}
