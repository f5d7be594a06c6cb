package plugin

import (
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/livestream"
)

// gapCheckTicks: a stream looks at its topics' notices every 10 flush ticks (1 s).
const gapCheckTicks = 10

// streamNotices keeps a live panel's notices true while it streams. Grafana replaces a
// streaming frame's notices with those of each schema packet, so the query's notices
// (gaps in the range, where a refilled value came from) vanished once the stream sent
// its first packet, and a panel said nothing during an outage. Every second the stream
// works out its topics' notices — the gaps of the history window, the refill's, and
// while a gap is open "stream interrupted since T" — and when they change it sends them
// (and, when a gap opens on values over time, a null row at its start so the line
// breaks there).
type streamNotices struct {
	d      *Datasource
	topics []string
	latest bool                 // a "latest" stream replaces its rows: no break row, or the value would vanish
	sent   map[string][]string  // topic → texts the viewer has
	open   map[string]time.Time // topic → start of the open gap the viewer was told about
}

func newStreamNotices(d *Datasource, q Query) *streamNotices {
	return &streamNotices{d: d, topics: q.Topics(), latest: q.Format == formatLatest, sent: map[string][]string{}, open: map[string]time.Time{}}
}

func (s *streamNotices) update(b *livestream.Batcher) error {
	now := s.d.clock.Now()
	for _, topic := range s.topics {
		from := now.Add(-s.d.settings.History())
		var ns []data.Notice
		var openStart time.Time
		for _, g := range s.d.hub.Gaps(topic, now, time.Time{}) {
			if g.Open() {
				openStart = g.Start
				ns = append(ns, data.Notice{Severity: data.NoticeSeverityWarning, Text: s.d.scrub(fmt.Sprintf( // a reason may quote the upstream
					"stream interrupted since %s (%s): events may be missing; it resumes by itself", g.Start.UTC().Format(time.RFC3339), g.Reason))})
			}
		}
		ns = append(ns, s.d.notices(topic, from, now)...)
		ns = append(ns, s.d.refillNotices(topic, now)...)
		texts := make([]string, len(ns))
		for i, n := range ns {
			texts[i] = n.Text
		}
		if slices.Equal(texts, s.sent[topic]) {
			continue
		}
		s.sent[topic] = texts
		var breakAt time.Time
		if !openStart.IsZero() && !openStart.Equal(s.open[topic]) && valuesOverTime(topic) && !s.latest {
			breakAt = openStart
		}
		if openStart.IsZero() {
			delete(s.open, topic)
		} else {
			s.open[topic] = openStart
		}
		if err := b.SetNotices(topic, ns, breakAt); err != nil {
			return err
		}
	}
	return nil
}
