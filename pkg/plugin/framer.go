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
// NoData rather than zeros.
func (a framesAdapter) Latest(topic string, e *event.Event, fields []string) (*data.Frame, error) {
	if e == nil {
		return a.Build(topic, nil, fields)
	}
	f, err := frames.Latest(topic, *e, frames.Options{Fields: fields})
	if err != nil && frames.IsMalformed(err) {
		f, _ = a.Build(topic, nil, fields)
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning, Text: "the latest event had a malformed body and was left out"})
		return f, nil
	}
	return f, err
}

func (framesAdapter) Streamer(topic string, fields []string) streamer {
	return frames.NewStreamer(topic, frames.Options{Fields: fields})
}
