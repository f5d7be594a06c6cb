package livestream

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

// countStreamer makes a one-field frame with one row per event; changed reports the
// schema as new on the first frame only.
type countStreamer struct {
	topic  string
	frames int
	seen   [][]event.Event
}

func (s *countStreamer) Frame(evs []event.Event) (*data.Frame, bool) {
	s.seen = append(s.seen, append([]event.Event(nil), evs...))
	vals := make([]int64, len(evs))
	s.frames++
	return data.NewFrame(s.topic, data.NewField("n", nil, vals)), s.frames == 1
}

type packets struct {
	got  []string
	fail error
}

func (p *packets) SendBytes(b []byte) error {
	p.got = append(p.got, string(b))
	return p.fail
}

func ev(topic string) event.Event { return event.Event{Topic: topic, Body: json.RawMessage(`{}`)} }

func TestBatcherFlush(t *testing.T) {
	streamers := map[string]*countStreamer{}
	newStreamer := func(topic string) Streamer {
		s := &countStreamer{topic: topic}
		streamers[topic] = s
		return s
	}
	out := &packets{}
	b := NewBatcher(newStreamer, out)
	if err := b.Flush(0); err != nil || len(out.got) != 0 {
		t.Fatalf("empty flush sent %d packets, err %v", len(out.got), err)
	}
	for _, topic := range []string{"a", "b", "a"} {
		b.Add(ev(topic))
	}
	if b.Len() != 3 {
		t.Fatalf("Len = %d, want 3", b.Len())
	}
	if err := b.Flush(0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		b.Add(ev("a"))
		if err := b.Flush(5); err != nil { // 5 events dropped by the hub before the first of these
			t.Fatal(err)
		}
	}
	// The schema is per channel: the last packet's schema decides what the next sends.
	tests := []struct {
		name       string
		wantSchema bool
		wantNotice bool
	}{
		{"first topic carries its schema", true, false},
		{"another topic's frame carries its schema", true, false},
		{"back to a (last schema was b's), with the drop notice in its meta", true, true},
		{"meta without the notice is a schema change", true, false},
		{"same schema again is data only", false, false},
	}
	if len(out.got) != len(tests) {
		t.Fatalf("%d packets, want %d", len(out.got), len(tests))
	}
	for i, tc := range tests {
		p := out.got[i]
		if got := strings.Contains(p, `"schema"`); got != tc.wantSchema {
			t.Errorf("%s: schema in packet = %v: %s", tc.name, got, p)
		}
		if got := strings.Contains(p, "5 events were skipped"); got != tc.wantNotice {
			t.Errorf("%s: notice in packet = %v: %s", tc.name, got, p)
		}
	}
	if seen := streamers["a"].seen; len(seen) != 4 || len(seen[0]) != 2 || len(seen[1]) != 1 || len(seen[3]) != 1 {
		t.Fatalf("topic a got batches %v, want sizes 2, 1, 1, 1", seen)
	}
	if b.Len() != 0 {
		t.Fatalf("Len after flush = %d", b.Len())
	}
}

func TestBatcherSendError(t *testing.T) {
	out := &packets{fail: errors.New("closed")}
	b := NewBatcher(func(topic string) Streamer { return &countStreamer{topic: topic} }, out)
	b.Add(ev("a"))
	if err := b.Flush(0); err == nil || !strings.Contains(err.Error(), "send stream packet") {
		t.Fatalf("err = %v, want a wrapped send error", err)
	}
	if b.Len() != 0 {
		t.Fatalf("Len after a failed flush = %d, want 0", b.Len())
	}
}

// TestSetNotices: notices go out at once on the last schema, rides on every packet
// until cleared, and nothing is sent for a topic with no frame yet.
func TestSetNotices(t *testing.T) {
	out := &packets{}
	b := NewBatcher(func(topic string) Streamer { return &countStreamer{topic: topic} }, out)
	n := &data.Notice{Severity: data.NoticeSeverityWarning, Text: "stream interrupted"}
	if err := b.SetNotices("t", []data.Notice{*n}, time.Time{}); err != nil || len(out.got) != 0 {
		t.Fatalf("a topic with no frame yet: %v %v", err, out.got)
	}
	b.Add(ev("t"))
	_ = b.Flush(0)
	if err := b.SetNotices("T", []data.Notice{*n}, time.Time{}); err != nil { // topics match case-insensitively
		t.Fatal(err)
	}
	if len(out.got) != 2 || !strings.Contains(out.got[1], "stream interrupted") || !strings.Contains(out.got[1], `"schema"`) {
		t.Fatalf("notice packet %v", out.got)
	}
	b.Add(ev("t"))
	_ = b.Flush(0)
	if strings.Contains(out.got[2], `"schema"`) {
		t.Errorf("while the notice stands, packets are data-only: %s", out.got[2])
	}
	_ = b.SetNotices("t", nil, time.Time{})
	if strings.Contains(out.got[3], "stream interrupted") || !strings.Contains(out.got[3], `"schema"`) {
		t.Errorf("clearing the notice: %s", out.got[3])
	}
}
