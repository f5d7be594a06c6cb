package simulator

import (
	"encoding/json"
	"testing"
)

// The real QueueMediaSettings has exactly these keys (platform SDK model); "voice" is an
// analytics media type, never a key here.
func TestQueueMediaSettingsKeys(t *testing.T) {
	s, _ := newSim(t, Config{Queues: 3, Seed: 2})
	tok := getToken(t, s)
	r := call(t, s, "GET", "/api/v2/routing/queues", tok, "")
	var p struct {
		Entities []struct {
			ID            string
			MediaSettings map[string]map[string]any
		}
	}
	if err := json.Unmarshal(r.body, &p); err != nil || len(p.Entities) != 3 {
		t.Fatalf("queues: %d %s", r.status, r.body)
	}
	for _, q := range p.Entities {
		ms := map[string]any{}
		for k, v := range q.MediaSettings {
			ms[k] = v
		}
		sameKeys(t, "mediaSettings of "+q.ID, ms, "call", "callback", "chat", "email", "message")
		for k, v := range q.MediaSettings {
			sl, _ := v["serviceLevel"].(map[string]any)
			if sl["percentage"] == nil || sl["durationMs"] == nil || v["alertingTimeoutSeconds"] == nil {
				t.Errorf("mediaSettings.%s = %v, want alertingTimeoutSeconds and serviceLevel{percentage,durationMs}", k, v)
			}
		}
	}
}
