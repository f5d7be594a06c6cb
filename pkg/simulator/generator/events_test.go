package generator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestEventBodiesMatchReference checks each body kind against the field names of the
// reference (shared/genesys-notification-api.md), after a JSON round trip.
func TestEventBodiesMatchReference(t *testing.T) {
	_, evs := run(11, 10*time.Minute, Config{Rate: 0.4, MeanOnQueue: 2 * time.Minute, MeanBreak: time.Minute})
	want := map[string][]string{
		"observations":  {"group", "data"},
		"presence":      {"source", "presenceDefinition", "primary", "message", "modifiedDate"},
		"routingStatus": {"id", "routingStatus"},
		"conversations": {"id", "participants", "recordingState", "address", "externalTag", "divisions"},
		"acd.start":     {"eventTime", "conversationId", "participantId", "sessionId", "mediaType", "direction", "ani", "dnis", "queueId", "divisionId"},
		"acd.end":       {"eventTime", "conversationId", "participantId", "sessionId", "mediaType", "direction", "ani", "dnis", "queueId", "divisionId", "acdOutcome"},
	}
	seen := map[string]bool{}
	for _, e := range evs {
		var kind string
		for k := range want {
			if strings.HasSuffix(e.Topic, "."+k) {
				kind = k
			}
		}
		if kind == "" {
			continue
		}
		raw, _ := json.Marshal(e.Body)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for _, f := range want[kind] {
			if _, ok := m[f]; !ok {
				t.Fatalf("%s body lacks %q: %s", e.Topic, f, raw)
			}
		}
		switch kind {
		case "observations":
			g := m["group"].(map[string]any)
			d := m["data"].([]any)[0].(map[string]any)
			if g["queueId"] == nil || g["mediaType"] == nil || !strings.Contains(d["interval"].(string), "/") {
				t.Fatalf("observation %s", raw)
			}
			for _, mt := range d["metrics"].([]any) {
				if _, ok := mt.(map[string]any)["stats"].(map[string]any); !ok {
					t.Fatalf("metric without stats: %s", raw)
				}
			}
		case "presence":
			sp := m["presenceDefinition"].(map[string]any)["systemPresence"].(string)
			if sp != strings.ToUpper(sp) {
				t.Fatalf("systemPresence %q not upper case", sp)
			}
		case "routingStatus":
			rs := m["routingStatus"].(map[string]any)
			if rs["status"] == nil || rs["startTime"] == nil {
				t.Fatalf("routingStatus %s", raw)
			}
		case "conversations":
			p := m["participants"].([]any)[0].(map[string]any)
			for _, f := range []string{"id", "purpose", "queueId"} {
				if _, ok := p[f]; !ok {
					t.Fatalf("participant lacks %s: %s", f, raw)
				}
			}
		case "acd.start", "acd.end":
			if ms := m["eventTime"].(float64); ms < 1.7e12 {
				t.Fatalf("eventTime %v is not epoch milliseconds", ms)
			}
		}
		seen[kind] = true
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("no %s events", k)
		}
	}
}
