package livestream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
)

// refBatcher is the packet rule the Batcher must keep, in its plainest form: encode the
// whole frame with the SDK and send it data-only exactly when its schema bytes equal
// the channel's last packet's.
type refBatcher struct {
	streamers map[string]*frames.Streamer
	last      *data.FrameJSONCache
	dropped   uint64
	got       []string
}

func (r *refBatcher) flush(batches [][]event.Event, dropped uint64) error {
	for _, evs := range batches {
		s := r.streamers[evs[0].Topic]
		if s == nil {
			s = frames.NewStreamer(evs[0].Topic, frames.Options{})
			r.streamers[evs[0].Topic] = s
		}
		f, changed := s.Frame(evs)
		if f == nil {
			continue
		}
		if dropped > r.dropped {
			if f.Meta == nil {
				f.Meta = &data.FrameMeta{}
			}
			f.Meta.Notices = append(f.Meta.Notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: fmt.Sprintf("%d events were skipped because the viewer could not keep up", dropped-r.dropped)})
			r.dropped = dropped
		}
		c, err := data.FrameToJSONCache(f)
		if err != nil {
			return err
		}
		same := !changed && r.last != nil && c.SameSchema(r.last)
		r.last = &c
		if same {
			r.got = append(r.got, string(c.Bytes(data.IncludeDataOnly)))
		} else {
			r.got = append(r.got, string(c.Bytes(data.IncludeAll)))
		}
	}
	return nil
}

// The Batcher (data-only packets encoded by appendDataPacket) sends byte for byte what
// the plain rule sends, over pkg/frames streamers of two topics on
// one channel, with schemas that grow, repeat and change, and drop notices.
func TestBatcherMatchesPlainSDKRule(t *testing.T) {
	const obs = "v2.routing.queues.0b8c4b9e-2f0a-4c55-9d7e-4c3c9f6d1a11.observations"
	const conv = "v2.routing.queues.0b8c4b9e-2f0a-4c55-9d7e-4c3c9f6d1a11.conversations"
	obsBody := func(i int, extra bool) string {
		m := `{"metric":"oWaiting","stats":{"count":` + fmt.Sprint(i%7) + `}}`
		if extra {
			m += `,{"metric":"tAnswered","stats":{"count":3,"sum":` + fmt.Sprint(i*1500) + `,"max":9000}}`
		}
		return `{"group":{"queueId":"0b8c4b9e-2f0a-4c55-9d7e-4c3c9f6d1a11","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:15:00.000Z","metrics":[` + m + `]}]}`
	}
	convBody := func(i int) string {
		return `{"id":"c` + fmt.Sprint(i) + `","participants":[{"purpose":"customer","name":"A \"<b>\" ` + fmt.Sprint(i) + `"}]}`
	}
	base := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	mk := func(topic, body string, i int) event.Event {
		return event.Event{Topic: topic, Body: json.RawMessage(body), Received: base.Add(time.Duration(i) * 1001 * time.Microsecond)}
	}
	out := &packets{}
	b := NewBatcher(func(topic string) Streamer { return frames.NewStreamer(topic, frames.Options{}) }, out)
	ref := &refBatcher{streamers: map[string]*frames.Streamer{}}
	n := 0
	for flush := 0; flush < 40; flush++ {
		var batches [][]event.Event
		var topics []string
		switch flush % 5 {
		case 0, 1: // one topic only: data-only after the first
			topics = []string{obs}
		case 2: // both: the schema alternates on the channel
			topics = []string{obs, conv}
		default:
			topics = []string{conv}
		}
		for _, topic := range topics {
			var evs []event.Event
			for k := 0; k < 1+flush%3; k++ {
				n++
				if topic == obs {
					evs = append(evs, mk(topic, obsBody(n, flush == 17 || flush > 30), n))
				} else {
					evs = append(evs, mk(topic, convBody(n), n))
				}
			}
			for _, e := range evs {
				b.Add(e)
			}
			batches = append(batches, evs)
		}
		dropped := uint64(flush / 9) // a notice now and then
		if err := b.Flush(dropped); err != nil {
			t.Fatal(err)
		}
		if err := ref.flush(batches, dropped); err != nil {
			t.Fatal(err)
		}
	}
	if len(out.got) != len(ref.got) {
		t.Fatalf("%d packets, want %d", len(out.got), len(ref.got))
	}
	dataOnly := 0
	for i := range ref.got {
		if out.got[i] != ref.got[i] {
			t.Fatalf("packet %d\n got %s\nwant %s", i, out.got[i], ref.got[i])
		}
		if bytes.HasPrefix([]byte(ref.got[i]), []byte(`{"data"`)) {
			dataOnly++
		}
	}
	if dataOnly == 0 || dataOnly == len(ref.got) {
		t.Fatalf("%d of %d packets data-only: the sequence does not exercise both kinds", dataOnly, len(ref.got))
	}
}
