package simulator

import (
	"encoding/json"
	"sort"
	"strings"
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

func entityIDs(t *testing.T, r resp) []string {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var p struct{ Entities []struct{ ID, Name string } }
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range p.Entities {
		out = append(out, e.ID)
	}
	return out
}

func TestListFilters(t *testing.T) {
	s, _ := newSim(t, Config{Queues: 6, Agents: 12, Seed: 3})
	tok := getToken(t, s)
	pop := s.Population()
	q0, q1, q4 := pop.Queues[0].ID, pop.Queues[1].ID, pop.Queues[4].ID
	u2, u7 := pop.Agents[2].ID, pop.Agents[7].ID
	set := func(ids []string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	tests := []struct {
		path string
		want []string // nil: compare only the count
		n    int
	}{
		{"/api/v2/routing/queues?id=" + q0 + "," + q4, []string{q0, q4}, 2},
		{"/api/v2/routing/queues?id=" + q0 + "&id=" + q1 + "&id=" + q4, []string{q0, q1, q4}, 3},
		{"/api/v2/routing/queues?id=nope", []string{}, 0},
		{"/api/v2/routing/queues?divisionId=" + pop.DivisionID, nil, 6},
		{"/api/v2/routing/queues?divisionId=other-division", []string{}, 0},
		{"/api/v2/users?id=" + u2 + "," + u7, []string{u2, u7}, 2},
		{"/api/v2/users?id=" + u2 + "&id=" + u7, []string{u2, u7}, 2},
		{"/api/v2/users?state=inactive", []string{}, 0},
		{"/api/v2/users?state=any", nil, 12},
	}
	for _, tc := range tests {
		got := entityIDs(t, call(t, s, "GET", tc.path, tok, ""))
		if len(got) != tc.n {
			t.Errorf("%s: %d entities, want %d", tc.path, len(got), tc.n)
		}
		if tc.want != nil {
			g := set(got)
			for _, id := range tc.want {
				if !g[id] {
					t.Errorf("%s: %s missing from %v", tc.path, id, got)
				}
			}
		}
	}
	names := func(path string) []string {
		r := call(t, s, "GET", path, tok, "")
		var p struct{ Entities []struct{ Name string } }
		_ = json.Unmarshal(r.body, &p)
		var out []string
		for _, e := range p.Entities {
			out = append(out, strings.ToLower(e.Name))
		}
		return out
	}
	for path, desc := range map[string]bool{"/api/v2/routing/queues": false, "/api/v2/routing/queues?sortOrder=desc": true,
		"/api/v2/users?pageSize=100": false, "/api/v2/users?pageSize=100&sortOrder=descending": true} {
		n := names(path)
		ok := sort.SliceIsSorted(n, func(i, j int) bool { return n[i] < n[j] })
		if desc {
			ok = sort.SliceIsSorted(n, func(i, j int) bool { return n[i] > n[j] })
		}
		if !ok || len(n) < 6 {
			t.Errorf("%s: names %v not sorted (descending %v)", path, n, desc)
		}
	}
	for _, bad := range []string{"/api/v2/routing/queues?sortOrder=sideways", "/api/v2/users?state=retired", "/api/v2/users?sortOrder=up"} {
		if r := call(t, s, "GET", bad, tok, ""); r.status != 400 || r.json(t)["code"] != "bad.request" {
			t.Errorf("%s: %d %s, want 400 bad.request", bad, r.status, r.body)
		}
	}
}

func TestUserExpand(t *testing.T) {
	s, _ := newSim(t, Config{Agents: 3, Seed: 3})
	tok := getToken(t, s)
	r := call(t, s, "GET", "/api/v2/users?expand=presence,routingStatus", tok, "")
	var p struct{ Entities []map[string]any }
	_ = json.Unmarshal(r.body, &p)
	if len(p.Entities) != 3 {
		t.Fatalf("users: %s", r.body)
	}
	for _, u := range p.Entities {
		pr, _ := u["presence"].(map[string]any)
		def, _ := pr["presenceDefinition"].(map[string]any)
		rs, _ := u["routingStatus"].(map[string]any)
		if def["systemPresence"] != "On Queue" || def["id"] == "" || rs["status"] != "IDLE" || rs["userId"] != u["id"] {
			t.Errorf("expanded user %v", u)
		}
	}
	r = call(t, s, "GET", "/api/v2/users", tok, "")
	p.Entities = nil
	_ = json.Unmarshal(r.body, &p)
	if _, ok := p.Entities[0]["presence"]; ok {
		t.Errorf("presence without expand: %v", p.Entities[0])
	}
}

func TestSingleItemLookups(t *testing.T) {
	s, _ := newSim(t, Config{Queues: 2, Agents: 2, Seed: 4})
	tok := getToken(t, s)
	q, u := s.Population().Queues[1], s.Population().Agents[1]
	if r := call(t, s, "GET", "/api/v2/routing/queues/"+q.ID, tok, ""); r.status != 200 || r.json(t)["name"] != q.Name || r.json(t)["mediaSettings"] == nil {
		t.Errorf("queue: %d %s", r.status, r.body)
	}
	r := call(t, s, "GET", "/api/v2/users/"+u.ID+"?expand=routingStatus", tok, "")
	if r.status != 200 || r.json(t)["name"] != u.Name || r.json(t)["routingStatus"] == nil {
		t.Errorf("user: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/api/v2/routing/queues/nope", "/api/v2/users/nope"} {
		if r := call(t, s, "GET", path, tok, ""); r.status != 404 || r.json(t)["code"] != "not.found" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	// A client-credentials token has no user: the service answers 400 with this message.
	r = call(t, s, "GET", "/api/v2/users/me", tok, "")
	if r.status != 400 || !strings.Contains(r.json(t)["message"].(string), "requires a user context") {
		t.Errorf("users/me: %d %s", r.status, r.body)
	}
	if r := call(t, s, "GET", "/api/v2/users/"+u.ID, "", ""); r.status != 401 {
		t.Errorf("no token: %d", r.status)
	}
}
