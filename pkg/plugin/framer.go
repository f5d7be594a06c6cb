package plugin

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
)

// newFramer returns the frame builder (pkg/frames).
func newFramer() framer { return framesAdapter{} }

// framesAdapter maps pkg/frames onto framer. Malformed bodies are not query errors:
// pkg/frames leaves them out and puts a notice on the frame.
type framesAdapter struct{}

func (framesAdapter) Build(topic string, evs []event.Event, fields []string) (*data.Frame, error) {
	f, err := frames.Build(topic, evs, frames.Options{Fields: fields})
	if err != nil && frames.IsMalformed(err) {
		return f, nil
	}
	return f, err
}

// Latest with no event is the empty frame of the topic: no values, so alerting sees
// NoData rather than zeros. evs are the topic's recent events, oldest first.
func (a framesAdapter) Latest(topic string, evs []event.Event, fields []string) (*data.Frame, error) {
	f, err := frames.Latest(topic, evs, frames.Options{Fields: fields})
	if err != nil && frames.IsMalformed(err) {
		return f, nil // the notice says how many bodies were left out
	}
	return f, err
}

func (framesAdapter) Streamer(topic string, fields []string) streamer {
	return frames.NewStreamer(topic, frames.Options{Fields: fields})
}
