package generator

import (
	"strings"
	"testing"
	"time"
)

// TestObservationShapes: like the real service, the o* observations travel alone under a
// zero-width interval at the moment observed, and the n*/t* aggregates alone under the
// current 30-minute interval; each metric of the old mixed entry is in exactly one shape.
func TestObservationShapes(t *testing.T) {
	m := NewModel(NewPopulation(2, 5, 20), 2, Config{Rate: 0.5}, start)
	observed, aggregated := 0, 0
	for now := start; now.Before(start.Add(40 * time.Minute)); { // crosses 09:30
		now = now.Add(time.Second)
		for _, e := range m.Step(now) {
			if !strings.HasSuffix(e.Topic, ".observations") {
				continue
			}
			body := e.Body.(map[string]any)
			data := body["data"].([]any)
			if len(data) != 1 {
				t.Fatalf("%d data entries, want one per notification", len(data))
			}
			entry := data[0].(map[string]any)
			interval := entry["interval"].(string)
			from, to, _ := strings.Cut(interval, "/")
			metrics := entry["metrics"].([]Metric)
			kind := metrics[0].Metric[:1]
			for _, mt := range metrics {
				if (kind == "o") != (mt.Metric[0] == 'o') {
					t.Fatalf("%s mixed with %s in one entry", mt.Metric, metrics[0].Metric)
				}
			}
			if kind == "o" {
				observed++
				if from != iso(now) || to != iso(now) {
					t.Fatalf("observations under %s at %s, want %s/%s", interval, iso(now), iso(now), iso(now))
				}
				continue
			}
			aggregated++
			ivStart := now.Truncate(30 * time.Minute)
			if from != iso(ivStart) || to != iso(ivStart.Add(30*time.Minute)) {
				t.Fatalf("aggregates under %s at %s, want the 30-minute interval from %s", interval, iso(now), iso(ivStart))
			}
			if metrics[0].Metric != "nOffered" {
				t.Fatalf("aggregates start with %s", metrics[0].Metric)
			}
		}
	}
	if observed < 100 || aggregated < 50 || aggregated >= observed {
		t.Errorf("%d observation and %d aggregate notifications in 40 minutes at 0.5/s", observed, aggregated)
	}
}
