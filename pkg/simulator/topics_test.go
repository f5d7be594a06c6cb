package simulator

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAvailableTopics(t *testing.T) {
	s, _ := newSim(t, Config{})
	tok := getToken(t, s)
	var all struct{ Entities []map[string]any }
	r := call(t, s, "GET", "/api/v2/notifications/availabletopics?expand=description,schema,requiresPermissions,transports,topicParameters", tok, "")
	if r.status != 200 || json.Unmarshal(r.body, &all) != nil {
		t.Fatalf("availabletopics: %d", r.status)
	}
	byID := map[string]map[string]any{}
	for _, e := range all.Entities {
		sameKeys(t, "topic "+e["id"].(string), e, "id", "description", "schema", "requiresPermissions", "transports", "topicParameters")
		byID[e["id"].(string)] = e
	}
	// every topic the reference lists
	for _, id := range []string{"v2.analytics.queues.{id}.observations", "v2.routing.queues.{id}.conversations",
		"v2.routing.queues.{id}.users", "v2.users.{id}.presence", "v2.users.{id}.routingStatus", "v2.users.{id}.activity",
		"v2.users.{id}.conversations", "v2.detail.events.conversation.{id}.acd.start", "v2.detail.events.conversation.{id}.acd.end",
		"v2.detail.events.conversation.{id}.acw", "v2.detail.events.conversation.{id}.user.start"} {
		e := byID[id]
		if e == nil {
			t.Errorf("missing topic %s", id)
			continue
		}
		props, _ := e["schema"].(map[string]any)["properties"].(map[string]any)
		if len(props) == 0 {
			t.Errorf("%s: schema without properties", id)
		}
		if p := e["topicParameters"].([]any); len(p) != 1 || p[0] != "id" {
			t.Errorf("%s: topicParameters %v", id, p)
		}
	}
	obs := byID["v2.analytics.queues.{id}.observations"]["schema"].(map[string]any)["properties"].(map[string]any)
	if _, ok := obs["group"]; !ok {
		t.Errorf("observation schema lacks group: %v", keys(obs))
	}
	ebOnly := 0
	for _, e := range all.Entities {
		ts := e["transports"].([]any)
		if len(ts) == 1 && ts[0] == "EventBridge" {
			ebOnly++
		}
	}
	if ebOnly < 2 {
		t.Errorf("%d EventBridge-only topics, want some to test filtering", ebOnly)
	}

	var bare struct{ Entities []map[string]any }
	r = call(t, s, "GET", "/api/v2/notifications/availabletopics?expand=transports", tok, "")
	_ = json.Unmarshal(r.body, &bare)
	sameKeys(t, "bare topic", bare.Entities[0], "id", "transports")
	if r := call(t, s, "GET", "/api/v2/notifications/availabletopics", "", ""); r.status != 401 {
		t.Errorf("no token: %d", r.status)
	}
}

func TestEntitiesPaging(t *testing.T) {
	s, _ := newSim(t, Config{Queues: 7, Agents: 23, Seed: 5})
	tok := getToken(t, s)
	type pageT struct {
		Entities                               []map[string]any
		PageNumber, PageSize, PageCount, Total int
		NextURI                                string
	}
	get := func(path string) pageT {
		t.Helper()
		r := call(t, s, "GET", path, tok, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		var p pageT
		_ = json.Unmarshal(r.body, &p)
		for _, k := range []string{"entities", "pageNumber", "pageSize", "pageCount", "total"} {
			if _, ok := r.json(t)[k]; !ok {
				t.Errorf("%s lacks %s", path, k)
			}
		}
		return p
	}
	p := get("/api/v2/routing/queues?pageSize=3&pageNumber=3")
	if p.Total != 7 || p.PageCount != 3 || len(p.Entities) != 1 || p.PageNumber != 3 || p.NextURI != "" {
		t.Errorf("queues page 3: %+v", p)
	}
	p = get("/api/v2/users?pageSize=10")
	if p.Total != 23 || p.PageCount != 3 || len(p.Entities) != 10 || p.NextURI == "" {
		t.Errorf("users page 1: %+v", p)
	}
	name := s.Population().Queues[2].Name
	p = get("/api/v2/routing/queues?name=" + strings.ReplaceAll(strings.ToLower(name[:4]), " ", "%20") + "*")
	if p.Total < 1 || !strings.EqualFold(p.Entities[0]["name"].(string)[:4], name[:4]) {
		t.Errorf("name filter %q: %+v", name[:4], p)
	}
	p = get("/api/v2/users?pageNumber=9")
	if len(p.Entities) != 0 || p.Total != 23 {
		t.Errorf("past the end: %+v", p)
	}
	for _, bad := range []string{"pageSize=0", "pageSize=501", "pageNumber=x"} {
		if r := call(t, s, "GET", "/api/v2/users?"+bad, tok, ""); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
}
