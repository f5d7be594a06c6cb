package simulator

import (
	"strings"
	"testing"
)

// TestConversationAggregatesValidation: a missing or invalid interval, no or unknown metrics
// and an unsupported groupBy are 400s; an interval that does not cover the current one has
// no data; the call is recorded with the number of queues.
func TestConversationAggregatesValidation(t *testing.T) {
	s, _ := newSim(t, Config{Queues: 3})
	tok := getToken(t, s)
	const iv = `"interval":"2026-11-29T09:00:00.000Z/2026-11-29T09:30:00.000Z"`
	for name, body := range map[string]string{
		"no interval":      `{"metrics":["nOffered"]}`,
		"bad interval":     `{"interval":"today","metrics":["nOffered"]}`,
		"reversed":         `{"interval":"2026-11-29T09:30:00Z/2026-11-29T09:00:00Z","metrics":["nOffered"]}`,
		"no metrics":       `{` + iv + `}`,
		"unknown metric":   `{` + iv + `,"metrics":["nOffered","tBogus"]}`,
		"observation only": `{` + iv + `,"metrics":["oWaiting"]}`,
		"groupBy":          `{` + iv + `,"groupBy":["userId"],"metrics":["nOffered"]}`,
	} {
		r := call(t, s, "POST", aggPath, tok, body)
		if r.status != 400 || r.json(t)["code"] != "bad.request" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
		if name == "unknown metric" && !strings.Contains(r.json(t)["message"].(string), "tBogus") {
			t.Errorf("message does not name the metric: %s", r.body)
		}
	}
	r := call(t, s, "POST", aggPath, tok, `{"interval":"2026-11-28T09:00:00Z/2026-11-28T09:30:00Z","metrics":["nOffered"]}`)
	if r.status != 200 || len(r.json(t)["results"].([]any)) != 0 {
		t.Errorf("yesterday: %d %s", r.status, r.body)
	}
	var detail string
	for _, rec := range s.Records() {
		if rec.Kind == "conversation_aggregates" && rec.Status == 200 {
			detail = rec.Detail
		}
	}
	if detail != "3 queues" {
		t.Errorf("record detail %q, want every queue (no filter)", detail)
	}
}

// TestRefillRoutesGuarded: the refill routes need a token, spend the rate budget, take HTTP
// faults and are recorded under their kinds.
func TestRefillRoutesGuarded(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 1, RateLimitPerMinute: 5})
	tok := getToken(t, s)
	q, u := s.Population().Queues[0].ID, s.Population().Agents[0].ID
	reqs := []struct{ method, path, body, kind string }{
		{"POST", obsPath, obsBody([]string{"oWaiting"}, pred("queueId", q)), "observations_query"},
		{"POST", aggPath, `{"interval":"2026-11-29T09:00:00Z/2026-11-29T09:30:00Z","metrics":["nOffered"]}`, "conversation_aggregates"},
		{"GET", "/api/v2/users?id=" + u + "&expand=presence,routingStatus", "", "users_list"},
		{"GET", "/api/v2/users/" + u + "/presences/purecloud", "", "user_presence"},
		{"GET", "/api/v2/users/" + u + "/routingstatus", "", "user_routingstatus"},
	}
	for _, rq := range reqs {
		if r := call(t, s, rq.method, rq.path, "", rq.body); r.status != 401 {
			t.Errorf("%s without token: %d", rq.path, r.status)
		}
	}
	cancel := s.FailHTTP(HTTPFault{PathPrefix: "/api/v2/", Status: 503, Count: len(reqs)})
	defer cancel()
	for _, rq := range reqs {
		if r := call(t, s, rq.method, rq.path, tok, rq.body); r.status != 503 || r.json(t)["code"] != "service.unavailable" {
			t.Errorf("%s under fault: %d %s", rq.path, r.status, r.body)
		}
	}
	for _, rq := range reqs { // the token's budget of 5 went on the faulted calls
		if r := call(t, s, rq.method, rq.path, tok, rq.body); r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Errorf("%s over the rate limit: %d", rq.path, r.status)
		}
	}
	if s.Count("http_fault") != len(reqs) {
		t.Errorf("%d http_fault records", s.Count("http_fault"))
	}
}

// TestRefillRecords: each successful refill call is recorded once under its kind, with the
// number of queues or users in the detail.
func TestRefillRecords(t *testing.T) {
	s, _ := newSim(t, Config{Seed: 1})
	tok := getToken(t, s)
	qs := s.Population().Queues
	call(t, s, "POST", obsPath, tok, obsBody([]string{"oWaiting"}, pred("queueId", qs[0].ID), pred("queueId", qs[1].ID), pred("queueId", qs[0].ID)))
	call(t, s, "POST", aggPath, tok, `{"interval":"2026-11-29T09:00:00Z/2026-11-29T09:30:00Z","filter":{"type":"or","predicates":[`+
		pred("queueId", qs[2].ID)+`]},"metrics":["nOffered"]}`)
	got := map[string]string{}
	for _, rec := range s.Records() {
		got[rec.Kind] = rec.Detail
	}
	if s.Count("observations_query") != 1 || got["observations_query"] != "2 queues" {
		t.Errorf("observations_query: %d, %q", s.Count("observations_query"), got["observations_query"])
	}
	if s.Count("conversation_aggregates") != 1 || got["conversation_aggregates"] != "1 queues" {
		t.Errorf("conversation_aggregates: %d, %q", s.Count("conversation_aggregates"), got["conversation_aggregates"])
	}
}
