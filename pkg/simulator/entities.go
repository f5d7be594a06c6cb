package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

func (s *Server) handleQueues(w http.ResponseWriter, r *http.Request) {
	s.servePage(w, r, "queues", func(name string) []map[string]any {
		items := []map[string]any{}
		for _, q := range s.pop.Queues {
			if nameMatches(name, q.Name) {
				items = append(items, map[string]any{"id": q.ID, "name": q.Name, "description": q.Description,
					"memberCount": len(q.MemberIDs), "division": map[string]any{"id": s.pop.DivisionID, "name": "Home"},
					"mediaSettings": queueMediaSettings(),
					"selfUri":       "/api/v2/routing/queues/" + q.ID})
			}
		}
		return items
	})
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	s.servePage(w, r, "users", func(name string) []map[string]any {
		items := []map[string]any{}
		for _, a := range s.pop.Agents {
			if nameMatches(name, a.Name) {
				items = append(items, map[string]any{"id": a.ID, "name": a.Name, "email": a.Email, "username": a.Email,
					"title": a.Title, "department": a.Department, "state": "active", "version": 1,
					"division": map[string]any{"id": s.pop.DivisionID, "name": "Home"}, "selfUri": "/api/v2/users/" + a.ID})
			}
		}
		return items
	})
}

// servePage is the shared shape of the paged entity listings: authenticate, validate
// paging, list the entities matching ?name=, record the call, answer one page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, kind string, list func(name string) []map[string]any) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	size, number, msg := paging(r)
	if msg != "" {
		s.writeError(w, 400, "invalid.value", msg)
		return
	}
	items := list(r.URL.Query().Get("name"))
	s.record(Record{Kind: kind, Token: t.hash, Status: 200, Detail: "page " + strconv.Itoa(number)})
	writePage(w, r, items, size, number)
}

// observationQuery is the part of the query body the simulator reads.
type observationQuery struct {
	Filter *struct {
		Type       string      `json:"type"`
		Predicates []predicate `json:"predicates"`
		Clauses    []struct {
			Predicates []predicate `json:"predicates"`
		} `json:"clauses"`
	} `json:"filter"`
	Metrics []string `json:"metrics"`
}

type predicate struct {
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
}

func (s *Server) handleObservationsQuery(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var q observationQuery
	if err := json.Unmarshal(body, &q); err != nil || q.Filter == nil {
		s.writeError(w, 400, "bad.request", `the body needs a filter, e.g. {"filter":{"type":"or","predicates":[{"dimension":"queueId","value":"<id>"}]},"metrics":["oWaiting"]}`)
		return
	}
	preds := append([]predicate{}, q.Filter.Predicates...)
	for _, c := range q.Filter.Clauses {
		preds = append(preds, c.Predicates...)
	}
	var ids []string
	for _, p := range preds {
		if p.Dimension == "queueId" && p.Value != "" {
			ids = append(ids, p.Value)
		}
	}
	if len(ids) == 0 {
		s.writeError(w, 400, "bad.request", "the filter must name at least one queueId")
		return
	}
	results := s.model.Observations(ids, q.Metrics)
	s.record(Record{Kind: "observations_query", Token: t.hash, Status: 200, Detail: strconv.Itoa(len(ids)) + " queues"})
	writeJSON(w, 200, map[string]any{"results": results})
}

// Population is the simulated organisation's queues and agents (ids for topics).
func (s *Server) Population() generator.Population { return s.pop }

// queueMediaSettings is a queue's per-media settings as Genesys sends them: one entry for
// every routable media type, keyed call, callback, chat, email and message (QueueMediaSettings
// of the platform SDKs). The analytics mediaType "voice" is "call" here.
func queueMediaSettings() map[string]any {
	media := func(alertSeconds, slMs int) map[string]any {
		return map[string]any{"alertingTimeoutSeconds": alertSeconds, "enableAutoAnswer": false,
			"serviceLevel": map[string]any{"percentage": 0.8, "durationMs": slMs}}
	}
	callback := media(30, 20000)
	callback["enableAutoDialAndEnd"] = false
	return map[string]any{"call": media(8, 20000), "callback": callback, "chat": media(30, 20000),
		"email": media(300, 86400000), "message": media(30, 20000)}
}

// nameMatches is Genesys' name filter: case-insensitive, '*' as wildcard (treated as substring).
func nameMatches(filter, name string) bool {
	f := strings.ToLower(strings.Trim(filter, "*"))
	return f == "" || strings.Contains(strings.ToLower(name), f)
}
