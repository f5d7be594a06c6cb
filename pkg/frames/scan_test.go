package frames

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
)

// scanTopics has one topic of each family, in the order FuzzScan picks them.
var scanTopics = []string{obsTopic, convTopic, presenceTopic, routingTopic, detailTopic, membersTopic,
	"v2.users." + userID + ".conversations", "v2.users." + userID + ".activity", "v2.other.thing"}

// checkScan: Scan reads a body inside its socket message exactly as the history path
// (rowOf, itself checked against encoding/json) reads the body alone: the same cells
// and time, or an error for the same bodies; and what it accepts is valid JSON that
// ends where it says.
func checkScan(t *testing.T, topic string, body []byte) {
	t.Helper()
	body = bytes.TrimLeft(body, " \t\r\n") // the session hands on the body from its first byte
	want, wantAt, wantErr := rowOf(extractorFor(familyOf(topic)), event.Event{Topic: topic, Body: body}, nil)
	text := append(append([]byte(nil), body...), envelopeTail...)
	n, scanned, err := Scan(topic, text)
	if err == nil && n > len(body) { // read on into the message: the envelope is then malformed
		if wantErr == nil {
			t.Fatalf("%s %q: Scan read past the body, to %d", topic, body, n)
		}
		return
	}
	if wantErr != nil {
		if err == nil && wholeValue(body, n) == nil {
			t.Fatalf("%s %q: Scan took a body the history path rejects (%v)", topic, body, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s %q: Scan rejected it: %v", topic, body, err)
	}
	if wholeValue(body, n) != nil || !json.Valid(text[:n]) {
		t.Fatalf("%s %q: Scan ended at %d", topic, body, n)
	}
	r := scanned.(*Row)
	if got := r.appendCells(nil); !sameCells(got, want) || !r.at.Equal(wantAt) || r.fam != familyOf(topic) {
		t.Fatalf("%s %q:\nScan %v at %v\nrowOf %v at %v", topic, body, got, r.at, want, wantAt)
	}
}

func TestScanReadsBodiesAsHistoryDoes(t *testing.T) {
	for _, c := range []struct {
		topic  string
		bodies []string
	}{
		{obsTopic, obsCases}, {convTopic, convCases}, {presenceTopic, presenceCases},
		{routingTopic, routingCases}, {detailTopic, oracleCases}, {membersTopic, []string{memberJoined, `[1,`, `{} {}`}},
	} {
		for _, b := range c.bodies {
			checkScan(t, c.topic, []byte(b))
		}
	}
}

func FuzzScan(f *testing.F) {
	for i, bodies := range [][]string{obsCases, convCases, presenceCases, routingCases, oracleCases} {
		for _, b := range bodies {
			f.Add(uint8(i), []byte(b))
		}
	}
	f.Fuzz(func(t *testing.T, fam uint8, body []byte) {
		checkScan(t, scanTopics[int(fam)%len(scanTopics)], body)
	})
}

// A stream frames events whose bodies Scan read on arrival exactly as it frames the
// same events read from their bodies.
func TestStreamerUsesScannedRows(t *testing.T) {
	for _, c := range []struct{ topic, body string }{
		{obsTopic, obsVoice1}, {obsTopic, obsChat}, {convTopic, conversationBody1}, {presenceTopic, presenceBody2},
		{routingTopic, routingBody1}, {detailTopic, detailBody}, {membersTopic, memberLeft},
	} {
		plain := []event.Event{evt(c.topic, at(1), c.body), evt(c.topic, at(2), c.body)}
		scanned := append([]event.Event(nil), plain...)
		for i := range scanned {
			_, row, err := Scan(c.topic, []byte(c.body+envelopeTail))
			if err != nil {
				t.Fatal(err)
			}
			scanned[i].Scanned = row
			scanned[i].Body = json.RawMessage(`"not read again"`)
		}
		want, _ := NewStreamer(c.topic, Options{}).Frame(plain)
		got, _ := NewStreamer(c.topic, Options{}).Frame(scanned)
		wantJSON, _ := data.FrameToJSON(want, data.IncludeAll)
		gotJSON, _ := data.FrameToJSON(got, data.IncludeAll)
		if !bytes.Equal(wantJSON, gotJSON) {
			t.Errorf("%s:\nscanned %s\nbodies  %s", c.topic, gotJSON, wantJSON)
		}
	}
}

// familyOf is Detect's family, for the topics Genesys sends and for odd spellings.
func TestFamilyOfMatchesDetect(t *testing.T) {
	topics := append([]string{"", ".", "v2", "v2.users", "v2.users.u1", "v2.users..presence", "V2.USERS.U1.PRESENCE",
		"v2.users.u1.routingStatus.x", "v2.routing.queues.q", "v2.routing.queues.q.other", "v2.detail.events.conversation",
		"v2.detail.events.conversation.c1", "v2.analytics.queues.q.observations.x", "v2.analytics.queues..observations",
		"v2.users.u1.\u212aey", "v2.users.u1.routİngstatus", "v2.uſers.u1.presence", "v3.users.u1.presence",
		"v2.analytics.queues.q1.Observations"}, scanTopics...)
	for _, topic := range topics {
		want, _ := Detect(topic)
		if got := familyOf(topic); got != want {
			t.Errorf("familyOf(%q) = %s, Detect says %s", topic, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { familyOf(obsTopic) }); n != 0 {
		t.Errorf("familyOf allocates %v times", n)
	}
}

func FuzzFamilyOf(f *testing.F) {
	for _, topic := range scanTopics {
		f.Add(topic)
		f.Add(strings.ToUpper(topic))
	}
	f.Fuzz(func(t *testing.T, topic string) {
		if want, _ := Detect(topic); familyOf(topic) != want {
			t.Fatalf("familyOf(%q) = %s, Detect says %s", topic, familyOf(topic), want)
		}
	})
}

// Rows are shared by the streams of a topic and reused only once every stream placed
// them: two streams of one topic, fed by the hub with rows Scan read, each see every
// event's own value (run with -race).
func TestSharedRowsReusedOnlyWhenEveryStreamIsDone(t *testing.T) {
	h := hub.New(hub.Config{})
	const n = 2000
	subs := []*hub.Subscription{h.Subscribe([]string{obsTopic}, n), h.Subscribe([]string{obsTopic}, n)}
	var wg sync.WaitGroup
	for _, sub := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := NewStreamer(obsTopic, Options{})
			seen := 0
			for batch := []event.Event{}; seen < n; batch = batch[:0] {
				batch = append(batch, <-sub.C())
				for len(sub.C()) > 0 && len(batch) < 7 {
					batch = append(batch, <-sub.C())
				}
				f, _ := s.Frame(batch)
				for r := 0; r < f.Rows(); r++ {
					if v, _ := f.Fields[1].ConcreteAt(r); v != float64(seen) {
						t.Errorf("event %d read as %v", seen, v)
					}
					seen++
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		text := fmt.Appendf(nil, `{"group":{"mediaType":"voice"},"data":[{"metrics":[{"metric":"oWaiting","stats":{"count":%d}}]}]}`+envelopeTail, i)
		m, row, err := Scan(obsTopic, text)
		if err != nil {
			t.Fatal(err)
		}
		h.Event(event.Event{Topic: obsTopic, Body: text[:m], Received: at(i), Scanned: row})
	}
	wg.Wait()
}
