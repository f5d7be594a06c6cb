package plugin

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
)

// gapCheckTicks: a stream looks for open gaps on its topics every 10 flush ticks (1 s).
const gapCheckTicks = 10

// streamGaps tells a live panel while its topics are in a gap: when a gap opens, the
// stream sends a packet with a warning ("stream interrupted since T") and, for values
// over time, a null row at the gap's start so the line breaks there; when it closes,
// a packet without the warning. Before, a wall screen kept its last numbers and the
// green live dot for the whole outage.
type streamGaps struct {
	d      *Datasource
	topics []string
	open   map[string]time.Time // topic → start of the gap the viewer was told about
}

func (g *streamGaps) update(b *livestream.Batcher) error {
	now := g.d.clock.Now()
	for _, topic := range g.topics {
		var start time.Time
		var reason string
		for _, gap := range g.d.hub.Gaps(topic, now, time.Time{}) {
			if gap.Open() {
				start, reason = gap.Start, gap.Reason
			}
		}
		told, was := g.open[topic]
		switch {
		case !start.IsZero() && (!was || !told.Equal(start)):
			g.open[topic] = start
			n := &data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
				"stream interrupted since %s (%s): events may be missing; it resumes by itself", start.UTC().Format(time.RFC3339), reason)}
			if err := b.SetNotice(topic, n, breakTime(topic, start)); err != nil {
				return err
			}
		case start.IsZero() && was:
			delete(g.open, topic)
			if err := b.SetNotice(topic, nil, time.Time{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// breakTime is where a stream's line breaks for a gap starting at start: values over
// time only; event tables get no empty row.
func breakTime(topic string, start time.Time) time.Time {
	if valuesOverTime(topic) {
		return start
	}
	return time.Time{}
}
