package frames

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// The service publishes a queue's o* observations alone under a zero-width interval (the
// moment observed) and its n*/t* aggregates alone under the 30-minute interval.
const (
	obsObserved1 = `{"group":{"queueId":"` + queueID + `","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:01.000Z/2026-11-29T01:00:01.000Z","metrics":[
 {"metric":"oWaiting","stats":{"count":3}},
 {"metric":"oInteracting","stats":{"count":5}},
 {"metric":"oAlerting","stats":{"count":1}},
 {"metric":"oOnQueueUsers","qualifier":"IDLE","stats":{"count":2}},
 {"metric":"oOnQueueUsers","qualifier":"INTERACTING","stats":{"count":5}},
 {"metric":"oOffQueueUsers","stats":{"count":4}},
 {"metric":"oLongestWaiting","stats":{"count":1,"calculatedMetricValue":48213}},
 {"metric":"oServiceLevel","stats":{"ratio":0.75,"numerator":6,"denominator":8,"target":0.8}}]}]}`
	obsObserved2 = `{"group":{"queueId":"` + queueID + `","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:04.000Z/2026-11-29T01:00:04.000Z","metrics":[
 {"metric":"oWaiting","stats":{"count":2}},
 {"metric":"oInteracting","stats":{"count":6}},
 {"metric":"oAlerting","stats":{"count":0}},
 {"metric":"oOnQueueUsers","qualifier":"IDLE","stats":{"count":1}},
 {"metric":"oOnQueueUsers","qualifier":"INTERACTING","stats":{"count":6}},
 {"metric":"oOffQueueUsers","stats":{"count":4}},
 {"metric":"oLongestWaiting","stats":{"count":1,"calculatedMetricValue":12050}},
 {"metric":"oServiceLevel","stats":{"ratio":0.778,"numerator":7,"denominator":9,"target":0.8}}]}]}`
	obsAggregates1 = `{"group":{"queueId":"` + queueID + `","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:30:00.000Z","metrics":[
 {"metric":"nOffered","stats":{"count":11}},
 {"metric":"tAbandon","stats":{"count":2,"sum":86168,"min":11781,"max":74387}},
 {"metric":"tAnswered","stats":{"count":8,"sum":96000,"min":2000,"max":31000}},
 {"metric":"tWait","stats":{"count":10,"sum":182168,"min":2000,"max":74387}}]}]}`
	obsAggregates2 = `{"group":{"queueId":"` + queueID + `","mediaType":"voice"},"data":[{"interval":"2026-11-29T01:00:00.000Z/2026-11-29T01:30:00.000Z","metrics":[
 {"metric":"nOffered","stats":{"count":12}},
 {"metric":"tAbandon","stats":{"count":2,"sum":86168,"min":11781,"max":74387}},
 {"metric":"tAnswered","stats":{"count":9,"sum":108050,"min":2000,"max":31000}},
 {"metric":"tHandle","stats":{"count":3,"sum":390000,"min":95000,"max":160000}},
 {"metric":"tWait","stats":{"count":11,"sum":194218,"min":2000,"max":74387}}]}]}`
)

