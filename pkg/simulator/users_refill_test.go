package simulator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestUsersRefillAgreesWithNotifications: GET /api/v2/users?id=…&expand=presence,routingStatus
// returns only the users asked for, and their presence and routing status carry the values
// of their last presence / routingStatus / activity notifications; so do the per-user routes.
func TestUsersRefillAgreesWithNotifications(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 8, Queues: 3, Agents: 12})
	tok := getToken(t, s)
	last := map[string]map[string]any{} // "<user> presence|routingStatus|activity" -> body
	now := testStart
	for i := 0; i < 400; i++ {
		now = now.Add(time.Second)
		for _, e := range s.model.Step(now) {
			parts := strings.Split(e.Topic, ".")
			if len(parts) == 4 && parts[1] == "users" && parts[3] != "conversations" {
				b, _ := json.Marshal(e.Body)
				var m map[string]any
				_ = json.Unmarshal(b, &m)
				last[parts[2]+" "+parts[3]] = m
			}
		}
	}
	agents := s.Population().Agents
	var ids []string
	for i := len(agents) - 1; i >= 0; i -= 2 { // every other user, in reverse order
		ids = append(ids, agents[i].ID)
	}
	r := call(t, s, "GET", "/api/v2/users?id="+strings.Join(ids[:3], "&id=")+"&id="+strings.Join(ids[3:], ",")+
		"&id=00000000-0000-4000-8000-000000000000&expand=presence,routingStatus&pageSize=100", tok, "")
	var page struct{ Entities []map[string]any }
	if r.status != 200 || json.Unmarshal(r.body, &page) != nil {
		t.Fatalf("users: %d %s", r.status, r.body)
	}
	if len(page.Entities) != len(ids) {
		t.Fatalf("%d users for %d ids", len(page.Entities), len(ids))
	}
	changed := 0
	for _, u := range page.Entities {
		id := u["id"].(string)
		if !inFilter(ids, id) {
			t.Errorf("user %s was not asked for", id)
		}
		pr, rs := u["presence"].(map[string]any), u["routingStatus"].(map[string]any)
		one := call(t, s, "GET", "/api/v2/users/"+id+"/presences/purecloud", tok, "").json(t)
		rsOne := call(t, s, "GET", "/api/v2/users/"+id+"/routingstatus", tok, "").json(t)
		def := pr["presenceDefinition"].(map[string]any)
		if one["presenceDefinition"].(map[string]any)["id"] != def["id"] || one["modifiedDate"] != pr["modifiedDate"] ||
			rsOne["status"] != rs["status"] || rsOne["startTime"] != rs["startTime"] || rs["userId"] != id {
			t.Errorf("%s: per-user routes %v %v disagree with the listing %v %v", id, one, rsOne, pr, rs)
		}
		p, ok := last[id+" presence"]
		if !ok {
			if def["systemPresence"] != "On Queue" {
				t.Errorf("%s: no presence event, presence %v", id, def)
			}
			continue
		}
		changed++
		evDef := p["presenceDefinition"].(map[string]any)
		label := strings.ReplaceAll(evDef["systemPresence"].(string), "_", " ")
		if def["id"] != evDef["id"] || !strings.EqualFold(def["systemPresence"].(string), label) ||
			pr["modifiedDate"] != p["modifiedDate"] || pr["source"] != p["source"] || pr["primary"] != p["primary"] {
			t.Errorf("%s: presence %v, last event %v", id, pr, p)
		}
		for _, kind := range []string{"routingStatus", "activity"} {
			ev := last[id+" "+kind]["routingStatus"].(map[string]any)
			if rs["status"] != ev["status"] || rs["startTime"] != ev["startTime"] {
				t.Errorf("%s: routingStatus %v, last %s event %v", id, rs, kind, ev)
			}
		}
	}
	if changed == 0 {
		t.Error("no user changed presence: the test compared nothing")
	}
	if n := s.Count("users_list"); n != 1 {
		t.Errorf("%d users_list records", n)
	}
	recs := s.Records()
	for _, rec := range recs {
		if rec.Kind == "users_list" && !strings.Contains(rec.Detail, "6 matching") {
			t.Errorf("users_list detail %q", rec.Detail)
		}
	}
}

func TestUserPresenceRoutes(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 3, Agents: 3})
	tok := getToken(t, s)
	u := s.Population().Agents[0].ID
	p := call(t, s, "GET", "/api/v2/users/"+u+"/presences/PURECLOUD", tok, "")
	if p.status != 200 {
		t.Fatalf("presence: %d %s", p.status, p.body)
	}
	sameKeys(t, "UserPresence", p.json(t), "source", "primary", "message", "presenceDefinition", "modifiedDate", "selfUri")
	rs := call(t, s, "GET", "/api/v2/users/"+u+"/routingstatus", tok, "")
	if rs.status != 200 {
		t.Fatalf("routingstatus: %d %s", rs.status, rs.body)
	}
	sameKeys(t, "RoutingStatus", rs.json(t), "userId", "status", "startTime")
	if st := rs.json(t)["status"]; st != "IDLE" {
		t.Errorf("status at start %v", st)
	}
	for _, path := range []string{"/api/v2/users/nope/presences/purecloud", "/api/v2/users/nope/routingstatus",
		"/api/v2/users/" + u + "/presences/microsoftteams"} {
		r := call(t, s, "GET", path, tok, "")
		if r.status != 404 || r.json(t)["code"] != "not.found" || r.json(t)["contextId"] == "" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	// the user itself still answers on its own route
	if r := call(t, s, "GET", "/api/v2/users/"+u, tok, ""); r.status != 200 || r.json(t)["id"] != u {
		t.Errorf("user: %d %s", r.status, r.body)
	}
	if s.Count("user_presence") != 3 || s.Count("user_routingstatus") != 2 { // 404s included
		t.Errorf("records: %d user_presence, %d user_routingstatus", s.Count("user_presence"), s.Count("user_routingstatus"))
	}
}
