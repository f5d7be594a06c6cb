package frames

import (
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestGoldenFrames(t *testing.T) {
	tests := []struct {
		name   string
		topic  string
		events []event.Event
		opts   Options
	}{
		{"observations", obsTopic, []event.Event{evt(obsTopic, at(1), obsVoice1), evt(obsTopic, at(2), obsChat), evt(obsTopic, at(3), obsVoice2)}, Options{}},
		{"observations-selected", obsTopic, []event.Event{evt(obsTopic, at(1), obsVoice1), evt(obsTopic, at(3), obsVoice2)}, Options{Fields: []string{"oWaiting", "tAbandon", "oQueueWhatever"}}},
		{"conversations", convTopic, []event.Event{evt(convTopic, at(1), conversationBody1), evt(convTopic, at(2), conversationBody2)}, Options{}},
		{"presence", presenceTopic, []event.Event{evt(presenceTopic, at(1), presenceBody1), evt(presenceTopic, at(200), presenceBody2)}, Options{}},
		{"routing-status", routingTopic, []event.Event{evt(routingTopic, at(6), routingBody1), evt(routingTopic, at(71), routingBody2)}, Options{}},
		{"queue-users", membersTopic, []event.Event{evt(membersTopic, at(1), memberJoined), evt(membersTopic, at(40), memberLeft)}, Options{}},
		{"detail-event", detailTopic, []event.Event{evt(detailTopic, at(30), detailBody)}, Options{}},
		{"generic-nested", "v2.users." + userID + ".activity", []event.Event{
			evt("v2.users."+userID+".activity", at(1), `{"id":"x","routingStatus":{"status":"IDLE"},"presence":{"presenceDefinition":{"systemPresence":"AVAILABLE"}},"outOfOffice":{"active":false},"queues":[{"id":"q1"},{"id":"q2"}],"tags":["a","b","c","d","e","f","g"]}`),
		}, Options{}},
		{"type-conflict", "v2.system.thing", []event.Event{
			evt("v2.system.thing", at(1), `{"level":3,"name":"a"}`),
			evt("v2.system.thing", at(2), `{"level":"high","name":"b"}`),
			evt("v2.system.thing", at(3), `{"level":5,"name":7}`),
		}, Options{}},
		{"missing-fields", "v2.system.thing", []event.Event{
			evt("v2.system.thing", at(1), `{"a":1}`),
			evt("v2.system.thing", at(2), `{"b":{"c":true}}`),
			evt("v2.system.thing", at(3), `{"a":null,"b":{"c":false},"d":"x"}`),
		}, Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Build(tc.topic, tc.events, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			experimental.CheckGoldenJSONFrame(t, "testdata", tc.name, f, *update)
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		topic  string
		family Family
		label  string
		id     string
	}{
		{"v2.analytics.queues.Q1.observations", QueueObservations, "queueId", "Q1"},
		{"V2.ANALYTICS.QUEUES.q1.OBSERVATIONS", QueueObservations, "queueId", "q1"},
		{"v2.routing.queues.q1.conversations", QueueConversations, "queueId", "q1"},
		{"v2.routing.queues.q1.conversations.calls", QueueConversations, "queueId", "q1"},
		{"v2.routing.queues.q1.users", QueueUsers, "queueId", "q1"},
		{"v2.users.u1.presence", UserPresence, "userId", "u1"},
		{"v2.users.u1.routingStatus", UserRoutingStatus, "userId", "u1"},
		{"v2.users.u1.routingstatus", UserRoutingStatus, "userId", "u1"},
		{"v2.users.u1.activity", UserActivity, "userId", "u1"},
		{"v2.users.u1.conversations", UserConversations, "userId", "u1"},
		{"v2.users.u1.geolocation", Other, "userId", "u1"},
		{"v2.detail.events.conversation.c1.acd.end", DetailEvents, "conversationId", "c1"},
		{"v2.system.thing", Other, "", ""},
		{"", Other, "", ""},
	}
	for _, tc := range tests {
		fam, labels := Detect(tc.topic)
		if fam != tc.family || labels[tc.label] != tc.id || (tc.label == "" && len(labels) != 0) {
			t.Errorf("Detect(%q) = %s %v, want %s %s=%s", tc.topic, fam, labels, tc.family, tc.label, tc.id)
		}
	}
}

func TestTimeByFamily(t *testing.T) {
	tests := []struct {
		topic, body string
		want        string
	}{
		{obsTopic, obsVoice1, "2026-11-29T01:00:07Z"},                     // arrival
		{presenceTopic, presenceBody2, "2026-11-29T01:02:03.5Z"},          // modifiedDate
		{routingTopic, routingBody2, "2026-11-29T01:01:10.25Z"},           // startTime
		{detailTopic, detailBody, "2026-11-29T01:00:30Z"},                 // eventTime
		{convTopic, conversationBody1, "2026-11-29T01:00:07Z"},            // arrival
		{presenceTopic, `{"source":"PURECLOUD"}`, "2026-11-29T01:00:07Z"}, // no modifiedDate: arrival
	}
	for _, tc := range tests {
		f, err := Latest(tc.topic, []event.Event{evt(tc.topic, at(7), tc.body)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Fields[0].At(0).(interface{ Format(string) string }).Format("2006-01-02T15:04:05.999999999Z07:00"); got != tc.want {
			t.Errorf("%s: time %s, want %s", tc.topic, got, tc.want)
		}
	}
}

func TestMalformedBodies(t *testing.T) {
	for _, topic := range []string{obsTopic, convTopic, presenceTopic, routingTopic, detailTopic, "v2.x"} {
		for _, body := range []string{``, `{`, `{"a":1}}`, `[1,`, `"unterminated`, `{"group":5}`, `{"participants":"no"}`, `{"routingStatus":[]}`, `{"presenceDefinition":1}`} {
			_, err := Latest(topic, []event.Event{evt(topic, at(1), body)}, Options{})
			if body == `{"group":5}` && topic != obsTopic || body == `{"participants":"no"}` && topic != convTopic ||
				body == `{"routingStatus":[]}` && topic != routingTopic || body == `{"presenceDefinition":1}` && topic != presenceTopic {
				continue // well-formed JSON for families that do not read those keys
			}
			if !IsMalformed(err) {
				t.Errorf("%s %q: err = %v, want ErrMalformed", topic, body, err)
			}
		}
	}
	f, err := Build(obsTopic, []event.Event{evt(obsTopic, at(1), obsChat), evt(obsTopic, at(2), `{`)}, Options{})
	if !IsMalformed(err) || f == nil || f.Rows() != 1 {
		t.Fatalf("Build with one bad event: rows %v err %v", f, err)
	}
	if !hasNotice(f, "malformed") {
		t.Fatalf("no notice: %+v", f.Meta)
	}
}

func TestStreamerKeepsSchema(t *testing.T) {
	s := NewStreamer(obsTopic, Options{})
	f1, changed := s.Frame([]event.Event{evt(obsTopic, at(1), obsVoice1)})
	if !changed {
		t.Fatal("first packet must carry the schema")
	}
	c1 := jsonCache(t, f1)
	f2, changed := s.Frame([]event.Event{evt(obsTopic, at(2), obsVoice1)})
	c2 := jsonCache(t, f2)
	if changed || !c2.SameSchema(&c1) {
		t.Fatal("same body changed the schema")
	}
	// A smaller body keeps every field (nulls) in the same order.
	f3, changed := s.Frame([]event.Event{evt(obsTopic, at(3), `{"group":{"mediaType":"voice"},"data":[{"metrics":[{"metric":"oWaiting","stats":{"count":9}}]}]}`)})
	c3 := jsonCache(t, f3)
	if changed || !c3.SameSchema(&c1) || f3.Fields[2].At(0).(*float64) != nil {
		t.Fatalf("subset body: changed %v, field 2 %v", changed, f3.Fields[2].At(0))
	}
	// A new metric grows the schema at the end, keeping the order before it.
	f4, changed := s.Frame([]event.Event{evt(obsTopic, at(4), obsVoice2)})
	if !changed || len(f4.Fields) <= len(f1.Fields) {
		t.Fatal("new fields must be reported")
	}
	for i, fl := range f1.Fields {
		if f4.Fields[i].Name != fl.Name || f4.Fields[i].Type() != fl.Type() {
			t.Fatalf("field %d: %s %s became %s %s", i, fl.Name, fl.Type(), f4.Fields[i].Name, f4.Fields[i].Type())
		}
	}
	if f, _ := s.Frame(nil); f != nil {
		t.Fatal("empty packet must be nil")
	}
	if f, _ := s.Frame([]event.Event{evt(obsTopic, at(5), `nope`)}); f != nil || s.Malformed() != 1 {
		t.Fatalf("malformed packet: %v, count %d", f, s.Malformed())
	}
}

func TestStreamerCountsConflicts(t *testing.T) {
	s := NewStreamer("v2.x", Options{})
	s.Frame([]event.Event{evt("v2.x", at(1), `{"a":1}`)})
	f, changed := s.Frame([]event.Event{evt("v2.x", at(2), `{"a":"one"}`)})
	if !changed || !hasNotice(f, `"a (text)"`) {
		t.Fatalf("conflict not reported: changed %v meta %+v", changed, f.Meta)
	}
	f, changed = s.Frame([]event.Event{evt("v2.x", at(3), `{"a":"two"}`)})
	if changed || f.Meta != nil || s.Conflicts()["a"] != 2 {
		t.Fatalf("second conflict: changed %v, conflicts %v", changed, s.Conflicts())
	}
	if v := f.Fields[2].At(0).(*string); *v != "two" {
		t.Fatalf("fallback holds %v", *v)
	}
}

func TestFieldSelection(t *testing.T) {
	f, err := Build(presenceTopic, []event.Event{evt(presenceTopic, at(1), presenceBody1)}, Options{Fields: []string{"systemPresence", "nope.x"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Fields) != 2 || f.Fields[1].Name != "systemPresence" {
		t.Fatalf("fields %v", names(f))
	}
	if !hasNotice(f, `"nope.x"`) {
		t.Fatalf("unknown field not noticed: %+v", f.Meta)
	}
	empty, _ := Build(presenceTopic, nil, Options{Fields: []string{"nope"}})
	if empty.Rows() != 0 || empty.Meta != nil {
		t.Fatalf("no events must give an empty frame without notices: %+v", empty.Meta)
	}
}

func TestLabelsOnValueFields(t *testing.T) {
	f, _ := Latest(obsTopic, []event.Event{evt(obsTopic, at(1), obsVoice1)}, Options{})
	if f.Name != obsTopic || f.Fields[0].Labels != nil {
		t.Fatalf("frame %s, time labels %v", f.Name, f.Fields[0].Labels)
	}
	for _, fl := range f.Fields[1:] {
		if fl.Labels["queueId"] != queueID || fl.Labels["mediaType"] != "voice" || fl.Type() != data.FieldTypeNullableFloat64 {
			t.Fatalf("%s: labels %v type %s", fl.Name, fl.Labels, fl.Type())
		}
	}
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesWide {
		t.Fatalf("observation frame type %+v", f.Meta)
	}
}

func jsonCache(t *testing.T, f *data.Frame) data.FrameJSONCache {
	t.Helper()
	c, err := data.FrameToJSONCache(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hasNotice(f *data.Frame, text string) bool {
	if f.Meta == nil {
		return false
	}
	for _, n := range f.Meta.Notices {
		if strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}

func names(f *data.Frame) []string {
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}

func TestSchemaIsBounded(t *testing.T) {
	s := NewStreamer("v2.x", Options{})
	var f *data.Frame
	for i := 0; i < 3; i++ {
		body := "{"
		for j := 0; j < MaxFields; j++ {
			if j > 0 {
				body += ","
			}
			body += fmt.Sprintf(`"k%d_%d":1`, i, j)
		}
		f, _ = s.Frame([]event.Event{evt("v2.x", at(i), body+"}")})
	}
	if len(f.Fields) != MaxFields+1 || s.LeftOut() != 2*MaxFields {
		t.Fatalf("%d fields, bound %d", len(f.Fields), MaxFields)
	}
	g, err := Build("v2.x", []event.Event{evt("v2.x", at(1), `{"a":1}`), evt("v2.x", at(2), `{"a":"x"}`)}, Options{})
	if err != nil || len(g.Fields) != 3 {
		t.Fatalf("fallback column: %v %v", names(g), err)
	}
}

// A Streamer reuses its table between frames: the frames it returned must hold the
// same values as Build of the same events (a fresh table), also after later frames.
func TestStreamerFramesOutliveTheNext(t *testing.T) {
	for _, tc := range []struct {
		topic  string
		bodies []string
	}{
		{convTopic, []string{conversationBody1, conversationBody2, conversationBody1}},
		{obsTopic, []string{obsVoice1, obsVoice2, obsChat}},
		{presenceTopic, []string{presenceBody1, presenceBody2, presenceBody1}},
	} {
		s := NewStreamer(tc.topic, Options{})
		var held, built []*data.Frame
		for i, body := range tc.bodies {
			evs := []event.Event{evt(tc.topic, at(2*i), body), evt(tc.topic, at(2*i+1), tc.bodies[(i+1)%len(tc.bodies)])}
			f, _ := s.Frame(evs)
			b, err := Build(tc.topic, evs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			held, built = append(held, f), append(built, b)
		}
		for i := range held {
			if got, want := cellsByField(held[i]), cellsByField(built[i]); got != want {
				t.Fatalf("%s: frame %d differs from Build of its events\n got %s\nwant %s", tc.topic, i, got, want)
			}
		}
	}
}

// cellsByField renders the fields that hold any value, sorted by name and labels.
func cellsByField(f *data.Frame) string {
	var out []string
	for _, fl := range f.Fields {
		var cells []string
		has := false
		for r := 0; r < fl.Len(); r++ {
			v, ok := fl.ConcreteAt(r)
			has = has || ok
			cells = append(cells, fmt.Sprint(v))
		}
		if has {
			out = append(out, fl.Name+fl.Labels.String()+"="+strings.Join(cells, ","))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