func TestGoldenObservationShapes(t *testing.T) {
	tests := []struct {
		name   string
		events []event.Event
	}{
		{"observations-observed-only", []event.Event{evt(obsTopic, at(1), obsObserved1), evt(obsTopic, at(4), obsObserved2)}},
		{"observations-aggregates-only", []event.Event{evt(obsTopic, at(1), obsAggregates1), evt(obsTopic, at(4), obsAggregates2)}},
		// the live order: each change publishes the observations, then the aggregates if they moved
		{"observations-split-interleaved", []event.Event{evt(obsTopic, at(1), obsObserved1), evt(obsTopic, at(1), obsAggregates1),
			evt(obsTopic, at(4), obsObserved2), evt(obsTopic, at(4), obsAggregates2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Build(obsTopic, tc.events, Options{})
			if err != nil {
				t.Fatal(err)
			}
			experimental.CheckGoldenJSONFrame(t, "testdata", tc.name, f, *update)
		})
	}
}

// Both shapes take the fast scan, and it agrees with the slow decoding.
func TestObservationShapesFastMatchesSlow(t *testing.T) {
	for _, body := range []string{obsObserved1, obsObserved2, obsAggregates1, obsAggregates2} {
		if !checkFastMatchesSlow(t, arrivalTimed(observationsFast), observationsSlow, []byte(body)) {
			t.Errorf("the fast scan declined a %d-byte body of the real shape", len(body))
		}
	}
}

// TestGeneratedObservationsStream runs the simulator's own observation notifications (both
// shapes, as published) through a Streamer: every metric of every event becomes a number in
// that event's row, under the name pkg/frames documents, and the schema settles once both
// shapes were seen.
func TestGeneratedObservationsStream(t *testing.T) {
	start := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	m := generator.NewModel(generator.NewPopulation(4, 1, 6), 4, generator.Config{Rate: 0.3}, start)
	topic := "v2.analytics.queues." + m.Population().Queues[0].ID + ".observations"
	st := NewStreamer(topic, Options{})
	shapes, changes := map[string]int{}, 0
	for now := start; now.Before(start.Add(10 * time.Minute)); {
		now = now.Add(time.Second)
		for _, e := range m.Step(now) {
			if e.Topic != topic {
				continue
			}
			body, err := json.Marshal(e.Body)
			if err != nil {
				t.Fatal(err)
			}
			f, changed := st.Frame([]event.Event{{Topic: topic, Body: body, Received: now}})
			if f == nil || f.Rows() != 1 {
				t.Fatalf("no one-row frame for %s", body)
			}
			if changed {
				changes++
			}
			var b struct {
				Data []struct {
					Interval string
					Metrics  []generator.Metric
				}
			}
			_ = json.Unmarshal(body, &b)
			from, to, _ := strings.Cut(b.Data[0].Interval, "/")
			shapes[map[bool]string{true: "observed", false: "aggregates"}[from == to]]++
			for _, mt := range b.Data[0].Metrics {
				checkMetricInRow(t, f, mt)
			}
		}
	}
	if shapes["observed"] < 20 || shapes["aggregates"] < 5 {
		t.Errorf("shapes seen %v", shapes)
	}
	if changes > 8 {
		t.Errorf("the schema changed %d times in 10 minutes: it should settle once both shapes (and the optional metrics) were seen", changes)
	}
}

// checkMetricInRow finds mt's value(s) in the one-row frame f.
func checkMetricInRow(t *testing.T, f *data.Frame, mt generator.Metric) {
	t.Helper()
	name := mt.Metric
	if mt.Qualifier != "" {
		name += "." + mt.Qualifier
	}
	want := map[string]float64{}
	if n, ok := mt.Stats["count"]; ok && len(mt.Stats) == 1 && name[0] == 'o' {
		want[name] = toFloat(n)
	} else {
		for s, v := range mt.Stats {
			want[name+"."+s] = toFloat(v)
		}
	}
	for field, v := range want {
		fl, _ := f.FieldByName(field)
		if fl == nil {
			t.Fatalf("no field %s for %s", field, mt.Metric)
		}
		got, ok := fl.ConcreteAt(0)
		if !ok || math.Abs(got.(float64)-v) > 1e-9 {
			t.Fatalf("%s = %v, want %v", field, got, v)
		}
	}
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return math.NaN()
}

var splitLive = []event.Event{evt(obsTopic, at(1), obsObserved1), evt(obsTopic, at(1), obsAggregates1),
	evt(obsTopic, at(4), obsObserved2), evt(obsTopic, at(4), obsAggregates2)}

// Latest over both shapes is the last value of every metric, whichever shape came last:
// a stat panel of oWaiting must not go blank because the aggregates were published after.
func TestLatestOverBothShapes(t *testing.T) {
	f, err := Latest(obsTopic, splitLive, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows() != 1 {
		t.Fatalf("rows %d, want 1", f.Rows())
	}
	want := map[string]float64{"oWaiting": 2, "oServiceLevel.ratio": 0.778, "nOffered.count": 12, "tHandle.count": 3}
	for _, fl := range f.Fields[1:] {
		if w, ok := want[fl.Name]; ok {
			if v, _ := fl.ConcreteAt(0); v != w {
				t.Errorf("%s = %v, want %v", fl.Name, v, w)
			}
			delete(want, fl.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("fields missing from the latest frame: %v", want)
	}
	if got := f.Fields[0].At(0).(time.Time); !got.Equal(at(4)) {
		t.Errorf("time %v, want the last event's %v", got, at(4))
	}
	if LatestSpan(obsTopic) < 30*time.Minute || LatestSpan(presenceTopic) != 0 {
		t.Errorf("LatestSpan: observations %v (want the aggregates' 30 min), presence %v (want 0)",
			LatestSpan(obsTopic), LatestSpan(presenceTopic))
	}
	// other families: a field the last event lacks is not current
	p1 := `{"id":"u","presenceDefinition":{"systemPresence":"AVAILABLE"},"message":"back soon"}`
	p2 := `{"id":"u","presenceDefinition":{"systemPresence":"BUSY"}}`
	pf, err := Latest(presenceTopic, []event.Event{evt(presenceTopic, at(1), p1), evt(presenceTopic, at(2), p2)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range pf.Fields {
		if fl.Name == "message" {
			t.Errorf("presence latest carried %q forward from an older event", fl.Name)
		}
	}
}

// A selection that only o* metrics match adds no row for an aggregates body: a panel of
// oWaiting gets no null every other point.
func TestSelectedFieldsSkipBodiesWithoutThem(t *testing.T) {
	f, err := Build(obsTopic, splitLive, Options{Fields: []string{"oWaiting"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows() != 2 {
		t.Fatalf("rows %d, want 2 (one per observed body)", f.Rows())
	}
	for i := 0; i < f.Rows(); i++ {
		if _, ok := f.Fields[1].ConcreteAt(i); !ok {
			t.Errorf("row %d of oWaiting is null", i)
		}
	}
	st := NewStreamer(obsTopic, Options{Fields: []string{"oWaiting"}})
	if p, _ := st.Frame([]event.Event{evt(obsTopic, at(5), obsAggregates2)}); p != nil {
		t.Errorf("an aggregates body made a packet of %d rows for an oWaiting stream", p.Rows())
	}
}
