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

// Listings link every page the way QueueEntityListing/UserEntityListing do: selfUri, firstUri
// and lastUri always, previousUri from page 2, nextUri before the last page; the links keep
// the caller's filters.
func TestPageLinks(t *testing.T) {
	s, _ := newSim(t, Config{Agents: 23, Seed: 5})
	tok := getToken(t, s)
	links := func(path string) map[string]any {
		t.Helper()
		r := call(t, s, "GET", path, tok, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		m := r.json(t)
		delete(m, "entities")
		return m
	}
	tests := []struct {
		path                        string
		self, first, prev, next, la string
	}{
		{"/api/v2/users?pageSize=10", "/api/v2/users?pageSize=10&pageNumber=1", "/api/v2/users?pageSize=10&pageNumber=1",
			"", "/api/v2/users?pageSize=10&pageNumber=2", "/api/v2/users?pageSize=10&pageNumber=3"},
		{"/api/v2/users?pageNumber=2&pageSize=10&expand=presence", "/api/v2/users?pageSize=10&pageNumber=2&expand=presence",
			"/api/v2/users?pageSize=10&pageNumber=1&expand=presence", "/api/v2/users?pageSize=10&pageNumber=1&expand=presence",
			"/api/v2/users?pageSize=10&pageNumber=3&expand=presence", "/api/v2/users?pageSize=10&pageNumber=3&expand=presence"},
		{"/api/v2/users?pageSize=10&pageNumber=3", "/api/v2/users?pageSize=10&pageNumber=3", "/api/v2/users?pageSize=10&pageNumber=1",
			"/api/v2/users?pageSize=10&pageNumber=2", "", "/api/v2/users?pageSize=10&pageNumber=3"},
		{"/api/v2/routing/queues", "/api/v2/routing/queues?pageSize=25&pageNumber=1", "/api/v2/routing/queues?pageSize=25&pageNumber=1",
			"", "", "/api/v2/routing/queues?pageSize=25&pageNumber=1"},
	}
	for _, tc := range tests {
		m := links(tc.path)
		want := map[string]string{"selfUri": tc.self, "firstUri": tc.first, "previousUri": tc.prev, "nextUri": tc.next, "lastUri": tc.la}
		for k, w := range want {
			got, present := m[k]
			switch {
			case w == "" && present:
				t.Errorf("%s: %s = %v, want it absent", tc.path, k, got)
			case w != "" && got != w:
				t.Errorf("%s: %s = %v, want %s", tc.path, k, got, w)
			}
		}
		for _, k := range []string{"pageSize", "pageNumber", "total", "pageCount"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %s", tc.path, k)
			}
		}
	}
}
